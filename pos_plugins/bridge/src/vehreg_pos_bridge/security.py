"""Who may talk to the bridge, and how a browser is kept from being tricked into it.

* The POS software sends ``Authorization: Bearer <token>``. The token is made
  once per install and kept in the OS keyring (service ``vehreg-sdk``), never
  in a file.
* The clerk page runs on a session cookie (``HttpOnly``, ``SameSite=Strict``)
  obtained with a one-time login code or the token. Every state-changing page
  request must carry the session's CSRF token in ``X-CSRF-Token`` and come
  from the bridge's own origin.
* The ``Host`` header must name the bridge (DNS rebinding), no CORS header is
  ever sent, and the content security policy allows only the bridge itself.
"""

from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass, field

import keyring

KEYRING_SERVICE = "vehreg-sdk"
TOKEN_USERNAME = "pos-bridge-token"  # noqa: S105 - a keyring entry name, not a secret
SESSION_COOKIE = "vehreg_bridge_session"
SESSION_TTL_S = 12 * 3600
LOGIN_CODE_TTL_S = 120


def get_or_create_token(username: str = TOKEN_USERNAME, *, rotate: bool = False) -> str:
    """This install's API token from the keyring, made on first use (or on ``rotate``)."""
    token = None if rotate else keyring.get_password(KEYRING_SERVICE, username)
    if not token:
        token = secrets.token_urlsafe(32)
        keyring.set_password(KEYRING_SERVICE, username, token)
    return token


@dataclass(slots=True)
class Session:
    id: str
    csrf: str
    expires_at: float


@dataclass(slots=True)
class Guard:
    """Tokens, sessions and one-time login codes of one running bridge (kept in memory)."""

    token: str
    _sessions: dict[str, Session] = field(default_factory=dict)
    _codes: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check_token(self, presented: str | None) -> bool:
        if not presented:
            return False
        return hmac.compare_digest(presented.encode(), self.token.encode())

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
