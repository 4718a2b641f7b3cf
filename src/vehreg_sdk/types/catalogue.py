"""The e-bike product catalogue (新国标目录) and CCC data."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from ._base import WireModel


class EbikeStandard(StrEnum):
    GB17761_2018 = "GB17761-2018"
    GB17761_2024 = "GB17761-2024"


class BatteryChemistry(StrEnum):
    LITHIUM = "lithium"
    LEAD_ACID = "lead_acid"
    OTHER = "other"


class CccState(StrEnum):
    """CCC certificate state: 有效 / 暂停 / 撤销 / 注销 / 过期."""

    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class CccCertificate(WireModel):
    number: str
    """16-digit CCC certificate number (CCC证书编号)."""
    state: CccState | str
    expiry: date
    issued: date | None = None


class EbikeModel(WireModel):
    """One catalogue entry: the type-approved data of a product model."""

    object: str = "ebike_model"
    product_model: str
    brand: str
    maker: str
    standard: EbikeStandard | str
    battery_chemistry: BatteryChemistry | str
    battery_voltage_v: float
    battery_capacity_ah: float
    motor_power_w: float
    max_speed_kmh: float
    mass_kg: float
    length_mm: int
    width_mm: int
    height_mm: int
    wheel_centre_distance_mm: int | None = None
    saddle_height_mm: int | None = None
    saddle_length_mm: int | None = None
    pedals: bool = True
    plastics_share_pct: float | None = None
    beidou: bool = False
    ccc: CccCertificate
