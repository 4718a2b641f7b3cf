"""E-bike plate-with-sale (带牌销售): what the till sends and what the bureau answers."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Field, PrivateAttr, StringConstraints, field_validator, model_validator

from .. import privacy, rules
from ..rules._text import normalize, normalize_code
from ..rules.codes import _DIGITS_15, _MOTOR_CODE
from ..rules.people import _ALWAYS_PAST, _MOBILE, _RESIDENT_ID, _id_facts
from ._base import InputModel, WireModel, raise_first_error
from ._strict import JsonBool, JsonDate, JsonInt, JsonNumber
from .catalogue import BatteryChemistry
from .common import ClientReference

if TYPE_CHECKING:
    from .certificates import EbikeCertificate

VehicleUse = Literal["self", "courier", "food_delivery", "other"]

# --------------------------------------------------------------------------- normalising
#
# The text and code fields below are normalised by a before validator (rules._text:
# full-width to half-width, control characters dropped, surrounding white space
# stripped), so pydantic's own stripping (InputModel's str_strip_whitespace) would find
# nothing left to strip in text. It is turned off for these fields because it is not
# free: pydantic re-encodes every non-ASCII string to strip it. The validators do its
# job for the non-text input pydantic turns into text (bytes, enum members), see
# _as_pydantic_would_strip.

_Normalised = Annotated[str, StringConstraints(strip_whitespace=False)]

#: What pydantic's str_strip_whitespace strips: the Unicode White_Space characters.
_WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + ("\u2028\u2029\u202f\u205f\u3000")
)


def _as_pydantic_would_strip(value: Any) -> Any:
    """Non-text input that pydantic turns into text, stripped as str_strip_whitespace would.

    In lax mode pydantic accepts UTF-8 ``bytes``/``bytearray`` and enum members with a
    text value for a ``str`` field; with stripping off for the field, the surrounding
    white space is removed here instead (keeping the input's type, so pydantic still
    decides whether to accept it). Anything else is returned as it is.
    """
    if isinstance(value, bytes | bytearray):
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            return value  # pydantic reports it
        stripped = text.strip(_WHITE_SPACE)
        return value if len(stripped) == len(text) else type(value)(stripped.encode("utf-8"))
    if isinstance(value, Enum) and isinstance(value.value, str):
        stripped = value.value.strip(_WHITE_SPACE)
        return value if len(stripped) == len(value.value) else stripped
    return value


def _text_field(value: Any) -> Any:
    """A before validator: :func:`~vehreg_sdk.rules._text.normalize` for text."""
    if isinstance(value, str):
        return normalize(value)
    return _as_pydantic_would_strip(value)


def _code_field(value: Any) -> Any:
    """A before validator: :func:`~vehreg_sdk.rules._text.normalize_code` for text."""
    if isinstance(value, str):
        return normalize_code(value)
    return _as_pydantic_would_strip(value)


class RegistrationStatus(StrEnum):
    PLATE_ASSIGNED = "plate_assigned"
    AWAITING_REVIEW = "awaiting_review"
    RETURNED = "returned"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


FINAL_STATUSES = frozenset(
    {RegistrationStatus.APPROVED, RegistrationStatus.REJECTED, RegistrationStatus.CANCELLED}
)


# --------------------------------------------------------------------------- inputs


class MeasuredValues(InputModel):
    """Values measured at the till (实测值); compared with the certificate and the legal limits."""

    max_speed_kmh: JsonNumber | None = Field(default=None, ge=0, le=200)
    mass_kg: JsonNumber | None = Field(default=None, ge=0, le=500)
    length_mm: JsonInt | None = Field(default=None, ge=0, le=5000)
    width_mm: JsonInt | None = Field(default=None, ge=0, le=3000)
    height_mm: JsonInt | None = Field(default=None, ge=0, le=3000)
    wheel_centre_distance_mm: JsonInt | None = Field(default=None, ge=0, le=5000)
    saddle_height_mm: JsonInt | None = Field(default=None, ge=0, le=3000)
    saddle_length_mm: JsonInt | None = Field(default=None, ge=0, le=3000)
    pedals: JsonBool | None = None


class EbikeVehicle(InputModel):
    """The bike being sold. ``vehicle_code`` is the 15-digit 整车编码."""

    vehicle_code: _Normalised = Field(max_length=64)
    motor_code: _Normalised = Field(max_length=64)
    product_model: _Normalised = Field(min_length=1, max_length=64)
    color: _Normalised = Field(min_length=1, max_length=16)
    battery_chemistry: BatteryChemistry = BatteryChemistry.LITHIUM
    battery_voltage_v: JsonNumber = Field(default=48, gt=0, le=1000)
    battery_capacity_ah: JsonNumber = Field(default=20, gt=0, le=1000)
    measured: MeasuredValues | None = None

    @field_validator("vehicle_code", mode="before")
    @classmethod
    def _vehicle_code(cls, value: Any) -> Any:
        if type(value) is str and _DIGITS_15.fullmatch(value):
            return value  # clean: the rule can only warn (warnings never block construction)
        if not isinstance(value, str):
            return _as_pydantic_would_strip(value)
        value = normalize_code(value)
        raise_first_error(rules.validate_vehicle_code(value))
        return value

    @field_validator("motor_code", mode="before")
    @classmethod
    def _motor_code(cls, value: Any) -> Any:
        if type(value) is str and _MOTOR_CODE.fullmatch(value):
            return value  # clean and valid
        if not isinstance(value, str):
            return _as_pydantic_would_strip(value)
        value = normalize_code(value)
        raise_first_error(rules.validate_motor_code(value))
        return value

    _product_model = field_validator("product_model", mode="before")(_code_field)
    _color = field_validator("color", mode="before")(_text_field)

    @classmethod
    def from_certificate(cls, certificate: EbikeCertificate, **overrides: Any) -> EbikeVehicle:
        """Build the vehicle from a looked-up certificate; ``overrides`` win (``color="白"``)."""
        model = certificate.model
        data: dict[str, Any] = {
            "vehicle_code": certificate.vehicle_code,
            "motor_code": certificate.motor_code,
            "product_model": certificate.product_model,
            "color": certificate.color,
            "battery_chemistry": model.battery_chemistry,
            "battery_voltage_v": model.battery_voltage_v,
            "battery_capacity_ah": model.battery_capacity_ah,
        }
        data.update(overrides)
        return cls.model_validate(data)


class Guardian(InputModel):
    """The guardian (监护人) of an owner under 18."""

    _masked_fields: ClassVar = {
        "name": privacy.mask_name,
        "id_number": privacy.mask_id_number,
        "mobile": privacy.mask_mobile,
    }

    name: str = Field(min_length=1, max_length=64)
    id_type: str = Field(default="A", max_length=2)
    id_number: str = Field(max_length=64)
    mobile: str = Field(max_length=32)
    relationship: str = Field(default="parent", max_length=32)
    consent: JsonBool = False
    """The guardian's recorded consent, required for an owner under 14 (PIPL art. 31)."""

    @model_validator(mode="after")
    def _check(self) -> Guardian:
        if not _is_clean_person(self.__dict__):
            _check_person(self, on=None)
        return self


