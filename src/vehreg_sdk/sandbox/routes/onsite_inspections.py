"""``/v1/onsite-inspections``: a fleet's on-site inspection (上门查验): request, read, list,
cancel; and the sandbox-only test helpers that schedule and inspect it."""

from __future__ import annotations

from typing import Any

from ...types.onsite_inspections import OnsiteInspectionStatus
from .. import onsite_inspections
from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader
from ._listing import dealer_page, read_doc
from .ebike_registrations import cancel_reason

STATUSES = tuple(status.value for status in OnsiteInspectionStatus)


def create(call: Call) -> Reply:
    doc = onsite_inspections.create(call.bureau, call.dealer, call.json(), now=call.now)
    return Reply(201, doc)


def retrieve(call: Call) -> Reply:
    return Reply(200, read_doc(call, onsite_inspections.load, "inspection_id"))


def list_inspections(call: Call) -> Reply:
    """Newest first; filter ``status``."""
    query = QueryReader(call.query)
    limit, before = query.limit(), query.cursor()
    status = query.choice("status", STATUSES)
    query.check()
    filters: list[tuple[str, Any]] = [("seq < ?", before), ("status = ?", status)]
    return Reply(200, dealer_page(call, "onsite_inspections", limit, filters))


def cancel(call: Call) -> Reply:
    reason = cancel_reason(call.json(optional=True))
    doc = onsite_inspections.cancel(
        call.bureau, call.dealer, call.path_params["inspection_id"], reason, now=call.now
    )
    return Reply(200, doc)


def schedule_helper(call: Call) -> Reply:
    doc = onsite_inspections.schedule(
        call.bureau,
        call.dealer,
        call.path_params["inspection_id"],
        call.json(optional=True),
        now=call.now,
    )
    return Reply(200, doc)


def inspect_helper(call: Call) -> Reply:
    doc = onsite_inspections.inspect(
        call.bureau,
        call.dealer,
        call.path_params["inspection_id"],
        call.json(optional=True),
        now=call.now,
    )
    return Reply(200, doc)


PATH = "/v1/onsite-inspections"
HELPERS = "/v1/test-helpers/onsite-inspections/{inspection_id}"
ENDPOINTS = [
    Endpoint("POST", PATH, create, body="json"),
    Endpoint("GET", PATH, list_inspections),
    Endpoint("GET", PATH + "/{inspection_id}", retrieve),
    Endpoint("POST", PATH + "/{inspection_id}/cancel", cancel, body="optional_json"),
    Endpoint("POST", HELPERS + "/schedule", schedule_helper, body="optional_json"),
    Endpoint("POST", HELPERS + "/inspect", inspect_helper, body="optional_json"),
]
