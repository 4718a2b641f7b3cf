"""Verification of signed requests, with exactly the client's functions (``vehreg_sdk._signing``).

Order of checks (documented in docs/api/signing.md):

1. every required header present, else ``auth.missing_headers``;
2. header formats (timestamp digits, nonce ``[A-Za-z0-9-]{16,64}``, a known
   method), else ``auth.invalid_signature``;
3. the key is known and the signature matches, else ``auth.invalid_signature``;
4. the timestamp is within 300 s of the bureau's clock, else ``auth.clock_skew``;
5. the nonce was not seen for this key in the last 10 minutes, else ``auth.replayed``.

The nonce is remembered only once the signature is good, so nobody can burn
another dealer's nonces.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from .. import _signing
from .problems import ProblemError, violation
from .storage import Database

MAX_CLOCK_SKEW_S = 300
NONCE_WINDOW_S = 600

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
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


def authenticate(
    db: Database,
    headers: Mapping[str, str],
    *,
    method: str,
    raw_path: str,
    raw_query: str,
    body: bytes,
    now: float,
) -> Dealer:
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
    return dealer
