"""``/v1/plate-selections``: draw or self-compose, choose (reserve), read, list."""

from __future__ import annotations

import json
from typing import Any

from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, page_envelope
from ..plate_selections import choose, create_selection, expire_holds, read


def create(call: Call) -> Reply:
    return Reply(201, create_selection(call.bureau, call.dealer, call.json(), call.now))


def retrieve(call: Call) -> Reply:
    return Reply(200, read(call.bureau, call.dealer, call.path_params["selection_id"], call.now))


def choose_number(call: Call) -> Reply:
    doc = choose(call.bureau, call.dealer, call.path_params["selection_id"], call.json(), call.now)
    return Reply(200, doc)


def list_selections(call: Call) -> Reply:
    """Newest first; filter ``vin``."""
    query = QueryReader(call.query)
    limit, before, vin = query.limit(), query.cursor(), query.text("vin", 64)
    query.check()
    clauses: list[str] = ["dealer_id = ?"]
    params: list[Any] = [call.dealer.id]
    if before is not None:
        clauses.append("seq < ?")
        params.append(before)
    if vin is not None:
        clauses.append("vin = ?")
        params.append(vin.strip().upper())
    with call.bureau.db.write() as conn:
        expire_holds(conn, call.now)  # a list shows elapsed reservations as expired, too
        rows = conn.execute(
            f"SELECT seq, doc FROM plate_selections WHERE {' AND '.join(clauses)} "  # noqa: S608
            "ORDER BY seq DESC LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
    return Reply(200, page_envelope(rows, limit, lambda row: json.loads(row["doc"])))


ENDPOINTS = [
    Endpoint("POST", "/v1/plate-selections", create, body="json"),
    Endpoint("GET", "/v1/plate-selections", list_selections),
    Endpoint("GET", "/v1/plate-selections/{selection_id}", retrieve),
    Endpoint("POST", "/v1/plate-selections/{selection_id}/choose", choose_number, body="json"),
]
