"""Who may talk to the bridge, and how a browser is kept from being tricked into it.

* The POS software sends ``Authorization: Bearer <token>``. The token is made
  once per install and kept in the OS keyring (service ``vehreg-sdk``); where no
  keyring is usable, in an owner-only file, or given by ``$VEHREG_BRIDGE_TOKEN``
  (:class:`TokenStore`).
* The clerk page runs on a session cookie (``HttpOnly``, ``SameSite=Strict``)
  obtained with a one-time login code or the token. Every state-changing page
  request must carry the session's CSRF token in ``X-CSRF-Token`` and come
  from the bridge's own origin.
* The ``Host`` header must name the bridge (DNS rebinding), no CORS header is
  ever sent, and the content security policy allows only the bridge itself.
"""

from __future__ import annotations

import hmac
import os
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import keyring
from keyring.errors import KeyringError

from vehreg_sdk import VehregError
from vehreg_sdk._home import data_home
from vehreg_sdk.credentials import config_path

#: what a missing, locked or broken keyring raises (NoKeyringError is a RuntimeError too)
_KEYRING_FAILURES = (KeyringError, RuntimeError, OSError)

KEYRING_SERVICE = "vehreg-sdk"
TOKEN_USERNAME = "pos-bridge-token"  # noqa: S105 - a keyring entry name, not a secret
#: the token given by the environment (containers, services); wins over every store
ENV_TOKEN = "VEHREG_BRIDGE_TOKEN"  # noqa: S105 - a variable name
#: the owner-only file used where no OS keyring is usable (next to ``config.json``)
TOKEN_FILE_NAME = "bridge-token"  # noqa: S105 - a file name
SESSION_COOKIE = "vehreg_bridge_session"
SESSION_TTL_S = 12 * 3600
LOGIN_CODE_TTL_S = 120
#: a running bridge looks at the token store this often, so a rotation takes effect
TOKEN_REFRESH_S = 1.0

TokenLocation = Literal["env", "keyring", "file"]


def token_file() -> Path:
    """Where the token lives on a machine without a usable keyring (mode 0600)."""
    return config_path().with_name(TOKEN_FILE_NAME)


class TokenStore:
    """Where this install's bridge token lives, chosen once per process, in this order:

    1. ``$VEHREG_BRIDGE_TOKEN`` when set (rotate by changing the variable and restarting);
    2. the token file, when an earlier run had to fall back to it (the token stays stable),
       or when ``VEHREG_HOME`` names a machine-wide data folder (``$VEHREG_HOME/bridge-token``);
    3. the OS keyring (service ``vehreg-sdk``, entry ``pos-bridge-token``);
    4. the token file ``bridge-token`` beside ``config.json``, readable by its owner only
       (0600), chosen automatically with a one-line ``notice`` when no keyring is usable:
       a headless Linux till, a container, a Windows service account.
    """

    def __init__(
        self, username: str = TOKEN_USERNAME, *, notice: Callable[[str], None] | None = None
    ) -> None:
        self.username = username
        self._notice = notice or (lambda line: print(line, file=sys.stderr))
        self._location: TokenLocation | None = None

    @property
    def location(self) -> TokenLocation:
        if self._location is None:
            self._location = self._choose()
        return self._location

    def _choose(self) -> TokenLocation:
        if os.environ.get(ENV_TOKEN):
            return "env"
        if token_file().is_file() or data_home() is not None:
            # VEHREG_HOME: a machine-wide install keeps its token in that folder, not in
            # the keyring of whichever account (service, clerk) happened to start it.
            return "file"
        try:
            keyring.get_password(KEYRING_SERVICE, self.username)
        except _KEYRING_FAILURES as exc:
            self._fall_back(exc)
            return "file"
        return "keyring"

    def _fall_back(self, exc: BaseException) -> None:
        self._notice(
            f"No usable OS keyring ({type(exc).__name__}): the bridge token is kept in "
            f"{token_file()} (owner-only) / 没有可用的系统密钥环：收银桥接令牌保存在 "
            f"{token_file()}（仅本用户可读）"
        )

    def read(self) -> str | None:
        """The current token, or ``None`` when none was made yet."""
        location = self.location
        if location == "env":
            return os.environ.get(ENV_TOKEN) or None
        if location == "file":
            try:
                return token_file().read_text(encoding="utf-8").strip() or None
            except FileNotFoundError:
                return None
        try:
            return keyring.get_password(KEYRING_SERVICE, self.username) or None
        except _KEYRING_FAILURES:
            return None  # a keyring that failed since: keep the last token (see Guard)

    def get_or_create(self, *, rotate: bool = False) -> str:
        """This install's token, made on first use; ``rotate`` replaces it with a new one."""
        if self.location == "env":
            if rotate:
                raise TokenRotationError()
            return os.environ[ENV_TOKEN]
        token = None if rotate else self.read()
        if token:
            return token
        token = secrets.token_urlsafe(32)
        self._write(token)
        return token

    def _write(self, token: str) -> None:
        if self.location == "keyring":
            try:
                keyring.set_password(KEYRING_SERVICE, self.username, token)
                return
            except _KEYRING_FAILURES as exc:  # readable but not writable (locked, denied)
                self._fall_back(exc)
                self._location = "file"
        write_private_text(token_file(), token + "\n")