class Owner(InputModel):
    """The buyer (所有人). Personal data: masked in every repr, log and message."""

    _masked_fields: ClassVar = {
        "name": privacy.mask_name,
        "id_number": privacy.mask_id_number,
        "mobile": privacy.mask_mobile,
        "address": privacy.mask_address,
    }

    name: _Normalised = Field(min_length=1, max_length=64)
    id_type: str = Field(default="A", max_length=2)
    """身份证明名称 code (GA 24): ``A`` resident ID, ``N`` credit code, ..."""
    id_number: str = Field(max_length=64)
    mobile: str = Field(max_length=32)
    address: _Normalised = Field(min_length=1, max_length=200)
    use: VehicleUse = "self"
    guardian: Guardian | None = None

    _text = field_validator("name", "address", mode="before")(_text_field)

    @model_validator(mode="after")
    def _check(self) -> Owner:
        if not _is_clean_person(self.__dict__):
            _check_person(self, on=None)
        return self


#: A mobile and a resident ID number joined by NUL (which neither may hold): one match.
_CLEAN_CONTACT = re.compile(f"{_MOBILE.pattern}\0{_RESIDENT_ID.pattern}")


def _is_clean_person(values: dict[str, Any]) -> bool:
    """Whether :func:`_check_person` would neither change nor reject these values.

    Clean values (normalising them changes nothing) and a resident ID number with
    nothing that blocks: a real birth date surely in the past (validate_resident_id
    reads the clock only for a later one) and a matching check character. An unknown
    area code is a warning, which never blocks.
    """
    id_number = values["id_number"]
    if values["id_type"] == "A" and _CLEAN_CONTACT.fullmatch(f"{values['mobile']}\0{id_number}"):
        birth, checksum_ok, _ = _id_facts(id_number)
        return checksum_ok and birth is not None and birth <= _ALWAYS_PAST
    return False


