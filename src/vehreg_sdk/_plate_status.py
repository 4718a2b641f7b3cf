"""The bureau's signed plate status list (revocations), verified and cached offline.

``GET /v1/plate-status?since=N`` returns ``{"object": "plate_status", "status_list": JWS,
...}``. The JWS (EdDSA, ``typ`` ``vehreg-plate-status+jws``, same keys as plate tokens)
signs ``{"iss", "version", "since", "iat", "revoked": [{"registration_id", "revoked_at",
"reason"}]}``: the revocations numbered ``since + 1 .. version``. ``since=0`` is the whole
list; a later ``since=<cached version>`` brings only what is new. A cached list keeps every
signed document it was built from, so it can be checked again offline at any time.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from . import _jws
from ._plate_errors import StatusListError, UnknownKeyError, keys_of


@dataclass(frozen=True, slots=True)
class Revocation:
    """One revoked registration: when, and why (``cancelled`` or ``rejected``)."""

    registration_id: str
    revoked_at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class PlateStatusList:
    """A verified status list: every revocation up to ``version``, as of ``issued_at``."""

    version: int
    issued_at: datetime
    issuer: str
    #: The revocations before this list's first one: 0 for a whole list.
    since: int = 0
    revoked: Mapping[str, Revocation] = field(default_factory=dict)
    #: The signed documents (JWS) it was built from: a full list, then the updates.
    signed: tuple[str, ...] = ()

    def revocation(self, registration_id: str) -> Revocation | None:
        return self.revoked.get(registration_id)

    def age(self, now: datetime | None = None) -> timedelta:
        """How long ago the bureau issued the newest part of this list."""
        return (now or datetime.now(UTC)) - self.issued_at

    def updated(self, newer: PlateStatusList) -> PlateStatusList:
        """This list with ``newer`` applied (a full list replaces; an update must follow on).

        Raises :class:`StatusListError` if ``newer`` starts after this list's version
        (revocations in between would be missing).
        """
        since = newer.since
        if since == 0:  # a whole list replaces, unless it is older than what we hold
            return newer if newer.version >= self.version else self
        if since > self.version:
            raise StatusListError(
                f"the update starts after revocation {since} but the cached list ends at "
                f"{self.version}: fetch with since={self.version}",
                f"状态列表更新从第 {since} 条开始，但本地列表只到第 {self.version} 条："
                f"请用 since={self.version} 重新获取",
            )
        if newer.version <= self.version:
            return self  # nothing new (or an older answer): keep what we have
        return PlateStatusList(
            version=newer.version,
            issued_at=max(self.issued_at, newer.issued_at),
            issuer=self.issuer,
            since=self.since,
            revoked={**self.revoked, **newer.revoked},
            signed=(*self.signed, *newer.signed),
        )


def _jws_of(document: object) -> str:
    if isinstance(document, str):
        return document.strip()
    if isinstance(document, Mapping):
        value = document.get("status_list")
    else:  # the PlateStatus model
        value = getattr(document, "status_list", None)
    if not isinstance(value, str):
        raise StatusListError(
            "not a plate status list: expected the body of GET /v1/plate-status",
            "不是号牌状态列表：应为 GET /v1/plate-status 的返回内容",
        )
    return value


def _malformed(reason: str) -> StatusListError:
    return StatusListError(f"the plate status list is malformed: {reason}", "号牌状态列表格式错误")


def verify_status(document: object, jwks: object) -> PlateStatusList:
    """Check a status list's signature against the bureau's keys, offline.

    ``document`` is the body of ``GET /v1/plate-status`` (dict or
    :class:`~vehreg_sdk.types.PlateStatus`) or its ``status_list`` JWS.
    """
    token = _jws_of(document)
    try:
        header, payload, signing_input, signature = _jws.split_compact(token)
    except _jws.MalformedToken as exc:
        raise _malformed(str(exc)) from exc
    if header.get("alg") != _jws.ALGORITHM or header.get("typ") != _jws.STATUS_TYPE:
        raise _malformed("not a vehreg plate status list (alg/typ)")
    kid = header.get("kid")
    candidates = [key for key in keys_of(jwks) if key.get("kid") == kid]
    if not candidates:
        raise UnknownKeyError(
            f"the status list was signed with key {kid!r}, which the key set does not hold",
            f"状态列表的签名密钥 {kid!r} 不在车管所公钥集中",
        )
    for key in candidates:
        try:
            public_key = _jws.public_key_from_jwk(dict(key))
        except ValueError:
            continue
        if _jws.verify_signature(public_key, signing_input, signature):
            break
    else:
        raise StatusListError(
            "the status list's signature does not match: altered or forged",
            "状态列表签名不符：已被篡改或伪造",
        )
    return _parse(payload, token)


def _parse(payload: dict[str, Any], token: str) -> PlateStatusList:
    version, since, iat = payload.get("version"), payload.get("since"), payload.get("iat")
    entries = payload.get("revoked")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (version, since, iat)):
        raise _malformed("version, since and iat must be integers")
    if not isinstance(entries, list):
        raise _malformed("revoked must be a list")
    assert isinstance(version, int) and isinstance(since, int) and isinstance(iat, int)
    revoked: dict[str, Revocation] = {}
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("registration_id"), str)
            and isinstance(entry.get("revoked_at"), int)
            and isinstance(entry.get("reason"), str)
        ):
            raise _malformed("each revocation has registration_id, revoked_at and reason")
        revoked[entry["registration_id"]] = Revocation(
            registration_id=entry["registration_id"],
            revoked_at=datetime.fromtimestamp(entry["revoked_at"], tz=UTC),
            reason=entry["reason"],
        )
    return PlateStatusList(
        version=version,
        issued_at=datetime.fromtimestamp(iat, tz=UTC),
        issuer=str(payload.get("iss", "")),
        since=since,
        revoked=revoked,
        signed=(token,),
    )


def fold(documents: Iterable[object], jwks: object) -> PlateStatusList:
    """Verify a full list and its updates, in order, into one list."""
    current: PlateStatusList | None = None
    for document in documents:
        status = verify_status(document, jwks)
        if current is None and status.since != 0:
            raise _malformed("a cached list starts with a whole list (since=0)")
        current = status if current is None else current.updated(status)
    if current is None:
        raise _malformed("no signed list")
    return current


def save_status(path: str | os.PathLike[str], status: PlateStatusList) -> Path:
    """Write the list's signed documents atomically; :func:`load_status` checks them again."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".plate-status-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"object": "plate_status_cache", "signed": list(status.signed)}, handle)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target


def load_status(path: str | os.PathLike[str], jwks: object) -> PlateStatusList:
    """Read and verify a list saved by :func:`save_status` (or a saved ``GET`` body)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StatusListError(
            f"cannot read the plate status list {os.fspath(path)}: {exc}",
            f"无法读取号牌状态列表 {os.fspath(path)}",
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("signed"), list):
        return fold(data["signed"], jwks)
    return verify_status(data, jwks)