def write_private_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text``, readable by its owner only (0600) from the first byte.

    Windows: the file sits in the user's own ``%APPDATA%`` folder, private by its ACL.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


class TokenRotationError(VehregError):
    """``--rotate`` while the token comes from ``$VEHREG_BRIDGE_TOKEN``."""

    code = "bridge.token_from_env"

    def __init__(self) -> None:
        super().__init__(
            f"The bridge token comes from {ENV_TOKEN}: set a new value there and restart "
            "the bridge (and the POS configuration).",
            f"收银桥接令牌来自环境变量 {ENV_TOKEN}：请在该变量中设置新值并重启桥接服务"
            "（同时更新收银软件的配置）。",
        )


def get_or_create_token(username: str = TOKEN_USERNAME, *, rotate: bool = False) -> str:
    """This install's API token (see :class:`TokenStore`), made on first use or ``rotate``."""
    return TokenStore(username).get_or_create(rotate=rotate)


@dataclass(slots=True)
class Session:
    id: str
    csrf: str
    expires_at: float


@dataclass(slots=True)
class Guard:
    """Tokens, sessions and one-time login codes of one running bridge (kept in memory).

    ``token`` is the token, or a function that reads the current one (``TokenStore.read``):
    it is asked again at most every ``TOKEN_REFRESH_S``, so ``vehreg pos token --rotate``
    takes effect in a running bridge within a second or two, without a restart.
    """

    token: str | Callable[[], str | None]
    _sessions: dict[str, Session] = field(default_factory=dict)
    _codes: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _current: str = ""
    _read_at: float = -1e9

    def current_token(self) -> str:
        if isinstance(self.token, str):
            return self.token
        now = time.monotonic()
        with self._lock:
            if now - self._read_at >= TOKEN_REFRESH_S or not self._current:
                fresh = self.token()
                if fresh:  # a store that fails for a moment keeps the last good token
                    self._current = fresh
                self._read_at = now
            return self._current

    def check_token(self, presented: str | None) -> bool:
        current = self.current_token()
        if not presented or not current:
            return False
        return hmac.compare_digest(presented.encode(), current.encode())

    def bearer_ok(self, authorization: str | None) -> bool:
        if not authorization or not authorization.lower().startswith("bearer "):
            return False
        return self.check_token(authorization[7:].strip())

    def new_login_code(self) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = time.time() + LOGIN_CODE_TTL_S
        return code

    def redeem_login_code(self, code: str | None) -> bool:
        """A code works once, within two minutes."""
        if not code:
            return False
        with self._lock:
            expires = self._codes.pop(code, None)
        return expires is not None and expires > time.time()

    def new_session(self) -> Session:
        session = Session(
            secrets.token_urlsafe(32), secrets.token_urlsafe(32), time.time() + SESSION_TTL_S
        )
        with self._lock:
            self._prune()
            self._sessions[session.id] = session
        return session

    def session(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        with self._lock:
            found = self._sessions.get(session_id)
            if found is None or found.expires_at < time.time():
                self._sessions.pop(session_id, None)
                return None
            return found

    def end_session(self, session_id: str | None) -> None:
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def _prune(self) -> None:
        now = time.time()
        for sid in [s for s, v in self._sessions.items() if v.expires_at < now]:
            del self._sessions[sid]
        for code in [c for c, exp in self._codes.items() if exp < now]:
            del self._codes[code]


def csrf_ok(session: Session, presented: str | None) -> bool:
    if not presented:
        return False
    return hmac.compare_digest(presented.encode(), session.csrf.encode())


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "::", "[::]")  # noqa: S104 - names of the wildcard bind, not a bind

_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$"
)


def host_name(name: str) -> str:
    """A name the bridge may be reached by, as a ``Host`` header carries it (lower case,
    IPv6 in brackets, no port). Raises ``ValueError`` (bilingual) for anything else: a
    port, a path, a wildcard, or a wildcard address no client can name."""
    import ipaddress

    text = name.strip().lower()
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        address = ipaddress.ip_address(bare)
    except ValueError:
        address = None
    if address is not None:
        if address.is_unspecified:
            raise ValueError(
                f"{name!r} is the wildcard address, not a name clients use; give the till's "
                f"LAN address or host name / {name!r} 是通配地址，请填写本机的局域网地址或主机名"
            )
        return f"[{address.compressed}]" if address.version == 6 else address.compressed
    if not _HOST_NAME.match(text):
        raise ValueError(
            f"{name!r} is not a host name (no port, path or wildcard: e.g. till-3.local or "
            f"192.168.1.20) / {name!r} 不是有效的主机名（不含端口、路径或通配符，例如 "
            "till-3.local 或 192.168.1.20）"
        )
    return text.rstrip(".")


def allowed_hosts(port: int, extra: tuple[str, ...] = ()) -> set[str]:
    """Every ``Host`` header the bridge answers: loopback names plus ``extra``, with the port
    (and without it on 80/443). Anything else gets 421 (DNS rebinding)."""
    names = {*LOOPBACK_HOSTS, *(host_name(n) for n in extra if n.strip() not in WILDCARD_HOSTS)}
    return {f"{name}:{port}" for name in names} | (set(names) if port in (80, 443) else set())


def content_security_policy(frame_ancestors: tuple[str, ...] = ()) -> str:
    ancestors = " ".join(("'self'", *frame_ancestors))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        f"connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
        f"frame-ancestors {ancestors}"
    )


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
