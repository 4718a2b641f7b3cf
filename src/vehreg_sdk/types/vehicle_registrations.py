"""Car registration at a 4S registration station (新车注册登记): request and answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .. import privacy, rules
from ..rules._text import normalize_code
from ._base import InputModel, WireModel, raise_first_error
from ._strict import JsonDate, JsonInt
from .common import ClientReference
from .ebike_registrations import Photo, Review, _code_field, _Normalised, _text_field
from .plate_selections import PlateKindCode

__all__ = [
    "VEHICLE_FINAL_STATUSES",
    "Agent",
    "CarOwner",
    "CarVehicle",
    "Insurance",
    "Invoice",
    "PlateChoice",
    "SafetyOfficer",
    "SupervisionEnrolment",
    "SupervisionSummary",
    "VehicleRegistration",
    "VehicleRegistrationCreate",
    "VehicleRegistrationStatus",
]

EnergyTypeCode = Literal["ICE", "HEV", "PHEV", "EREV", "BEV", "FCEV"]


class VehicleRegistrationStatus(StrEnum):
    SUBMITTED = "submitted"
    AWAITING_SAFETY_TEST = "awaiting_safety_test"
    PLATE_ASSIGNED = "plate_assigned"
    AWAITING_REVIEW = "awaiting_review"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


VEHICLE_FINAL_STATUSES = frozenset(
    {
        VehicleRegistrationStatus.APPROVED,
        VehicleRegistrationStatus.REJECTED,
        VehicleRegistrationStatus.CANCELLED,
    }
)


class CarVehicle(InputModel):
    """The car: VIN, 合格证 number and the GA 24/802 codes the registration states."""

    vin: _Normalised = Field(max_length=64)
    certificate_number: _Normalised | None = Field(default=None, max_length=32)
    """合格证编号; null only for an imported car (which the station refuses with its routing)."""
    origin: Literal["domestic", "imported"] = "domestic"
    vehicle_type: _Normalised = Field(min_length=3, max_length=3)
    use_nature: _Normalised = Field(min_length=1, max_length=1)
    fuel_type: _Normalised = Field(min_length=1, max_length=1)
    energy_type: EnergyTypeCode
    color: _Normalised | None = Field(default=None, max_length=16)

    _codes = field_validator(
        "certificate_number", "vehicle_type", "use_nature", "fuel_type", mode="before"
    )(_code_field)
    _color = field_validator("color", mode="before")(_text_field)

    @field_validator("vin", mode="before")
    @classmethod
    def _vin(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = normalize_code(value)
        raise_first_error(rules.validate_vin(value))
        return value


def _check_identity(person: Any, default_type: str) -> None:
    id_type = normalize_code(person.id_type or default_type)
    object.__setattr__(person, "id_type", id_type)
    object.__setattr__(person, "id_number", normalize_code(person.id_number))
    object.__setattr__(person, "mobile", normalize_code(person.mobile).removeprefix("+86"))
    raise_first_error(rules.validate_id_document(id_type, person.id_number))
    raise_first_error(rules.validate_mobile(person.mobile))


_PERSON_MASKS: dict[str, Callable[[str], str]] = {
    "name": privacy.mask_name,
    "id_number": privacy.mask_id_number,
    "mobile": privacy.mask_mobile,
    "address": privacy.mask_address,
}


class CarOwner(InputModel):
    """The owner (所有人): a person with an ID document, or a unit with its credit code (N)."""

    _masked_fields: ClassVar[dict[str, Callable[[str], str]]] = _PERSON_MASKS

    kind: Literal["person", "unit"] = "person"
    name: _Normalised = Field(min_length=1, max_length=100)
    id_type: str | None = Field(default=None, max_length=2)
    """身份证明名称 (GA 24): default ``A`` for a person, ``N`` for a unit."""
    id_number: str = Field(max_length=64)
    mobile: str = Field(max_length=32)
    address: _Normalised = Field(min_length=1, max_length=200)
    residence_permit_upload: str | None = Field(default=None, max_length=64)
    """A residence permit (居住证明) upload, for a buyer whose ID is from outside 苏G."""

    _text = field_validator("name", "address", mode="before")(_text_field)

    @model_validator(mode="after")
    def _check(self) -> CarOwner:
        _check_identity(self, "N" if self.kind == "unit" else "A")
        return self


class Agent(InputModel):
    """Who acts for the owner (a unit's staff, or an agent of a private buyer: 代理人)."""

    _masked_fields: ClassVar[dict[str, Callable[[str], str]]] = _PERSON_MASKS

    name: _Normalised = Field(min_length=1, max_length=64)
    id_type: str | None = Field(default="A", max_length=2)
    id_number: str = Field(max_length=64)
    mobile: str = Field(max_length=32)
    authorisation_upload: str = Field(min_length=1, max_length=64)
    """The upload of the owner's authorisation (授权委托书)."""

    _text = field_validator("name", mode="before")(_text_field)

    @model_validator(mode="after")
    def _check(self) -> Agent:
        _check_identity(self, "A")
        return self


class Invoice(InputModel):
    """The purchase invoice (机动车销售统一发票): price including VAT in fen."""

    number: _Normalised = Field(min_length=1, max_length=32)
    date: JsonDate
    """An Asia/Shanghai business date; not in the future."""
    price_fen: JsonInt = Field(ge=0, le=100_000_000_000)
    price_excl_vat_fen: JsonInt | None = Field(default=None, ge=0, le=100_000_000_000)

    _code = field_validator("number", mode="before")(_code_field)


class Insurance(InputModel):
    """The compulsory insurance (交强险): it must cover the registration date."""

    policy_number: _Normalised = Field(min_length=1, max_length=64)
    starts_on: JsonDate
    ends_on: JsonDate

    _code = field_validator("policy_number", mode="before")(_code_field)


class PlateChoice(InputModel):
    """The plate: its kind and where the number comes from, a selection (选号) or an old
    number kept (号牌号码保留)."""

    kind: PlateKindCode
    source: Literal["selection", "retained", "sequence"] = "selection"
    """``sequence``: the bureau assigns the next number in order (a fleet on the on-site
    inspection channel: the plates of a fleet batch follow each other)."""
    selection_id: str | None = Field(default=None, max_length=64)
    number: str | None = Field(default=None, max_length=16)

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        return normalize_code(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _source(self) -> PlateChoice:
        if self.source == "selection" and not self.selection_id:
            raise ValueError("a plate from a selection names its selection_id")
        if self.source == "retained" and not self.number:
            raise ValueError("a retained plate names its number")
        return self


class ContactPerson(InputModel):
    """A person reached by mobile: a name and a mainland mobile number, both masked in reprs."""

    _masked_fields: ClassVar[dict[str, Callable[[str], str]]] = {
        "name": privacy.mask_name,
        "mobile": privacy.mask_mobile,
    }

    name: _Normalised = Field(min_length=1, max_length=64)
    mobile: str = Field(max_length=32)

    _text = field_validator("name", mode="before")(_text_field)

    @model_validator(mode="after")
    def _check_mobile(self) -> Self:
        object.__setattr__(self, "mobile", normalize_code(self.mobile).removeprefix("+86"))
        raise_first_error(rules.validate_mobile(self.mobile))
        return self


class SafetyOfficer(ContactPerson):
    """The safety officer (安全管理员) of a key vehicle's operating enterprise."""


class SupervisionEnrolment(InputModel):
    """A key vehicle's source-supervision enrolment (重点车辆源头监管): see
    :func:`vehreg_sdk.rules.explain_key_vehicle`."""

    operating_enterprise_credit_code: _Normalised = Field(min_length=18, max_length=18)
    road_transport_licence_number: _Normalised | None = Field(default=None, max_length=32)
    """道路运输证号; required for the operating use natures (B, C, E, F, R by default)."""
    safety_officer: SafetyOfficer

    _codes = field_validator(
        "operating_enterprise_credit_code", "road_transport_licence_number", mode="before"
    )(_code_field)


class VehicleRegistrationCreate(InputModel):
    """The body of ``POST /v1/vehicle-registrations``: one channel, ``store_id`` (a
    registration station) or ``onsite_inspection_id`` (a completed on-site inspection)."""

    store_id: str | None = Field(default=None, min_length=1, max_length=64)
    onsite_inspection_id: str | None = Field(default=None, min_length=1, max_length=64)
    vehicle: CarVehicle
    owner: CarOwner
    agent: Agent | None = None
    invoice: Invoice
    insurance: Insurance
    plate: PlateChoice
    supervision: SupervisionEnrolment | None = None
    """Required for a key vehicle (重点车辆); see :func:`vehreg_sdk.rules.explain_key_vehicle`."""
    uploads: list[str] = Field(default_factory=list, max_length=20)
    client_reference: ClientReference | None = None

    @model_validator(mode="after")
    def _one_channel(self) -> VehicleRegistrationCreate:
        if (self.store_id is None) == (self.onsite_inspection_id is None):
            raise ValueError(
                "name one channel: store_id or onsite_inspection_id "
                "(请指定登记服务站或上门查验之一)"
            )
        return self


# --------------------------------------------------------------------------- responses


class RegisteredCar(WireModel):
    vin: str
    certificate_number: str | None = None
    brand: str | None = None
    model: str | None = None
    vehicle_type: str
    use_nature: str
    fuel_type: str
    energy_type: str
    color: str | None = None


class PartySummary(WireModel):
    """An owner or agent as the bureau echoes them: masked by the bureau."""

    kind: str | None = None
    name: str
    id_type: str
    id_number: str
    mobile: str


class RegisteredInvoice(WireModel):
    number: str
    date: date
    price_fen: int


class RegisteredInsurance(WireModel):
    policy_number: str
    starts_on: date
    ends_on: date


class TaxSummary(WireModel):
    status: str
    paid_fen: int | None = None
    relief_kind: str | None = None


class SupervisionSummary(WireModel):
    """The supervision enrolment as the bureau records it (the safety officer masked)."""

    key_vehicle_class: str
    reason: str = ""
    reason_zh: str = ""
    operating_enterprise_credit_code: str
    road_transport_licence_number: str | None = None
    safety_officer_name: str
    safety_officer_mobile: str
    enrolled_at: datetime | None = None


class VehicleRegistration(WireModel):
    """A car registration: submitted, inspected (and safety-tested where required), plated,
    photographed with the plate fitted, and reviewed."""

    id: str
    object: str = "vehicle_registration"
    status: VehicleRegistrationStatus | str
    store_id: str | None = None
    onsite_inspection_id: str | None = None
    channel: str = "station"
    """``station`` or ``onsite_inspection``."""
    vehicle: RegisteredCar
    owner: PartySummary
    agent: PartySummary | None = None
    invoice: RegisteredInvoice
    insurance: RegisteredInsurance
    plate_kind: str
    plate_source: str
    selection_id: str | None = None
    plate_number: str | None = None
    plate_token: str | None = None
    plate_credential: str | None = None
    """The compact credential (``VP1:…``) labels print; see :mod:`vehreg_sdk.plates`."""
    safety_test: str
    """``exempt`` or ``required`` (安全技术检验); 查验 happens either way."""
    purchase_tax: TaxSummary | None = None
    key_vehicle: bool = False
    supervision: SupervisionSummary | None = None
    uploads: list[str] = Field(default_factory=list)
    photos: list[Photo] = Field(default_factory=list)
    review: Review | None = None
    plates_handed_over_on: date | None = None
    """The day the owner received the metal plates (``plates_handed_over``); a temporary plate
    of this VIN is void 3 days later."""
    client_reference: str | None = None
    created_at: datetime
    updated_at: datetime

    _local_warnings: list[Any] = PrivateAttr(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.status in VEHICLE_FINAL_STATUSES

    @property
    def local_warnings(self) -> list[Any]:
        """Non-blocking rule findings from the ``create()`` that returned this."""
        return self._local_warnings
