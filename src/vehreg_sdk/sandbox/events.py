"""Events: one per registration status change, kept in order and fanned out to webhooks."""

from __future__ import annotations

import json
import secrets
import sqlite3
from typing import Any

from .clock import rfc3339

EVENT_PREFIX = "ebike_registration."


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


def record_event(
    conn: sqlite3.Connection,
    dealer_id: str,
    registration: dict[str, Any],
    now: float,
    *,
    event_type: str | None = None,
) -> dict[str, Any]:
    """Store ``<object>.<status>`` (``ebike_registration.approved``,
    ``vehicle_registration.submitted``) with a snapshot of the registration; queue deliveries.

    Runs inside the caller's write transaction, so a status change and its
    event (and its webhook deliveries) commit together or not at all.
    ``event_type`` names an event that is not a status change
    (``vehicle_registration.key_vehicle_enrolled``).
    """
    if event_type is None:
        kind = str(registration.get("object") or EVENT_PREFIX.rstrip("."))
        event_type = f"{kind}.{registration['status']}"
    event = {
        "id": new_event_id(),
        "object": "event",
        "type": event_type,
        "created_at": rfc3339(now),
        "data": {"object": registration},
    }
    conn.execute(
        "INSERT INTO events (id, dealer_id, type, created_at, doc) VALUES (?, ?, ?, ?, ?)",
        (event["id"], dealer_id, event_type, now, json.dumps(event, ensure_ascii=False)),
    )
    endpoints = conn.execute(
        "SELECT id, events FROM webhook_endpoints WHERE dealer_id = ? AND deleted_at IS NULL",
        (dealer_id,),
    ).fetchall()
    for endpoint in endpoints:
        wanted = json.loads(endpoint["events"])
        if event_type in wanted or "*" in wanted:
            conn.execute(
                "INSERT INTO deliveries (endpoint_id, event_id, state, next_attempt_at) "
                "VALUES (?, ?, 'pending', ?)",
                (endpoint["id"], event["id"], now),
            )
    return event


def event_seq(conn: sqlite3.Connection, dealer_id: str, event_id: str) -> int | None:
    """Storage order of the dealer's event ``event_id``, or None when it is not theirs."""
    row = conn.execute(
        "SELECT seq FROM events WHERE id = ? AND dealer_id = ?", (event_id, dealer_id)
    ).fetchone()
    return None if row is None else int(row[0])


def list_events(
    conn: sqlite3.Connection, dealer_id: str, after_seq: int, limit: int
) -> tuple[list[dict[str, Any]], bool]:
    """Up to ``limit`` events after ``after_seq``, oldest first, and whether more follow."""
    rows = conn.execute(
        "SELECT doc FROM events WHERE dealer_id = ? AND seq > ? ORDER BY seq LIMIT ?",
        (dealer_id, after_seq, limit + 1),
    ).fetchall()
    docs = [json.loads(row[0]) for row in rows[:limit]]
    return docs, len(rows) > limit
