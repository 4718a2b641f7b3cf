"""``/v1/vehicle-registrations``: car registration at a 4S station (create, read, list, photos,
cancel). The handlers share the e-bike route's pagination, cancel body and upload form."""

from __future__ import annotations

from typing import Any

from ...types import VehicleRegistrationStatus
from .. import car_review
from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader
from ..temporary_plate_lifecycle import record_plates_handed_over
from ..uploads import read_upload_form
from ..vehicle_registrations import cancel, create_vehicle_registration, load
from ._listing import dealer_page, read_doc
from .ebike_registrations import cancel_reason

STATUSES = tuple(status.value for status in VehicleRegistrationStatus)


def create(call: Call) -> Reply:
    return Reply(
        201, create_vehicle_registration(call.bureau, call.dealer, call.json(), now=call.now)
    )


def retrieve(call: Call) -> Reply:
    return Reply(200, read_doc(call, load, "registration_id"))


def list_registrations(call: Call) -> Reply:
    """Newest first; filters ``status``, ``store_id``, ``vin``, ``created_gte``, ``created_lt``."""
    query = QueryReader(call.query)
    limit, before = query.limit(), query.cursor()
    status = query.choice("status", STATUSES)
    store_id, vin = query.text("store_id"), query.text("vin", 64)
    created_gte, created_lt = query.timestamp("created_gte"), query.timestamp("created_lt")
    query.check()
    filters: list[tuple[str, Any]] = [
        ("seq < ?", before),
        ("status = ?", status),
        ("store_id = ?", store_id),
        ("vin = ?", vin.strip().upper() if vin else None),
        ("created_at >= ?", created_gte),
        ("created_at < ?", created_lt),
    ]
    return Reply(200, dealer_page(call, "vehicle_registrations", limit, filters))


def photos(call: Call) -> Reply:
    registration_id = call.path_params["registration_id"]
    with call.bureau.db.read() as conn:
        load(conn, call.dealer, registration_id)  # 404 before judging the form
    incoming = read_upload_form(call.form())
    doc = car_review.add_photo(call.bureau, call.dealer, registration_id, incoming, now=call.now)
    return Reply(200, doc)


def cancel_registration(call: Call) -> Reply:
    reason = cancel_reason(call.json(optional=True))
    doc = cancel(
        call.bureau, call.dealer, call.path_params["registration_id"], reason, now=call.now
    )
    return Reply(200, doc)


def plates_handed_over(call: Call) -> Reply:
    doc = record_plates_handed_over(
        call.bureau,
        call.dealer,
        call.path_params["registration_id"],
        call.json(optional=True),
        now=call.now,
    )
    return Reply(200, doc)


PATH = "/v1/vehicle-registrations"
ENDPOINTS = [
    Endpoint("POST", PATH, create, body="json"),
    Endpoint("GET", PATH, list_registrations),
    Endpoint("GET", PATH + "/{registration_id}", retrieve),
    Endpoint("POST", PATH + "/{registration_id}/photos", photos, body="multipart"),
    Endpoint("POST", PATH + "/{registration_id}/cancel", cancel_registration, body="optional_json"),
    Endpoint(
        "POST",
        PATH + "/{registration_id}/plates-handed-over",
        plates_handed_over,
        body="optional_json",
    ),
]
