"""The e-bike safety standards as data: GB 17761-2018 and GB 17761-2024.

One :class:`EbikeRuleSet` per standard, each a list of :class:`Limit` rows,
so a city can override any figure (``ruleset.with_limit("mass_kg", 60)``)
without touching code. Sources: docs/domain.md §1.1–1.3, all [S]
(consistent secondary pages quoting the standards; the texts themselves were
not at hand). The 2024 standard's dimension limits were not found [U]: the
2018 figures are carried over as *warnings*, so they inform the clerk but
never block a sale on a guess. Confirm them against GB 17761-2024 and raise
their severity with :meth:`EbikeRuleSet.with_limit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from types import MappingProxyType
from typing import Literal

from ._violation import Severity

__all__ = [
    "CCC_MANDATORY_FROM",
    "DEFAULT_STANDARDS",
    "GB17761_2018",
    "GB17761_2024",
    "EbikeRuleSet",
    "Limit",
]

#: E-bike CCC mandatory from this date (公告 2018年第15号) [S].
CCC_MANDATORY_FROM = date(2019, 4, 15)


@dataclass(frozen=True, slots=True)
class Limit:
    """One legal limit on a product attribute (``max_speed_kmh``) and the violation it raises.

    ``kind`` ``"max"`` means the value may be at most ``bound``; ``"min"`` at
    least. ``basis`` is the confidence tag of the fact (see docs/rules.md).
    """

    attribute: str
    kind: Literal["max", "min"]
    bound: float
    code: str
    label_en: str
    label_zh: str
    unit: str
    severity: Severity = "error"
    basis: str = "[S]"


def _max(attribute: str, bound: float, slug: str, en: str, zh: str, unit: str) -> Limit:
    return Limit(attribute, "max", bound, f"ebike.{slug}_exceeded", en, zh, unit)


_LIMITS_2018: tuple[Limit, ...] = (
    _max("max_speed_kmh", 25, "max_speed", "maximum design speed", "最高设计车速", "km/h"),
    _max("mass_kg", 55, "mass", "complete vehicle mass", "整车质量", "kg"),
    _max(
        "battery_voltage_v", 48, "battery_voltage", "battery nominal voltage", "蓄电池标称电压", "V"
    ),
    _max("motor_power_w", 400, "motor_power", "motor rated power", "电动机额定连续输出功率", "W"),
    _max("height_mm", 1100, "height", "vehicle height", "整车高度", "mm"),
    _max("width_mm", 450, "width", "body width", "车体宽度", "mm"),
    _max(
        "wheel_centre_distance_mm",
        1250,
        "wheel_centre_distance",
        "front-to-rear wheel-centre distance",
        "前、后轮中心距",
        "mm",
    ),
    Limit(
        "saddle_height_mm",
        "min",
        635,
        "ebike.saddle_height_too_low",
        "saddle height",
        "鞍座高度",
        "mm",
    ),
    _max("saddle_length_mm", 350, "saddle_length", "saddle length", "鞍座长度", "mm"),
)

_UNCERTAIN_IN_2024 = frozenset(
    {"height_mm", "width_mm", "wheel_centre_distance_mm", "saddle_height_mm", "saddle_length_mm"}
)

_LIMITS_2024: tuple[Limit, ...] = (
    *(
        replace(limit, severity="warning", basis="[U] 2018 figure, 2024 text not at hand")
        if limit.attribute in _UNCERTAIN_IN_2024
        else limit
        for limit in _LIMITS_2018
    ),
    _max(
        "plastics_share_pct", 5.5, "plastics_share", "plastics share of mass", "塑料件质量占比", "%"
    ),
)


@dataclass(frozen=True, slots=True)
class EbikeRuleSet:
    """What one standard allows, and when bikes built to it may be made and sold.

    ``mass_by_chemistry`` replaces the mass bound for a battery chemistry
    (2024: lead-acid 63 kg). ``last_manufacture`` and ``sellable_until``
    close the standard's life (2018: built by 2025-08-31, sold by
    2025-11-30); a city with a longer transition overrides them.
    """

    standard: str
    label_zh: str
    limits: tuple[Limit, ...]
    pedals_required: bool
    beidou_required: bool
    mass_by_chemistry: Mapping[str, float] = field(default_factory=dict)
    published: date | None = None
    in_force_from: date | None = None
    last_manufacture: date | None = None
    sellable_until: date | None = None

    def limit(self, attribute: str) -> Limit | None:
        """The limit on ``attribute``, if this standard has one."""
        for candidate in self.limits:
            if candidate.attribute == attribute:
                return candidate
        return None

    def bound_for(self, limit: Limit, battery_chemistry: str | None) -> float:
        """The bound that applies, given the battery chemistry (only mass depends on it).

        An unrecognised chemistry (``"unrecognised"``, reported as its own error) gets
        the most lenient of the bounds: the bike is not judged as another chemistry.
        """
        if limit.attribute != "mass_kg" or battery_chemistry is None:
            return limit.bound
        if battery_chemistry in self.mass_by_chemistry:
            return self.mass_by_chemistry[battery_chemistry]
        if battery_chemistry == "unrecognised":
            return max(limit.bound, *self.mass_by_chemistry.values())
        return limit.bound

    def with_limit(
        self, attribute: str, bound: float | None = None, *, severity: Severity | None = None
    ) -> EbikeRuleSet:
        """A copy with one limit's bound and/or severity changed (a city override)."""
        changed = tuple(
            replace(
                limit,
                bound=limit.bound if bound is None else bound,
                severity=limit.severity if severity is None else severity,
                basis="local override",
            )
            if limit.attribute == attribute
            else limit
            for limit in self.limits
        )
        if changed == self.limits and self.limit(attribute) is None:
            raise KeyError(f"{self.standard} has no limit on {attribute!r}")
        return replace(self, limits=changed)

    def without_limit(self, attribute: str) -> EbikeRuleSet:
        """A copy that no longer checks ``attribute``."""
        return replace(self, limits=tuple(x for x in self.limits if x.attribute != attribute))


GB17761_2018 = EbikeRuleSet(
    standard="GB17761-2018",
    label_zh="GB 17761-2018《电动自行车安全技术规范》",
    limits=_LIMITS_2018,
    pedals_required=True,
    beidou_required=False,
    published=date(2018, 5, 15),
    in_force_from=date(2019, 4, 15),
    last_manufacture=date(2025, 8, 31),
    sellable_until=date(2025, 11, 30),
)

GB17761_2024 = EbikeRuleSet(
    standard="GB17761-2024",
    label_zh="GB 17761-2024《电动自行车安全技术规范》",
    limits=_LIMITS_2024,
    pedals_required=False,
    beidou_required=True,
    mass_by_chemistry=MappingProxyType({"lead_acid": 63.0}),
    published=date(2024, 12, 31),
    in_force_from=date(2025, 9, 1),
)

#: The standards by their catalogue name (``EbikeModel.standard``).
DEFAULT_STANDARDS: Mapping[str, EbikeRuleSet] = MappingProxyType(
    {GB17761_2018.standard: GB17761_2018, GB17761_2024.standard: GB17761_2024}
)
