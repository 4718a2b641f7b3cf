"""Idempotency keys: the same key and the same request replay the first answer for 24 hours.

The period is the bureau's ``idempotency_ttl`` (default :data:`IDEMPOTENCY_WINDOW_S`,
24 h; ``create_app(idempotency_ttl=...)``). An expired record is not only
ignored but deleted: every keyed ``POST`` first purges all records older than
the period (any dealer's), and so does the bureau when it starts. The stored
first answer may hold masked personal data; it is kept no longer than promised.

Keys are scoped per dealer. A key is *reserved* (state ``pending``) before the
handler runs, so a concurrent duplicate gets 409 ``idempotency.in_progress``
instead of running twice; a reservation older than :data:`PENDING_LEASE_S`
(its process died) is taken over, and the durable business key then answers
409 ``vehicle.already_registered`` if the first attempt had in fact created a
registration. Answers with a 5xx status are not stored, so they may be retried.

The request fingerprint is computed from the *parsed* request (canonical JSON,
or the multipart fields and file digests), so a client that re-serialises the
same body or picks a new multipart boundary on retry still matches.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from dataclasses import dataclass

from .problems import ProblemError
from .storage import Database

#: The default period (seconds) an idempotency record is kept: 24 hours.
IDEMPOTENCY_WINDOW_S = 24 * 3600
PENDING_LEASE_S = 60.0
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"

_KEY = re.compile(r"[\x20-\x7e]{1,255}")


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A first answer kept under an idempotency key."""

    status: int
    content_type: str
    body: bytes


def check_key(key: str | None) -> str:
    """The key itself, or 400 ``idempotency.missing_key`` / ``idempotency.invalid_key``."""
    if key is None or key == "":
        raise ProblemError("idempotency.missing_key")
    if not _KEY.fullmatch(key):
        raise ProblemError("idempotency.invalid_key")
    return key


def fingerprint(method: str, path: str, canonical_body: bytes) -> str:
    """SHA-256 over the method, the path and the canonical body."""
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), canonical_body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def canonical_json(raw: bytes) -> bytes:
    """Key-sorted compact JSON when ``raw`` parses, else ``raw`` itself."""
    try:
        value = json.loads(raw)
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        return raw


def purge_expired(conn: sqlite3.Connection, now: float, ttl: float) -> int:
    """Delete every record older than ``ttl`` seconds (inside the caller's transaction)."""
    return conn.execute("DELETE FROM idempotency WHERE created_at < ?", (now - ttl,)).rowcount


def begin(
    db: Database,
    dealer_id: str,
    key: str,
    print_: str,
    now: float,
    *,
    ttl: float = IDEMPOTENCY_WINDOW_S,
) -> StoredResponse | None:
    """Reserve ``key`` for this request, or return the stored answer to replay.

    Records older than ``ttl`` seconds are purged first. Raises 409
    ``idempotency.conflict`` when the key was used for another request, and
    409 ``idempotency.in_progress`` while the first is running.
    """
    with db.write() as conn:
        purge_expired(conn, now, ttl)
        row = conn.execute(
            "SELECT fingerprint, state, status, content_type, body, created_at "
            "FROM idempotency WHERE dealer_id = ? AND key = ?",
            (dealer_id, key),
        ).fetchone()
        if row is None:
            conn.execute(
                "INSERT INTO idempotency (dealer_id, key, fingerprint, state, created_at) "
                "VALUES (?, ?, ?, 'pending', ?)",
                (dealer_id, key, print_, now),
            )
            return None
        if row["fingerprint"] != print_:
            raise ProblemError("idempotency.conflict")
        if row["state"] == "pending":
            if row["created_at"] >= now - PENDING_LEASE_S:
                raise ProblemError("idempotency.in_progress", headers={"Retry-After": "1"})
            conn.execute(
                "UPDATE idempotency SET created_at = ? WHERE dealer_id = ? AND key = ?",
                (now, dealer_id, key),
            )
            return None
        return StoredResponse(int(row["status"]), str(row["content_type"]), bytes(row["body"]))


def finish(db: Database, dealer_id: str, key: str, response: StoredResponse) -> None:
    """Store the first answer, or release the key when the answer was a 5xx."""
    with db.write() as conn:
        if response.status >= 500:
            conn.execute(
                "DELETE FROM idempotency WHERE dealer_id = ? AND key = ?", (dealer_id, key)
            )
            return
        conn.execute(
            "UPDATE idempotency SET state = 'done', status = ?, content_type = ?, body = ? "
            "WHERE dealer_id = ? AND key = ?",
            (response.status, response.content_type, response.body, dealer_id, key),
        )


def release(db: Database, dealer_id: str, key: str) -> None:
    """Forget ``key`` without storing an answer (a retryable one, like 409 ``tax.pending``)."""
    with db.write() as conn:
        conn.execute("DELETE FROM idempotency WHERE dealer_id = ? AND key = ?", (dealer_id, key))
