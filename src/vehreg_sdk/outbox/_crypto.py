"""Personal data sealed at rest, and shredded after delivery.

A hub's outbox holds every buyer's name, ID number, mobile, address and photos. With a
master key (kept outside the database: :func:`load_master_key`), each item gets its own
random data key; the owner's (and a car's agent's) fields and the photos are sealed with
it (AES-256-GCM, the item's id and the field bound in as associated data, so a sealed
value cannot be moved to another row), and the data key is stored wrapped by the master
key in ``item_keys``, a table of its own.

After delivery the item is purged: its personal fields are replaced by their masked
forms, its photo bytes emptied, and its data key deleted. On PostgreSQL deleted and
updated rows linger (dead tuples until vacuum, the WAL, base backups); the sealed
copies there are unreadable once the key is gone. The wrapped key itself may linger in
the same places: rotating the master key (:meth:`Sealer.rewrap`) and destroying the
old one makes every such copy unreadable too, backups included.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any, Final

from ._models import OutboxError

ENV_KEY: Final = "VEHREG_OUTBOX_KEY"
ENV_KEY_FILE: Final = "VEHREG_OUTBOX_KEY_FILE"
#: where a hub with a keyring keeps the master key (``keyring set vehreg-sdk outbox-key``)
KEYRING_USER: Final = "outbox-key"
_WRAP_AAD = b"vehreg-outbox/data-key/v1"
_NONCE = 12
#: the owner's sections of a sale: sealed, and masked after delivery
PERSONAL_SECTIONS = ("owner", "agent")


class OutboxKeyProblem(OutboxError):
    """The master key is missing, unreadable, of the wrong size, or readable by others."""

    code = "outbox.key"

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message, message_zh)


def generate_key() -> str:
    """A new master key, base64 (44 characters): put it in ``VEHREG_OUTBOX_KEY`` or a file."""
    return base64.b64encode(os.urandom(32)).decode()


def _decode(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise OutboxKeyProblem(
            f"{where}: the outbox key must be 32 bytes in base64 "
            "(make one with `vehreg outbox keygen`)",
            f"{where}：离线队列主密钥须为 base64 编码的 32 字节"
            "（可用 `vehreg outbox keygen` 生成）",
        )
    return key


def _read_key_file(path: Path) -> bytes:
    if os.name == "posix":
        try:
            mode = path.stat().st_mode
        except OSError:
            raise OutboxKeyProblem(
                f"{ENV_KEY_FILE}: no key file at {path}",
                f"{ENV_KEY_FILE}：找不到密钥文件 {path}",
            ) from None
        if mode & 0o077:
            raise OutboxKeyProblem(
                f"{ENV_KEY_FILE}: {path} is readable by others; make it owner-only "
                f"(chmod 600 {path})",
                f"{ENV_KEY_FILE}：{path} 可被他人读取，请改为仅所有者可读（chmod 600 {path}）",
            )
    return _decode(path.read_text(encoding="utf-8"), ENV_KEY_FILE)


def load_master_key(
    explicit: bytes | str | None = None, *, use_keyring: bool = False
) -> bytes | None:
    """The master key: ``explicit`` (bytes, or base64 text), else ``VEHREG_OUTBOX_KEY``
    (base64), else the owner-only file named by ``VEHREG_OUTBOX_KEY_FILE``, else (when
    ``use_keyring``) the OS keyring (service ``vehreg-sdk``, user ``outbox-key``).
    ``None`` when none is set. Never read from the database it protects."""
    if isinstance(explicit, bytes):
        if len(explicit) != 32:
            return _decode("", "key")
        return explicit
    if isinstance(explicit, str):
        return _decode(explicit, "key")
    env = os.environ.get(ENV_KEY)
    if env:
        return _decode(env, ENV_KEY)
    file = os.environ.get(ENV_KEY_FILE)
    if file:
        return _read_key_file(Path(file))
    if use_keyring:
        try:
            import keyring

            from ..credentials import KEYRING_SERVICE

            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        except Exception:  # no usable keyring on this server: the other sources are named
            stored = None
        if stored:
            return _decode(stored, "keyring")
    return None


class Sealer:
    """Seals and opens one outbox's personal data under a master key."""

    def __init__(self, master: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._master = AESGCM(master)
        #: names the master key in logs and docs without revealing it
        self.key_id = hashlib.sha256(b"vehreg-outbox-key-id" + master).hexdigest()[:12]

    def __repr__(self) -> str:
        return f"Sealer(key_id={self.key_id!r})"

    def new_row_key(self) -> tuple[bytes, bytes]:
        """A fresh data key and its wrapped form (to store)."""
        key = os.urandom(32)
        return key, self.wrap(key)

    def wrap(self, key: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._master.encrypt(nonce, key, _WRAP_AAD)

    def unwrap(self, wrapped: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            return self._master.decrypt(wrapped[:_NONCE], wrapped[_NONCE:], _WRAP_AAD)
        except InvalidTag:
            raise OutboxKeyProblem(
                "the outbox key does not open this outbox's data (a different key was used)",
                "离线队列主密钥无法解开本队列的数据（加密时使用的是另一把密钥）",
            ) from None

    def rewrap(self, wrapped: bytes, new: Sealer) -> bytes:
        """``wrapped`` opened with this key and wrapped again with ``new`` (key rotation)."""
        return new.wrap(self.unwrap(wrapped))


def seal(key: bytes, data: bytes, aad: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(_NONCE)
    return nonce + AESGCM(key).encrypt(nonce, data, aad.encode())


def open_sealed(key: bytes, blob: bytes, aad: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key).decrypt(blob[:_NONCE], blob[_NONCE:], aad.encode())


SEALED = "sealed"


def seal_payload(key: bytes, local_id: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its personal sections replaced by one sealed value."""
    personal = {name: payload[name] for name in PERSONAL_SECTIONS if name in payload}
    rest = {k: v for k, v in payload.items() if k not in personal}
    blob = seal(key, json.dumps(personal, ensure_ascii=False).encode(), f"{local_id}/payload")
    rest[SEALED] = base64.b64encode(blob).decode()
    return rest


def open_payload(key: bytes | None, local_id: str, stored: dict[str, Any]) -> dict[str, Any]:
    """The payload with its personal sections back (without them if the key is gone)."""
    if SEALED not in stored:
        return stored
    rest = {k: v for k, v in stored.items() if k != SEALED}
    if key is None:
        return rest
    personal = json.loads(open_sealed(key, base64.b64decode(stored[SEALED]), f"{local_id}/payload"))
    return {**rest, **personal}


def masked_sections(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its personal sections masked (kept after purging, for the clerk)."""
    from ._redact import owner_personal

    out = {k: v for k, v in payload.items() if k != SEALED}
    for name in PERSONAL_SECTIONS:
        section = payload.get(name)
        if isinstance(section, dict):
            masks = owner_personal(section)
            out[name] = {
                k: masks.get(v.strip(), v) if isinstance(v, str) else v for k, v in section.items()
            }
    return out
