"""PlateLabel: the data printed on a plate label (号牌标签), built from a registration."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from ._errors import LabelDataError

if TYPE_CHECKING:
    from ..types import EbikeRegistration, Store, VehicleRegistration

# China has used UTC+8 without daylight saving since 1991; a fixed offset needs no tz database
# (Windows has none without the tzdata package).
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


@dataclass(frozen=True, slots=True)
class Caption:
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.zh} {self.en}"


@dataclass(frozen=True, slots=True)
class Captions:
    """The bilingual field names printed on the label."""

    title: Caption = Caption("电动自行车号牌", "E-bike plate")
    store: Caption = Caption("门店", "Store")
    vehicle_code: Caption = Caption("整车编码", "Code")
    model: Caption = Caption("品牌型号", "Model")
    color: Caption = Caption("颜色", "Colour")
    issue_date: Caption = Caption("日期", "Date")


#: The captions of a car's label: the barcode and its line carry the VIN (车辆识别代号).
CAR_CAPTIONS = Captions(
    title=Caption("机动车号牌", "Vehicle plate"),
    vehicle_code=Caption("车辆识别代号", "VIN"),
)


@dataclass(frozen=True, slots=True)
class PlateLabel:
    """What a plate label shows. The QR code carries the bureau-signed token unchanged:
    :attr:`plate_credential` (the compact ``VP1:`` credential, a version-8 QR code) when the
    registration has one, else :attr:`plate_token` (the v1 JWS, version 15-16).
    ``vehreg label verify`` and :func:`vehreg_sdk.plates.verify_token` accept exactly what
    is printed. The barcode carries :attr:`vehicle_code` (整车编码)."""

    plate_number: str
    registration_id: str
    plate_token: str
    store_name: str
    vehicle_code: str
    product_model: str
    color: str
    issue_date: date
    brand: str | None = None
    captions: Captions = field(default_factory=Captions)
    plate_credential: str | None = None

    @property
    def qr_payload(self) -> str:
        return self.plate_credential or self.plate_token

    @property
    def brand_model(self) -> str:
        return " ".join(part for part in (self.brand, self.product_model) if part)

    def lines(self) -> dict[str, str]:
        """The text lines every renderer prints, by role, in order."""
        c = self.captions
        return {
            "title": str(c.title),
            "plate": self.plate_number,
            "store": f"{c.store} {self.store_name}",
            "vehicle_code": f"{c.vehicle_code} {self.vehicle_code}",
            "model": f"{c.model} {self.brand_model}",
            "meta": f"{c.color} {self.color}  {c.issue_date} {self.issue_date.isoformat()}",
        }

    def short_lines(self) -> dict[str, str]:
        """The same lines without the English captions, for printer fonts too big for a line."""
        c = self.captions
        return {
            "title": c.title.zh,
            "plate": self.plate_number,
            "store": self.store_name,
            "vehicle_code": self.vehicle_code,
            "model": self.brand_model,
            "meta": f"{self.color} {self.issue_date.isoformat()}",
        }

    def all_text(self) -> str:
        return "".join(self.lines().values())

    @classmethod
    def from_registration(
        cls,
        registration: EbikeRegistration | VehicleRegistration,
        store: Store,
        *,
        captions: Captions | None = None,
    ) -> PlateLabel:
        """Build the label of ``registration`` (an e-bike's, or a car's) sold at ``store``.

        A car's label carries its VIN where an e-bike's carries the vehicle code (the
        barcode, on both label sizes) and the car captions (:data:`CAR_CAPTIONS`).
        The issue date is the registration's creation date in Asia/Shanghai. Raises
        :class:`LabelDataError` when the registration has no plate or token yet, or
        belongs to another store.
        """
        if not registration.plate_number or not registration.plate_token:
            raise LabelDataError(
                f"registration {registration.id} has no plate number and token yet",
                f"登记 {registration.id} 尚未分配号牌或令牌",
            )
        if store.id != registration.store_id:
            raise LabelDataError(
                f"registration {registration.id} belongs to store {registration.store_id}, "
                f"not {store.id}",
                f"登记 {registration.id} 属于门店 {registration.store_id}，不是 {store.id}",
            )
        vehicle = registration.vehicle
        car: str | None = getattr(vehicle, "vin", None)
        code = str(car or getattr(vehicle, "vehicle_code", ""))
        model = str(
            (getattr(vehicle, "model", None) if car else getattr(vehicle, "product_model", None))
            or ""
        )
        return cls(
            plate_number=registration.plate_number,
            registration_id=registration.id,
            plate_token=registration.plate_token,
            plate_credential=registration.plate_credential,
            store_name=store.name,
            vehicle_code=code,
            product_model=model,
            color=vehicle.color or "",
            brand=vehicle.brand,
            issue_date=issue_date_of(registration.created_at),
            captions=captions or (CAR_CAPTIONS if car else Captions()),
        )


def issue_date_of(moment: datetime) -> date:
    """The Asia/Shanghai calendar date of ``moment`` (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(SHANGHAI).date()
