"""The bike at the till against its certificate of conformity (合格证): codes and battery.

Codes are compared after normalisation; battery chemistries after reading
their spellings (:mod:`.spellings`). Every difference is an error: a different
battery than the certified one is a modification.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._input import as_number, violation
from ._text import normalize_code
from ._violation import Violation
from .spellings import UNRECOGNISED_CHEMISTRY, battery_chemistry

__all__ = ["BATTERY_VOLTAGE_TOLERANCE_V", "battery_mismatches", "code_mismatches"]

#: How far the bike's battery voltage may differ from the certified one: rounding only
#: (48 and 48.0 and 48.04 are the same battery; 48.1 is not).
BATTERY_VOLTAGE_TOLERANCE_V = 0.05


def _same_code(left: object, right: object) -> bool | None:
    """Whether two codes match after normalisation; ``None`` if either is missing."""
    if not isinstance(left, str) or not isinstance(right, str) or not left or not right:
        return None
    if left == right:
        return True
    if len(left) > 256 or len(right) > 256:  # pragma: no mutate (size guard)
        return False
    return normalize_code(left) == normalize_code(right)


_IDENTITY = (
    ("vehicle_code", "vehicle.vehicle_code_mismatch", "vehicle code", "整车编码"),
    ("motor_code", "vehicle.motor_code_mismatch", "motor code", "电机编码"),
    ("product_model", "vehicle.product_model_mismatch", "product model", "产品型号"),
)


def code_mismatches(bike: Mapping[str, object], cert: Mapping[str, object]) -> list[Violation]:
    """The bike's vehicle code, motor code and product model against the certificate."""
    found: list[Violation] = []
    for name, code, en, zh in _IDENTITY:
        left = bike.get(name)
        right = cert.get(name)
        if type(left) is str and type(right) is str and left == right:
            continue  # the common case: the same text (what _same_code says first)
        if _same_code(left, right) is False:
            found.append(
                violation(
                    code,
                    f"vehicle.{name}",
                    f"The {en} does not match the certificate of conformity.",
                    f"{zh}与合格证不一致。",
                    value=str(left)[:64],
                    allowed=str(right)[:64],
                )
            )
    return found


def battery_mismatches(bike: Mapping[str, object], model: Mapping[str, object]) -> list[Violation]:
    """The bike's battery chemistry and voltage against the certified ones."""
    found: list[Violation] = []
    bike_chemistry = battery_chemistry(bike.get("battery_chemistry"))
    certified_chemistry = battery_chemistry(model.get("battery_chemistry"))
    if (
        bike_chemistry
        and certified_chemistry
        and UNRECOGNISED_CHEMISTRY not in (bike_chemistry, certified_chemistry)
        and bike_chemistry != certified_chemistry
    ):
        found.append(
            violation(
                "vehicle.battery_chemistry_mismatch",
                "vehicle.battery_chemistry",
                "The battery type differs from the certified one.",
                "蓄电池类型与合格证不一致。",
                value=bike_chemistry,
                allowed=certified_chemistry,
            )
        )
    bike_voltage = as_number(bike.get("battery_voltage_v"))
    certified_voltage = as_number(model.get("battery_voltage_v"))
    if (
        bike_voltage is not None
        and certified_voltage is not None
        and abs(bike_voltage - certified_voltage) > BATTERY_VOLTAGE_TOLERANCE_V
    ):
        found.append(
            violation(
                "vehicle.battery_voltage_mismatch",
                "vehicle.battery_voltage_v",
                "The battery voltage differs from the certified one.",
                "蓄电池标称电压与合格证不一致。",
                value=bike_voltage,
                allowed=certified_voltage,
            )
        )
    return found
