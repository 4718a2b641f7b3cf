"""Verification of signed requests, with exactly the client's functions (``vehreg_sdk._signing``).

Order of checks (documented in docs/api/signing.md):

1. every required header present, else ``auth.missing_headers``;
2. header formats (timestamp digits, nonce ``[A-Za-z0-9-]{16,64}``, a known
   method and version; for 1.1 at most one ``Idempotency-Key`` and ``Content-Type``),
   else ``auth.invalid_signature``;
3. the key is known and the signature matches, else ``auth.invalid_signature``;
4. the timestamp is within 300 s of the bureau's clock, else ``auth.clock_skew``;
5. the nonce was not seen for this key in the last 10 minutes, else ``auth.replayed``.

The nonce is remembered only once the signature is good, so nobody can burn
another dealer's nonces. A request signed with version 1.0 (no
``X-Vehreg-Signature-Version``) is still served, with :data:`DEPRECATION_HEADERS`.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from starlette.datastructures import Headers

from .. import _signing
from .problems import ProblemError, violation
from .storage import Database

MAX_CLOCK_SKEW_S = 300
NONCE_WINDOW_S = 600

_TIMESTAMP = re.compile(r"[0-9]{1,12}")

#: 2026-12-01 00:00 Asia/Shanghai: signature version 1.0 deprecated (RFC 9745 date).
V1_0_DEPRECATED_AT = 1_796_054_400
#: added to every answer to a request signed with version 1.0 (docs/api/signing.md)
DEPRECATION_HEADERS: dict[str, str] = {
    "Deprecation": f"@{V1_0_DEPRECATED_AT}",
    "Warning": (
        '299 - "Request signature version 1.0 is deprecated; sign with 1.1 '
        '(X-Vehreg-Signature-Version: 1.1, docs/api/signing.md)"'
    ),
}
_REQUIRED = (
    _signing.HEADER_KEY,
    _signing.HEADER_TIMESTAMP,
    _signing.HEADER_NONCE,
    _signing.HEADER_SIGNATURE,
)


@dataclass(frozen=True, slots=True)
class Dealer:
    """The authenticated caller."""

    id: str
    name: str
    app_key: str
    app_secret: str


@dataclass(frozen=True, slots=True)
class Authenticated:
    """Who signed the request, and with which signature version."""

    dealer: Dealer
    version: _signing.SignatureVersion

    @property
    def deprecation_headers(self) -> dict[str, str]:
        return dict(DEPRECATION_HEADERS) if self.version == "1.0" else {}


def find_dealer(conn: sqlite3.Connection, app_key: str) -> Dealer | None:
    row = conn.execute(
        "SELECT id, name, app_key, app_secret FROM dealers WHERE app_key = ?", (app_key,)
    ).fetchone()
    return None if row is None else Dealer(row[0], row[1], row[2], row[3])


def _header_problem(header: str, code: str, message: str, message_zh: str) -> ProblemError:
    return ProblemError(
        "auth.invalid_signature",
        errors=[violation(f"header.{header}", code, message, message_zh)],
    )


def _single(headers: Headers, name: str) -> str | None:
    """The one value of a header a 1.1 signature covers; two values are refused."""
    values = headers.getlist(name)
    if len(values) > 1:
        raise _header_problem(
            name,
            "header.duplicate",
            f"{name} may be sent only once in a request signed with version 1.1.",
            f"使用 1.1 版签名时，{name} 请求头只能出现一次。",
        )
    if not values:
        return None
    # Starlette decodes header bytes as Latin-1; the string to sign holds their UTF-8 text.
    return values[0].encode("latin-1").decode("utf-8", "replace")


def _version(headers: Headers) -> _signing.SignatureVersion:
    value = headers.get(_signing.HEADER_VERSION)
    if value is None or value == "":
        return _signing.LEGACY_SIGNATURE_VERSION
    for known in _signing.SIGNATURE_VERSIONS:
        if value.strip() == known:
            return known
    raise _header_problem(
        _signing.HEADER_VERSION,
        "header.choice",
        "1.1 (or 1.0, deprecated).",
        "应为 1.1（或已弃用的 1.0）。",
    )


def authenticate(
    db: Database,
    headers: Headers,
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    body: bytes,
    now: float,
) -> Authenticated:
    """The dealer whose key signed this request, or a 401 :class:`ProblemError`."""
    missing = [name for name in _REQUIRED if not headers.get(name)]
    if missing:
        raise ProblemError(
            "auth.missing_headers",
            errors=[
                violation(
                    f"header.{name}",
                    "header.required",
                    f"{name} is required.",
                    f"缺少 {name} 请求头。",
                )
                for name in missing
            ],
        )
    app_key = headers[_signing.HEADER_KEY]
    timestamp = headers[_signing.HEADER_TIMESTAMP]
    nonce = headers[_signing.HEADER_NONCE]
    received = headers[_signing.HEADER_SIGNATURE]
    signature_method = headers.get(_signing.HEADER_METHOD) or _signing.DEFAULT_SIGNATURE_METHOD
    if not _TIMESTAMP.fullmatch(timestamp):
        raise _header_problem(
            _signing.HEADER_TIMESTAMP,
            "header.format",
            "Unix seconds, digits only.",
            "应为 Unix 秒数（纯数字）。",
        )
    if not _signing.NONCE_PATTERN.fullmatch(nonce):
        raise _header_problem(
            _signing.HEADER_NONCE,
            "header.format",
            "16 to 64 characters of A-Z, a-z, 0-9 and '-'.",
            "应为 16 至 64 个字母、数字或连字符。",
        )
    if signature_method not in _signing.SIGNATURE_METHODS:
        raise _header_problem(
            _signing.HEADER_METHOD,
            "header.choice",
            "HMAC-SHA256 or HMAC-SM3.",
            "应为 HMAC-SHA256 或 HMAC-SM3。",
        )
    version = _version(headers)
    idempotency_key = content_type = None
    if version == "1.1":
        idempotency_key = _single(headers, _signing.HEADER_IDEMPOTENCY_KEY)
        content_type = _single(headers, _signing.HEADER_CONTENT_TYPE)
    with db.read() as conn:
        dealer = find_dealer(conn, app_key)
    expected = _signing.sign(
        dealer.app_secret if dealer else "",
        method=method,
        path=raw_path,
        query=raw_query,
        timestamp=timestamp,
        nonce=nonce,
        body=body,
        signature_method=signature_method,
        version=version,
        idempotency_key=idempotency_key,
        content_type=content_type,
    )
    if dealer is None or not _signing.signatures_match(expected, received):
        raise ProblemError("auth.invalid_signature")
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_S:
        raise ProblemError(
            "auth.clock_skew",
            detail=(
                "The request timestamp is more than 300 seconds from the bureau's clock "
                f"(bureau time {int(now)})."
            ),
        )
    with db.write() as conn:
        conn.execute("DELETE FROM nonces WHERE seen_at < ?", (now - NONCE_WINDOW_S,))
        inserted = conn.execute(
            "INSERT OR IGNORE INTO nonces (app_key, nonce, seen_at) VALUES (?, ?, ?)",
            (app_key, nonce, now),
        ).rowcount
    if not inserted:
        raise ProblemError("auth.replayed")
    return Authenticated(dealer, version)
