"""``/v1/ebike-registrations``: create (plate at the till), read, list, photos, cancel."""

from __future__ import annotations

from typing import Any

from ...types import RegistrationStatus
from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader
from ..problems import ProblemError, body_not_object, unknown_field, violation
from ..registrations import cancel_registration, create_registration, load
from ..review import add_photo
from ..uploads import read_upload_form
from ._listing import dealer_page, read_doc

STATUSES = tuple(status.value for status in RegistrationStatus)


def create(call: Call) -> Reply:
    doc = create_registration(call.bureau, call.dealer, call.json(), now=call.now)
    return Reply(201, doc)


def retrieve(call: Call) -> Reply:
    return Reply(200, read_doc(call, load, "registration_id"))


def list_registrations(call: Call) -> Reply:
    """Newest first; filters ``status``, ``store_id``, ``created_gte``/``created_lt``
    (RFC 3339 instants with an offset) and ``created_on`` (an Asia/Shanghai date);
    together they intersect."""
    query = QueryReader(call.query)
    limit, before = query.limit(), query.cursor()
    status = query.choice("status", STATUSES)
    store_id = query.text("store_id")
    created_gte, created_lt = query.timestamp("created_gte"), query.timestamp("created_lt")
    day = query.shanghai_day("created_on")
    query.check()
    filters: list[tuple[str, Any]] = [
        ("seq < ?", before),
        ("status = ?", status),
        ("store_id = ?", store_id),
        ("created_at >= ?", created_gte),
        ("created_at < ?", created_lt),
        ("created_at >= ?", day[0] if day else None),
        ("created_at < ?", day[1] if day else None),
    ]
    return Reply(200, dealer_page(call, "registrations", limit, filters))


def photos(call: Call) -> Reply:
    registration_id = call.path_params["registration_id"]
    with call.bureau.db.read() as conn:
        load(conn, call.dealer, registration_id)  # 404 before judging the form
    incoming = read_upload_form(call.form())
    return Reply(200, add_photo(call.bureau, call.dealer, registration_id, incoming, now=call.now))


def cancel_reason(payload: Any) -> str | None:
    """The optional ``{"reason": ...}`` body of a cancel (shared by every registration kind)."""
    if payload is None:
        return None
    errors = []
    reason: str | None = None
    if not isinstance(payload, dict):
        errors.append(body_not_object())
    else:
        errors += [unknown_field(name) for name in payload if name != "reason"]
        raw = payload.get("reason")
        if raw is not None and (not isinstance(raw, str) or len(raw) > 200):
            errors.append(
                violation(
                    "reason",
                    "field.type",
                    "reason is text of at most 200 characters.",
                    "reason 应为不超过 200 字的文本。",
                )
            )
        elif isinstance(raw, str):
            reason = raw.strip() or None
    if errors:
        raise ProblemError("validation.failed", errors=errors)
    return reason


def cancel(call: Call) -> Reply:
    reason = cancel_reason(call.json(optional=True))
    doc = cancel_registration(
        call.bureau, call.dealer, call.path_params["registration_id"], reason, now=call.now
    )
    return Reply(200, doc)


ENDPOINTS = [
    Endpoint("POST", "/v1/ebike-registrations", create, body="json"),
    Endpoint("GET", "/v1/ebike-registrations", list_registrations),
    Endpoint("GET", "/v1/ebike-registrations/{registration_id}", retrieve),
    Endpoint("POST", "/v1/ebike-registrations/{registration_id}/photos", photos, body="multipart"),
    Endpoint(
        "POST", "/v1/ebike-registrations/{registration_id}/cancel", cancel, body="optional_json"
    ),
]
