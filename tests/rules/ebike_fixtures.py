"""Plain-dict e-bikes for the sale tests: a model inside every limit, and its bike."""

from __future__ import annotations

from datetime import date
from typing import Any

STANDARD_2018 = "GB17761-2018"
STANDARD_2024 = "GB17761-2024"


def model(standard: str = STANDARD_2024, **changes: Any) -> dict[str, Any]:
    """A catalogue model (as the bureau's JSON) that passes every rule of ``standard``."""
    new = standard == STANDARD_2024
    data: dict[str, Any] = {
        "product_model": "TDT1234Z",
        "standard": standard,
        "battery_chemistry": "lithium",
        "battery_voltage_v": 48,
        "battery_capacity_ah": 20,
        "motor_power_w": 350,
        "max_speed_kmh": 25,
        "mass_kg": 50,
        "length_mm": 1700,
        "width_mm": 420,
        "height_mm": 1050,
        "wheel_centre_distance_mm": 1200,
        "saddle_height_mm": 700,
        "saddle_length_mm": 300,
        "pedals": True,
        "plastics_share_pct": 4.0 if new else None,
        "beidou": new,
        "ccc": {"number": "2024011119123456", "state": "valid", "expiry": date(2029, 12, 31)},
    }
    data.update(changes)
    return data


def certificate(
    catalogue_model: dict[str, Any] | None = None,
    made: date = date(2025, 10, 1),
    **changes: Any,
) -> dict[str, Any]:
    """The certificate of one bike of ``catalogue_model``."""
    data: dict[str, Any] = {
        "vehicle_code": "117322500000243",
        "certificate_number": "A11265319T3090100",
        "product_model": "TDT1234Z",
        "motor_code": "DJ24A0123456",
        "manufacture_date": made,
        "model": catalogue_model if catalogue_model is not None else model(),
    }
    data.update(changes)
    return data


def vehicle(cert: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The bike at the till, matching ``cert``."""
    data: dict[str, Any] = {
        "vehicle_code": cert["vehicle_code"],
        "motor_code": cert["motor_code"],
        "product_model": cert["product_model"],
        "color": "白",
        "battery_chemistry": cert["model"]["battery_chemistry"],
        "battery_voltage_v": cert["model"]["battery_voltage_v"],
    }
    data.update(changes)
    return data
