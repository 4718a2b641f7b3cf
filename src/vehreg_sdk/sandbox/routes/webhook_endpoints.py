"""``/v1/webhook-endpoints``: register, list and delete loopback webhook receivers."""

from __future__ import annotations

import json

from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, page_envelope
from ..problems import ProblemError
from ..registrations import new_id
from ..webhooks import check_endpoint_body, endpoint_doc, new_secret


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
        row = conn.execute(
            "SELECT * FROM webhook_endpoints WHERE id = ?", (endpoint_id,)
        ).fetchone()
    return Reply(201, endpoint_doc(row, secret=True))


def list_endpoints(call: Call) -> Reply:
    query = QueryReader(call.query)
    limit, after = query.limit(), query.cursor()
    query.check()
    with call.bureau.db.read() as conn:
        rows = conn.execute(
            "SELECT * FROM webhook_endpoints "
            "WHERE dealer_id = ? AND deleted_at IS NULL AND seq > ? ORDER BY seq LIMIT ?",
            (call.dealer.id, after or 0, limit + 1),
        ).fetchall()
    return Reply(200, page_envelope(rows, limit, endpoint_doc))


def delete(call: Call) -> Reply:
    """The deleted endpoint with ``"deleted": true``; pending deliveries to it stop."""
    with call.bureau.db.write() as conn:
        row = conn.execute(
            "SELECT * FROM webhook_endpoints WHERE id = ? AND dealer_id = ? AND deleted_at IS NULL",
            (call.path_params["webhook_endpoint_id"], call.dealer.id),
        ).fetchone()
        if row is None:
            raise ProblemError("webhook_endpoint.not_found")
        conn.execute(
            "UPDATE webhook_endpoints SET deleted_at = ? WHERE id = ?", (call.now, row["id"])
        )
        conn.execute(
            "UPDATE deliveries SET state = 'failed', last_error = 'endpoint deleted' "
            "WHERE endpoint_id = ? AND state = 'pending'",
            (row["id"],),
        )
    return Reply(200, {**endpoint_doc(row), "deleted": True})


ENDPOINTS = [
    Endpoint("POST", "/v1/webhook-endpoints", create, body="json"),
    Endpoint("GET", "/v1/webhook-endpoints", list_endpoints),
    Endpoint("DELETE", "/v1/webhook-endpoints/{webhook_endpoint_id}", delete),
]
