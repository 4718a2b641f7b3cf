"""``/v1/temporary-plates``: request a temporary plate (临时行驶车号牌), read one, list them."""

from __future__ import annotations

import json
from typing import Any

from ...types import TemporaryPlateStatus
from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, page_envelope
from ..temporary_plates import create_temporary_plate, load, public

STATUSES = tuple(status.value for status in TemporaryPlateStatus)
SITUATIONS = ("unsold", "purchased", "export", "research_test", "oversize", "plate_production")


def create(call: Call) -> Reply:
    status, doc = create_temporary_plate(call.bureau, call.dealer, call.json(), now=call.now)
    return Reply(status, public(doc))


def retrieve(call: Call) -> Reply:
    with call.bureau.db.read() as conn:
        row = load(conn, call.dealer, call.path_params["temporary_plate_id"])
    return Reply(200, public(json.loads(row["doc"])))


def list_plates(call: Call) -> Reply:
    """Newest first; filters ``vin``, ``status``, ``situation``, ``store_id``."""
    query = QueryReader(call.query)
    limit, before = query.limit(), query.cursor()
    status = query.choice("status", STATUSES)
    situation = query.choice("situation", SITUATIONS)
    store_id, vin = query.text("store_id"), query.text("vin", 64)
    query.check()
    clauses, params = ["dealer_id = ?"], [call.dealer.id]
    filters: list[tuple[str, Any]] = [
        ("seq < ?", before),
        ("status = ?", status),
        ("situation = ?", situation),
        ("store_id = ?", store_id),
        ("vin = ?", vin.strip().upper() if vin else None),
    ]
    for clause, value in filters:
        if value is not None:
            clauses.append(clause)
            params.append(value)
    with call.bureau.db.read() as conn:
        rows = conn.execute(
            f"SELECT seq, doc FROM temporary_plates WHERE {' AND '.join(clauses)} "  # noqa: S608
            "ORDER BY seq DESC LIMIT ?",
            (*params, limit + 1),
        ).fetchall()
    return Reply(200, page_envelope(rows, limit, lambda row: public(json.loads(row["doc"]))))


PATH = "/v1/temporary-plates"
ENDPOINTS = [
    Endpoint("POST", PATH, create, body="json"),
    Endpoint("GET", PATH, list_plates),
    Endpoint("GET", PATH + "/{temporary_plate_id}", retrieve),
]
