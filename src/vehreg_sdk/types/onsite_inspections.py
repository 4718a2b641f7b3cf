"""On-site inspections (上门查验): a fleet owner's request, its appointment and per-VIN results."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .. import rules
from ..rules._text import normalize_code
from ._base import InputModel, WireModel, raise_first_error
from .common import ClientReference
from .ebike_registrations import _Normalised, _text_field
from .vehicle_registrations import CarOwner, ContactPerson

__all__ = [
    "MAX_ONSITE_VEHICLES",
    "OnsiteContact",
    "OnsiteInspection",
    "OnsiteInspectionCreate",
    "OnsiteInspectionStatus",
    "OnsiteResult",
    "OnsiteVehicle",
    "TimeWindow",
]

#: The most VINs one request may name.
MAX_ONSITE_VEHICLES = 500


class OnsiteInspectionStatus(StrEnum):
    REQUESTED = "requested"
    SCHEDULED = "scheduled"
    INSPECTED = "inspected"
    CANCELLED = "cancelled"


class OnsiteContact(ContactPerson):
    """Who meets the inspectors at the depot."""


class TimeWindow(InputModel):
    """When the fleet can be inspected: ``starts_at`` before ``ends_at`` (RFC 3339)."""

    starts_at: datetime
    ends_at: datetime

    @model_validator(mode="after")
    def _order(self) -> TimeWindow:
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at is after starts_at (结束时间应晚于开始时间)")
        return self


class OnsiteInspectionCreate(InputModel):
    """The body of ``POST /v1/onsite-inspections``: a unit owner's fleet at its depot."""

    owner: CarOwner
    contact: OnsiteContact
    depot_address: _Normalised = Field(min_length=1, max_length=200)
    window: TimeWindow
    vins: list[str] = Field(min_length=1, max_length=MAX_ONSITE_VEHICLES)
    client_reference: ClientReference | None = None

    _text = field_validator("depot_address", mode="before")(_text_field)

    @field_validator("vins", mode="before")
    @classmethod
    def _vins(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        cleaned = [normalize_code(v) if isinstance(v, str) else v for v in value]
        for vin in cleaned:
            raise_first_error(rules.validate_vin(vin))
        if len(set(cleaned)) != len(cleaned):
            raise ValueError("a VIN is listed twice (车辆识别代号重复)")
        return cleaned

    @model_validator(mode="after")
    def _unit(self) -> OnsiteInspectionCreate:
        if self.owner.kind != "unit":
            raise ValueError("the fleet owner is a unit with its credit code (车队所有人应为单位)")
        return self


# --------------------------------------------------------------------------- responses

OnsiteResult = Literal["passed", "failed"]


class OnsiteVehicle(WireModel):
    """One VIN of the request: its inspection (查验) and safety test (安全技术检验) results."""

    vin: str
    certificate_number: str | None = None
    vehicle_type: str | None = None
    inspection: str | None = None
    """``passed`` or ``failed`` once inspected; ``None`` before."""
    safety_test: str | None = None
    """``passed`` or ``failed`` once inspected; ``None`` before."""
    remarks: str | None = None


class OnsiteInspection(WireModel):
    """An on-site inspection: ``requested`` → ``scheduled`` → ``inspected``, or ``cancelled``."""

    id: str
    object: str = "onsite_inspection"
    status: OnsiteInspectionStatus | str
    owner: dict[str, Any]
    contact: dict[str, Any]
    depot_address: str
    window: dict[str, Any]
    scheduled_at: datetime | None = None
    inspected_at: datetime | None = None
    vehicles: list[OnsiteVehicle] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict)
    cancellation: dict[str, Any] | None = None
    client_reference: str | None = None
    created_at: datetime
    updated_at: datetime

    def passed_vins(self) -> list[str]:
        """The VINs that passed both the inspection and the safety test (registrable)."""
        return [
            v.vin for v in self.vehicles if v.inspection == "passed" and v.safety_test == "passed"
        ]
