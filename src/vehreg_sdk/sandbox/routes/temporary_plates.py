"""``/v1/temporary-plates``: request a temporary plate (临时行驶车号牌), read one, list them."""

from __future__ import annotations

from typing import Any

from ...types import TemporaryPlateStatus
from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader
from ..temporary_plates import create_temporary_plate, load, public
from ._listing import dealer_page, read_doc, stored_doc

STATUSES = tuple(status.value for status in TemporaryPlateStatus)
SITUATIONS = ("unsold", "purchased", "export", "research_test", "oversize", "plate_production")


def create(call: Call) -> Reply:
    status, doc = create_temporary_plate(call.bureau, call.dealer, call.json(), now=call.now)
    return Reply(status, public(doc))


def retrieve(call: Call) -> Reply:
    return Reply(200, public(read_doc(call, load, "temporary_plate_id")))


def list_plates(call: Call) -> Reply:
    """Newest first; filters ``vin``, ``status``, ``situation``, ``store_id``."""
    query = QueryReader(call.query)
    limit, before = query.limit(), query.cursor()
    status = query.choice("status", STATUSES)
    situation = query.choice("situation", SITUATIONS)
    store_id, vin = query.text("store_id"), query.text("vin", 64)
    query.check()
    filters: list[tuple[str, Any]] = [
        ("seq < ?", before),
        ("status = ?", status),
        ("situation = ?", situation),
        ("store_id = ?", store_id),
        ("vin = ?", vin.strip().upper() if vin else None),
    ]
    return Reply(
        200,
        dealer_page(call, "temporary_plates", limit, filters, lambda row: public(stored_doc(row))),
    )


PATH = "/v1/temporary-plates"
ENDPOINTS = [
    Endpoint("POST", PATH, create, body="json"),
    Endpoint("GET", PATH, list_plates),
    Endpoint("GET", PATH + "/{temporary_plate_id}", retrieve),
]
