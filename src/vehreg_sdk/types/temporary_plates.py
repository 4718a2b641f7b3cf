"""Temporary plates (临时行驶车号牌): the request and the bureau's plate, mirroring the contract."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from .. import rules
from ..rules._text import normalize_code
from ._base import InputModel, WireModel, raise_first_error
from .common import ClientReference
from .vehicle_registrations import CarOwner, Insurance, PartySummary

__all__ = [
    "TemporaryPlate",
    "TemporaryPlateCreate",
    "TemporaryPlateDelivery",
    "TemporaryPlateSituationCode",
    "TemporaryPlateStatus",
    "TemporaryPlateVoid",
]

TemporaryPlateSituationCode = Literal[
    "unsold", "purchased", "export", "research_test", "oversize", "plate_production"
]


class TemporaryPlateStatus(StrEnum):
    REQUESTED = "requested"
    ISSUED = "issued"
    VOIDED = "voided"
    EXPIRED = "expired"


class TemporaryPlateCreate(InputModel):
    """The body of ``POST /v1/temporary-plates``.

    The business key is (``vin``, ``situation``, ``valid_from``): a request with the same key
    returns the plate already requested, whatever its idempotency key.
    """

    store_id: str = Field(min_length=1, max_length=64)
    situation: TemporaryPlateSituationCode
    """Art. 46's five situations and ``plate_production`` (号牌制作)."""
    vin: str = Field(max_length=64)
    owner: CarOwner
    insurance: Insurance
    """The 交强险: the plate may not run past ``ends_on``."""
    valid_from: date
    valid_to: date
    """Inclusive (Asia/Shanghai dates)."""
    uploads: list[str] = Field(default_factory=list, max_length=20)
    client_reference: ClientReference | None = None

    @field_validator("vin", mode="before")
    @classmethod
    def _vin(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = normalize_code(value)
        raise_first_error(rules.validate_vin(value))
        return value

    @model_validator(mode="after")
    def _dates(self) -> TemporaryPlateCreate:
        # The rules that need no history or clock: order, length, the insurance end.
        raise_first_error(rules.check_temporary_plate_request(self))
        return self


class TemporaryPlateDelivery(WireModel):
    """How the buyer gets the paper plate: printed at an authorised store, or mailed."""

    method: Literal["print_at_store", "mail"] | str
    status: str
    """``pending`` (not issued yet), ``printable`` (print_at_store), ``mailed``, ``delivered``."""
    tracking_number: str | None = None
    mailed_at: datetime | None = None
    delivered_at: datetime | None = None


class TemporaryPlateVoid(WireModel):
    """Why and from when a temporary plate is void: the car's metal plates were handed over."""

    reason: str
    plates_handed_over_on: date
    registration_id: str
    last_valid_day: date


class TemporaryPlate(WireModel):
    """A temporary plate: ``requested``, ``issued`` (with its number and, for a store that may
    print it, the bureau-signed ``plate_credential``), then ``expired`` after ``valid_to`` or
    ``voided`` once the car's metal plates were handed over (3 days later)."""

    id: str
    object: str = "temporary_plate"
    status: TemporaryPlateStatus | str
    store_id: str
    situation: str
    vin: str
    owner: PartySummary
    insurance_policy_number: str
    insurance_ends_on: date
    valid_from: date
    valid_to: date
    last_valid_day: date
    """``valid_to``, or earlier when the plate is void after the metal plates were handed over."""
    issue_number: int
    """This vehicle's n-th plate in the situations counted together (at most 3 for a sale)."""
    plate_kind: str = "22"
    plate_number: str | None = None
    plate_credential: str | None = None
    """``VP1:…`` (kind 22, the VIN as a digest, ``nbf``/``exp`` from the validity): only for a
    store authorised to print temporary plates."""
    not_before: datetime | None = None
    expires_at: datetime | None = None
    """The token's validity: 00:00 Asia/Shanghai of ``valid_from`` to 00:00 after the last day."""
    issue_due_at: datetime
    issued_at: datetime | None = None
    issuer: str | None = None
    """Who issued it (``vehreg-sandbox`` for the sandbox bureau; its plates say SANDBOX)."""
    delivery: TemporaryPlateDelivery
    void: TemporaryPlateVoid | None = None
    uploads: list[str] = Field(default_factory=list)
    client_reference: str | None = None
    created_at: datetime
    updated_at: datetime
