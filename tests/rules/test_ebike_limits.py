"""Every legal limit at, just below and just above its bound, for both standards.

The expected bounds are written out here from docs/domain.md §1.2–1.3 on
purpose, independent of the rule data, so a change to the data shows up.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vehreg_sdk.rules import check_ebike_sale

from .ebike_fixtures import STANDARD_2018, STANDARD_2024, certificate, model, vehicle

SOLD = date(2025, 10, 15)  # both standards are sellable on this day
MADE = {STANDARD_2018: date(2025, 6, 1), STANDARD_2024: date(2025, 10, 1)}

# (standard, attribute, bound, kind, code, severity, step)
LIMITS: list[tuple[str, str, float, str, str, str, float]] = []
for _standard in (STANDARD_2018, STANDARD_2024):
    LIMITS += [
        (_standard, "max_speed_kmh", 25, "max", "ebike.max_speed_exceeded", "error", 0.1),
        (_standard, "battery_voltage_v", 48, "max", "ebike.battery_voltage_exceeded", "error", 1),
        (_standard, "motor_power_w", 400, "max", "ebike.motor_power_exceeded", "error", 1),
        (_standard, "mass_kg", 55, "max", "ebike.mass_exceeded", "error", 0.1),
    ]
_DIMENSIONS = [
    ("height_mm", 1100, "max", "ebike.height_exceeded"),
    ("width_mm", 450, "max", "ebike.width_exceeded"),
    ("wheel_centre_distance_mm", 1250, "max", "ebike.wheel_centre_distance_exceeded"),
    ("saddle_height_mm", 635, "min", "ebike.saddle_height_too_low"),
    ("saddle_length_mm", 350, "max", "ebike.saddle_length_exceeded"),
]
for _attribute, _bound, _kind, _code in _DIMENSIONS:
    LIMITS.append((STANDARD_2018, _attribute, _bound, _kind, _code, "error", 1))
    # The 2024 dimension limits are not known [U]: the 2018 figure, as a warning only.
    LIMITS.append((STANDARD_2024, _attribute, _bound, _kind, _code, "warning", 1))
LIMITS.append(
    (STANDARD_2024, "plastics_share_pct", 5.5, "max", "ebike.plastics_share_exceeded", "error", 0.1)
)


def _judge(standard: str, **model_changes: Any) -> list[Any]:
    cert = certificate(model(standard, **model_changes), made=MADE[standard])
    # The bike's battery follows the certificate, so only the model's value is judged here.
    bike = vehicle(cert)
    return [v for v in check_ebike_sale(bike, cert, SOLD) if v.field.startswith("certificate.")]


@pytest.mark.parametrize(
    ("standard", "attribute", "bound", "kind", "code", "severity", "step"),
    LIMITS,
    ids=[f"{s[-4:]}-{a}" for s, a, *_ in LIMITS],
)
def test_catalogue_value_at_and_around_the_bound(
    standard: str, attribute: str, bound: float, kind: str, code: str, severity: str, step: float
) -> None:
    inside, outside = (
        (bound - step, bound + step) if kind == "max" else (bound + step, bound - step)
    )
    assert _judge(standard, **{attribute: bound}) == []
    assert _judge(standard, **{attribute: inside}) == []
    (found,) = _judge(standard, **{attribute: outside})
    assert (found.code, found.severity) == (code, severity)
    assert found.field == f"certificate.model.{attribute}"
    assert found.value == outside
    assert found.message and found.message_zh


@pytest.mark.parametrize("chemistry", ["lead_acid", "lithium"])
def test_2024_lead_acid_may_weigh_63_kg_others_55(chemistry: str) -> None:
    bound = 63 if chemistry == "lead_acid" else 55
    assert _judge(STANDARD_2024, battery_chemistry=chemistry, mass_kg=bound) == []
    assert _judge(STANDARD_2024, battery_chemistry=chemistry, mass_kg=bound - 0.1) == []
    (found,) = _judge(STANDARD_2024, battery_chemistry=chemistry, mass_kg=bound + 0.1)
    assert found.code == "ebike.mass_exceeded"
    assert f"{bound}" in found.message


def test_2018_lead_acid_is_still_55_kg() -> None:
    assert _judge(STANDARD_2018, battery_chemistry="lead_acid", mass_kg=55) == []
    (found,) = _judge(STANDARD_2018, battery_chemistry="lead_acid", mass_kg=55.1)
    assert found.code == "ebike.mass_exceeded"


def test_pedals_required_in_2018_optional_in_2024() -> None:
    (found,) = _judge(STANDARD_2018, pedals=False)
    assert (found.code, found.field) == ("ebike.pedals_required", "certificate.model.pedals")
    assert _judge(STANDARD_2024, pedals=False) == []


def test_beidou_required_in_2024_only() -> None:
    (found,) = _judge(STANDARD_2024, beidou=False)
    assert found.code == "ebike.beidou_required"
    assert _judge(STANDARD_2018, beidou=False) == []


def test_plastics_share_is_not_a_2018_rule() -> None:
    assert _judge(STANDARD_2018, plastics_share_pct=20) == []


def test_every_broken_limit_is_reported_at_once() -> None:
    found = _judge(STANDARD_2018, max_speed_kmh=32, mass_kg=70, width_mm=500, pedals=False)
    assert {v.code for v in found} == {
        "ebike.max_speed_exceeded",
        "ebike.mass_exceeded",
        "ebike.width_exceeded",
        "ebike.pedals_required",
    }


MEASURABLE = [
    ("max_speed_kmh", 25, "max", "ebike.max_speed_exceeded"),
    ("mass_kg", 55, "max", "ebike.mass_exceeded"),
    ("height_mm", 1100, "max", "ebike.height_exceeded"),
    ("width_mm", 450, "max", "ebike.width_exceeded"),
    ("wheel_centre_distance_mm", 1250, "max", "ebike.wheel_centre_distance_exceeded"),
    ("saddle_height_mm", 635, "min", "ebike.saddle_height_too_low"),
    ("saddle_length_mm", 350, "max", "ebike.saddle_length_exceeded"),
]


@pytest.mark.parametrize(("attribute", "bound", "kind", "code"), MEASURABLE)
def test_measured_value_beyond_the_legal_limit_is_an_error_in_2018(
    attribute: str, bound: float, kind: str, code: str
) -> None:
    cert = certificate(model(STANDARD_2018, **{attribute: bound}), made=MADE[STANDARD_2018])
    step = 1 if kind == "max" else -1

    def measured(value: float) -> list[Any]:
        bike = vehicle(cert, measured={attribute: value})
        return [v for v in check_ebike_sale(bike, cert, SOLD) if v.code == code]

    assert measured(bound) == []
    assert measured(bound - step) == []
    (found,) = measured(bound + step)
    assert (found.field, found.severity) == (f"vehicle.measured.{attribute}", "error")


def test_bike_battery_voltage_above_the_limit_is_an_error() -> None:
    cert = certificate(made=MADE[STANDARD_2024])
    found = check_ebike_sale(vehicle(cert, battery_voltage_v=60), cert, SOLD)
    assert {(v.code, v.field) for v in found} == {
        ("ebike.battery_voltage_exceeded", "vehicle.battery_voltage_v"),
        ("vehicle.battery_voltage_mismatch", "vehicle.battery_voltage_v"),
    }


def test_measured_pedals_missing_on_a_2018_bike() -> None:
    cert = certificate(model(STANDARD_2018), made=MADE[STANDARD_2018])
    found = check_ebike_sale(vehicle(cert, measured={"pedals": False}), cert, SOLD)
    assert {(v.code, v.severity) for v in found} == {
        ("ebike.pedals_required", "error"),
        ("ebike.measured_mismatch", "warning"),
    }
