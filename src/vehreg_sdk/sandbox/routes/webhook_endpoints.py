"""``/v1/webhook-endpoints``: register, list, rotate the secret of and delete loopback receivers.

A secret is shown once: in the 201 of the creation and in the 200 of a rotation. An
idempotent replay of either answers the same endpoint without ``secret`` (the
idempotency record never holds it); a client that lost it rotates.
"""

from __future__ import annotations

import json

from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, page_envelope
from ..problems import ProblemError
from ..registrations import new_id
from ..webhooks import (
    ENDPOINT_SELECT,
    check_endpoint_body,
    check_rotation_body,
    endpoint_doc,
    new_secret,
)


def create(call: Call) -> Reply:
    """The new endpoint, with its signing ``secret`` (shown this once only)."""
    url, events = check_endpoint_body(call.json())
    endpoint_id = new_id("we")
    with call.bureau.db.write() as conn:
        conn.execute(
            "INSERT INTO webhook_endpoints (id, dealer_id, url, events, secret, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (endpoint_id, call.dealer.id, url, json.dumps(events), new_secret(), call.now),
        )
        row = conn.execute(f"{ENDPOINT_SELECT} WHERE w.id = ?", (endpoint_id,)).fetchone()
    return Reply(
        201,
        endpoint_doc(row, call.now, secret=True),
        replay_body=endpoint_doc(row, call.now),
    )


def rotate_secret(call: Call) -> Reply:
    """A new secret (shown this once); the old one also signs deliveries for the grace period."""
    grace = check_rotation_body(call.json(optional=True))
    with call.bureau.db.write() as conn:
        row = conn.execute(
            "SELECT id, secret FROM webhook_endpoints "
            "WHERE id = ? AND dealer_id = ? AND deleted_at IS NULL",
            (call.path_params["webhook_endpoint_id"], call.dealer.id),
        ).fetchone()
        if row is None:
            raise ProblemError("webhook_endpoint.not_found")
        conn.execute("DELETE FROM webhook_previous_secrets WHERE expires_at <= ?", (call.now,))
        # Only the secret just replaced survives a rotation; an older one ends now.
        conn.execute("DELETE FROM webhook_previous_secrets WHERE endpoint_id = ?", (row["id"],))
        if grace > 0:
            conn.execute(
                "INSERT INTO webhook_previous_secrets (endpoint_id, secret, expires_at) "
                "VALUES (?, ?, ?)",
                (row["id"], row["secret"], call.now + grace),
            )
        conn.execute(
            "UPDATE webhook_endpoints SET secret = ? WHERE id = ?", (new_secret(), row["id"])
        )
        rotated = conn.execute(f"{ENDPOINT_SELECT} WHERE w.id = ?", (row["id"],)).fetchone()
    return Reply(
        200,
        endpoint_doc(rotated, call.now, secret=True),
        replay_body=endpoint_doc(rotated, call.now),
    )


def list_endpoints(call: Call) -> Reply:
    query = QueryReader(call.query)
    limit, after = query.limit(), query.cursor()
    query.check()
    with call.bureau.db.read() as conn:
        rows = conn.execute(
            f"{ENDPOINT_SELECT} "
            "WHERE w.dealer_id = ? AND w.deleted_at IS NULL AND w.seq > ? ORDER BY w.seq LIMIT ?",
            (call.dealer.id, after or 0, limit + 1),
        ).fetchall()
    return Reply(200, page_envelope(rows, limit, lambda row: endpoint_doc(row, call.now)))


def delete(call: Call) -> Reply:
    """The deleted endpoint with ``"deleted": true``; pending deliveries to it stop."""
    with call.bureau.db.write() as conn:
        row = conn.execute(
            f"{ENDPOINT_SELECT} WHERE w.id = ? AND w.dealer_id = ? AND w.deleted_at IS NULL",
            (call.path_params["webhook_endpoint_id"], call.dealer.id),
        ).fetchone()
        if row is None:
            raise ProblemError("webhook_endpoint.not_found")
        conn.execute(
            "UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ?", (call.now, row["id"])
        )
        conn.execute("DELETE FROM webhook_previous_secrets WHERE endpoint_id = ?", (row["id"],))
        conn.execute(
            "UPDATE deliveries SET state = 'failed', last_error = 'endpoint deleted' "
            "WHERE endpoint_id = ? AND state = 'pending'",
            (row["id"],),
        )
    return Reply(200, {**endpoint_doc(row, call.now), "deleted": True})


ENDPOINTS = [
    Endpoint("POST", "/v1/webhook-endpoints", create, body="json"),
    Endpoint("GET", "/v1/webhook-endpoints", list_endpoints),
    Endpoint(
        "POST",
        "/v1/webhook-endpoints/{webhook_endpoint_id}/rotate-secret",
        rotate_secret,
        body="optional_json",
    ),
    Endpoint("DELETE", "/v1/webhook-endpoints/{webhook_endpoint_id}", delete),
]
