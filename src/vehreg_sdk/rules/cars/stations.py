"""What a registration service station (登记服务站) at a 4S store may do, and where the rest goes.

docs/domain.md §8 [M] and §7.5 [M/U]: a station at a dealer typically
registers non-operating small and mini passenger cars; key vehicles (重点车辆)
never qualify and go to the vehicle office (车管所) or ask for an on-site
inspection (上门查验); the Lianyungang scope is unconfirmed [U], so
:class:`StationScope` is configuration. An imported car has no 合格证 and is
registered at the vehicle office with its import papers; a buyer whose
residence is not in the 苏G area needs a temporary plate to drive the car
home. The pre-registration safety test (安全技术检验) is waived for
non-operating small and mini passenger cars (vans excluded) registered within
2 years of manufacture; 查验 always happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .._input import enum_text
from .._violation import Violation
from ..code_tables import UseNature
from ..key_vehicles import KeyVehicleClass, KeyVehicleRules, classify_key_vehicle

__all__ = [
    "Routing",
    "RoutingKind",
    "SafetyTestRules",
    "StationScope",
    "routed",
    "routing",
    "safety_test",
    "station_refusal",
]


class RoutingKind(StrEnum):
    """Where a registration the station cannot take goes instead."""

    VEHICLE_OFFICE = "vehicle_office_appointment"
    ONSITE_INSPECTION = "onsite_inspection_request"
    IMPORT = "vehicle_office_import"
    TEMPORARY_PLATE = "temporary_plate"


@dataclass(frozen=True, slots=True)
class Routing:
    """A routing text for the clerk and the buyer, in both languages."""

    kind: RoutingKind
    message: str
    message_zh: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "message": self.message, "message_zh": self.message_zh}


_ROUTING_TEXT = {
    RoutingKind.VEHICLE_OFFICE: (
        "Book an appointment at the vehicle office (车管所) for inspection and registration.",
        "请预约到车管所办理查验和注册登记。",
    ),
    RoutingKind.ONSITE_INSPECTION: (
        "Book an appointment at the vehicle office (车管所), or request an on-site inspection "
        "(上门查验) for a fleet; key vehicles need the vehicle office's inspection and the "
        "owner's company documents.",
        "请预约到车管所办理，车队批量登记可申请上门查验；重点车辆须经车管所查验，并提交单位证明材料。",
    ),
    RoutingKind.IMPORT: (
        "An imported car has no certificate of conformity: register it at the vehicle office "
        "with its import papers (货物进口证明书, 进口机动车随车检验单).",
        "进口车辆没有整车出厂合格证，请持货物进口证明书和进口机动车随车检验单到车管所办理注册登记。",
    ),
    RoutingKind.TEMPORARY_PLATE: (
        "The buyer's residence is not in the 苏G area: apply for a temporary plate (临时号牌) "
        "and register where the buyer lives, or upload a local residence permit.",
        "购车人住所地不在连云港（苏G）辖区：请申领临时号牌后到住所地办理注册登记，或上传本地居住证明。",
    ),
}


def routed(code: str, field: str, message: str, message_zh: str, where: Routing) -> Violation:
    """An error violation carrying ``extra["routing"]``: where to go instead."""
    return Violation(code, field, message, message_zh, "error", extra={"routing": where.to_dict()})


def routing(kind: RoutingKind) -> Routing:
    """The routing text of ``kind``."""
    message, message_zh = _ROUTING_TEXT[kind]
    return Routing(kind, message, message_zh)


@dataclass(frozen=True, slots=True)
class StationScope:
    """What the station registers [U]: use natures and GA 802 type prefixes it accepts.

    Default: non-operating (``A``) small and mini passenger cars (``K3``, ``K4``), never a
    key vehicle. ``local_area_prefixes`` are the ID-number area codes of residents
    (``3207``: Lianyungang).
    """

    use_natures: frozenset[str] = frozenset({UseNature.NON_OPERATING.value})
    vehicle_type_prefixes: tuple[str, ...] = ("K3", "K4")
    local_area_prefixes: tuple[str, ...] = ("3207",)


def station_refusal(
    use_nature: object,
    vehicle_type: object,
    scope: StationScope,
    key_rules: KeyVehicleRules | None = None,
) -> tuple[str, str, str, Routing] | None:
    """Why the station cannot take this vehicle, or ``None``: (reason, en, zh, routing)."""
    key = classify_key_vehicle(use_nature, vehicle_type, rules=key_rules)
    use = (enum_text(use_nature) or "").strip().upper()
    kind = (enum_text(vehicle_type) or "").strip().upper()
    if key is not None:
        return (
            "key_vehicle",
            f"A key vehicle ({key.value.replace('_', ' ')}) cannot be registered at a "
            "registration service station.",
            f"重点车辆（{key.label_zh}）不能在登记服务站办理注册登记。",
            routing(
                RoutingKind.ONSITE_INSPECTION
                if key in _FLEET_CLASSES
                else RoutingKind.VEHICLE_OFFICE
            ),
        )
    if use not in scope.use_natures:
        return (
            "use_nature",
            "This station registers only non-operating vehicles; operating vehicles are "
            "registered at the vehicle office or through an on-site inspection.",
            "登记服务站仅办理非营运车辆的注册登记，营运车辆请到车管所办理或申请上门查验。",
            routing(RoutingKind.ONSITE_INSPECTION),
        )
    if not kind.startswith(scope.vehicle_type_prefixes):
        return (
            "vehicle_type",
            "This station registers only small and mini passenger cars.",
            "登记服务站仅办理小型、微型载客汽车的注册登记。",
            routing(RoutingKind.VEHICLE_OFFICE),
        )
    return None


_FLEET_CLASSES = frozenset(
    {
        KeyVehicleClass.PUBLIC_TRANSPORT,
        KeyVehicleClass.PASSENGER_TRANSPORT,
        KeyVehicleClass.LARGE_OR_MEDIUM_BUS,
    }
)


@dataclass(frozen=True, slots=True)
class SafetyTestRules:
    """Who is exempt from the pre-registration safety test [M]: ``use_natures`` with a type
    prefix in ``vehicle_type_prefixes`` but not in ``excluded_types``, registered within
    ``within_years`` of manufacture."""

    use_natures: frozenset[str] = frozenset({UseNature.NON_OPERATING.value})
    vehicle_type_prefixes: tuple[str, ...] = ("K3", "K4")
    excluded_types: frozenset[str] = frozenset({"K38", "K39", "K49"})
    within_years: int = 2


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def safety_test(
    use_nature: object,
    vehicle_type: object,
    manufacture_date: date | None,
    on: date,
    rules: SafetyTestRules | None = None,
) -> str:
    """``exempt`` or ``required``: whether the pre-registration safety test applies."""
    config = rules or SafetyTestRules()
    use = (enum_text(use_nature) or "").strip().upper()
    kind = (enum_text(vehicle_type) or "").strip().upper()
    if (
        use in config.use_natures
        and kind.startswith(config.vehicle_type_prefixes)
        and kind not in config.excluded_types
        and manufacture_date is not None
        and on <= _years_later(manufacture_date, config.within_years)
    ):
        return "exempt"
    return "required"
