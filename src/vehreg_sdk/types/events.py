from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar

from ._base import WireModel


class EventType:
    """The event types of the contract (a newer bureau may send more)."""

    PLATE_ASSIGNED = "ebike_registration.plate_assigned"
    AWAITING_REVIEW = "ebike_registration.awaiting_review"
    RETURNED = "ebike_registration.returned"
    APPROVED = "ebike_registration.approved"
    REJECTED = "ebike_registration.rejected"
    CANCELLED = "ebike_registration.cancelled"

    CAR_SUBMITTED = "vehicle_registration.submitted"
    CAR_AWAITING_SAFETY_TEST = "vehicle_registration.awaiting_safety_test"
    CAR_PLATE_ASSIGNED = "vehicle_registration.plate_assigned"
    CAR_AWAITING_REVIEW = "vehicle_registration.awaiting_review"
    CAR_RETURNED = "vehicle_registration.returned"
    CAR_APPROVED = "vehicle_registration.approved"
    CAR_REJECTED = "vehicle_registration.rejected"
    CAR_CANCELLED = "vehicle_registration.cancelled"
    #: A key vehicle's registration recorded its supervision enrolment (重点车辆).
    KEY_VEHICLE_ENROLLED = "vehicle_registration.key_vehicle_enrolled"

    ONSITE_REQUESTED = "onsite_inspection.requested"
    ONSITE_SCHEDULED = "onsite_inspection.scheduled"
    ONSITE_INSPECTED = "onsite_inspection.inspected"
    ONSITE_CANCELLED = "onsite_inspection.cancelled"

    TEMPORARY_PLATE_REQUESTED = "temporary_plate.requested"
    TEMPORARY_PLATE_ISSUED = "temporary_plate.issued"
    TEMPORARY_PLATE_VOIDED = "temporary_plate.voided"
    TEMPORARY_PLATE_EXPIRED = "temporary_plate.expired"

    ALL: tuple[str, ...] = (
        PLATE_ASSIGNED,
        AWAITING_REVIEW,
        RETURNED,
        APPROVED,
        REJECTED,
        CANCELLED,
        CAR_SUBMITTED,
        CAR_AWAITING_SAFETY_TEST,
        CAR_PLATE_ASSIGNED,
        CAR_AWAITING_REVIEW,
        CAR_RETURNED,
        CAR_APPROVED,
        CAR_REJECTED,
        CAR_CANCELLED,
        KEY_VEHICLE_ENROLLED,
        ONSITE_REQUESTED,
        ONSITE_SCHEDULED,
        ONSITE_INSPECTED,
        ONSITE_CANCELLED,
        TEMPORARY_PLATE_REQUESTED,
        TEMPORARY_PLATE_ISSUED,
        TEMPORARY_PLATE_VOIDED,
        TEMPORARY_PLATE_EXPIRED,
    )


class Event(WireModel):
    """Something that happened to a registration.

    ``data['object']`` is the registration as it was then.
    """

    id: str
    object: str = "event"
    type: str
    created_at: datetime
    data: dict[str, Any]


def _mask_secret(secret: str) -> str:
    return secret[:6] + "…" if secret else secret


class WebhookEndpoint(WireModel):
    _masked_fields: ClassVar[dict[str, Callable[[str], str]]] = {"secret": _mask_secret}

    id: str
    object: str = "webhook_endpoint"
    url: str
    events: list[str]
    created_at: datetime
    secret: str | None = None
    """Returned once, by ``create`` and by ``rotate_secret`` (never by an idempotent replay of
    either, nor by ``list``). Keep it in a secret store (``repr()`` shows only its start)."""
    previous_secret_expires_at: datetime | None = None
    """After ``rotate_secret``: until then deliveries are signed with the old secret too."""
    deleted: bool = False
    """True on the object ``DELETE /v1/webhook-endpoints/{id}`` returns."""