def _check_person(person: Owner | Guardian, on: date | None) -> None:
    id_number = normalize_code(person.id_number)
    mobile = normalize_code(person.mobile).removeprefix("+86")
    id_type = normalize_code(person.id_type)
    # Bypass validate_assignment: these are normalisations of values already validated by type.
    object.__setattr__(person, "id_type", id_type)
    object.__setattr__(person, "id_number", id_number)
    object.__setattr__(person, "mobile", mobile)
    raise_first_error(rules.validate_id_document(id_type, id_number, on=on))
    raise_first_error(rules.validate_mobile(mobile))


class Sale(InputModel):
    """The sale: invoice, price in integer fen (分), the clerk who sold it."""

    invoice_number: _Normalised = Field(min_length=1, max_length=32)
    invoice_date: JsonDate
    """An Asia/Shanghai business date."""
    price_fen: JsonInt = Field(ge=0, le=100_000_000)
    """Integer fen (分): a JSON number, never ``true`` or ``"329900"``."""
    clerk_id: _Normalised = Field(min_length=1, max_length=64)

    _code = field_validator("invoice_number", "clerk_id", mode="before")(_code_field)


class EbikeRegistrationCreate(InputModel):
    """The body of ``POST /v1/ebike-registrations``."""

    store_id: str = Field(min_length=1, max_length=64)
    vehicle: EbikeVehicle
    owner: Owner
    sale: Sale
    uploads: list[str] = Field(default_factory=list, max_length=20)
    client_reference: ClientReference | None = None
    """Your own reference (a POS sale id): 1 to 255 printable ASCII characters, or None."""


# --------------------------------------------------------------------------- responses


class RegisteredVehicle(WireModel):
    vehicle_code: str
    motor_code: str
    product_model: str
    color: str
    battery_chemistry: str
    battery_voltage_v: float
    battery_capacity_ah: float
    brand: str | None = None


class OwnerSummary(WireModel):
    """The owner as the bureau echoes it: already masked by the bureau."""

    name: str
    id_type: str
    id_number: str
    mobile: str
    use: str


class RegisteredSale(WireModel):
    invoice_number: str
    invoice_date: date
    price_fen: int
    clerk_id: str


class Photo(WireModel):
    kind: str
    upload_id: str
    added_at: datetime


class ReviewReason(WireModel):
    code: str
    photo_kind: str | None = None
    message: str
    message_zh: str


class Review(WireModel):
    outcome: str
    reasons: list[ReviewReason] = Field(default_factory=list)
    reviewed_at: datetime | None = None


class EbikeRegistration(WireModel):
    """A registration: plate assigned at the till, reviewed by the police afterwards."""

    id: str
    object: str = "ebike_registration"
    status: RegistrationStatus | str
    store_id: str
    vehicle: RegisteredVehicle
    owner: OwnerSummary
    sale: RegisteredSale
    plate_number: str | None = None
    plate_token: str | None = None
    #: The compact plate credential (``VP1:...``, COSE/CWT in Base45) that labels print;
    #: ``plate_token`` (the v1 JWS) says the same. Both verify with ``plates.verify_token``.
    plate_credential: str | None = None
    uploads: list[str] = Field(default_factory=list)
    photos: list[Photo] = Field(default_factory=list)
    review: Review | None = None
    client_reference: str | None = None
    batch_id: str | None = None
    created_at: datetime
    updated_at: datetime

    #: warnings of the local rules when this object came from ``create()`` (never blocking)
    _local_warnings: list[Any] = PrivateAttr(default_factory=list)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def local_warnings(self) -> list[Any]:
        """Non-blocking rule findings (``Violation``) from the ``create()`` that returned this."""
        return self._local_warnings
