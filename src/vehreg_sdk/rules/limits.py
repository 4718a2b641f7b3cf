"""An e-bike's values against the legal limits, and measured values against the certificate.

The limits themselves are data (:mod:`.ebike_standards`); this module applies
them to a mapping of values (a catalogue model, the bike's battery, or what
was measured at the till) and builds the bilingual violations.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._input import as_number, violation
from ._violation import Violation
from .config import RuleConfig
from .ebike_standards import EbikeRuleSet, Limit

__all__ = ["MEASURED_ATTRIBUTES", "limit_violations", "measured_mismatches"]

#: What can be measured at the till and compared with the certificate.
MEASURED_ATTRIBUTES = (
    "max_speed_kmh",
    "mass_kg",
    "length_mm",
    "width_mm",
    "height_mm",
    "wheel_centre_distance_mm",
    "saddle_height_mm",
    "saddle_length_mm",
)

# (ruleset identity, chemistry, attributes) -> (ruleset, [(attribute, is_max, bound, limit)]); the
# ruleset is kept in the value so its id cannot be reused while the entry lives.
_Bounds = list[tuple[str, bool, float, Limit]]
_BOUNDS: dict[tuple[int, str | None, frozenset[str] | None], tuple[EbikeRuleSet, _Bounds]] = {}


def _bounds(
    ruleset: EbikeRuleSet, chemistry: str | None, attributes: frozenset[str] | None
) -> _Bounds:
    """The limits of ``ruleset`` on ``attributes`` (all if ``None``), flattened for the hot loop."""
    key = (id(ruleset), chemistry, attributes)
    entry = _BOUNDS.get(key)
    if entry is None or entry[0] is not ruleset:  # pragma: no mutate (cache)
        # Rule sets made per call (tests, overrides) must not make it grow.
        if len(_BOUNDS) > 256:  # pragma: no mutate (cache size)
            _BOUNDS.clear()
        flat = [
            (limit.attribute, limit.kind == "max", ruleset.bound_for(limit, chemistry), limit)
            for limit in ruleset.limits
            if attributes is None or limit.attribute in attributes
        ]
        entry = _BOUNDS[key] = (ruleset, flat)
    return entry[1]


def limit_violations(
    ruleset: EbikeRuleSet,
    values: Mapping[str, object],
    path: str,
    chemistry: str | None,
    attributes: frozenset[str] | None,
) -> list[Violation]:
    """``values`` against the limits; ``attributes`` restricts which the source can carry."""
    found: list[Violation] = []
    for attribute, is_max, bound, limit in _bounds(ruleset, chemistry, attributes):
        value = as_number(values.get(attribute))
        if value is not None and (value > bound if is_max else value < bound):
            found.append(_limit_violation(ruleset, limit, bound, value, f"{path}.{attribute}"))
    readable = attributes is None or "pedals" in attributes
    if ruleset.pedals_required and readable and values.get("pedals") is False:
        found.append(
            violation(
                "ebike.pedals_required",
                f"{path}.pedals",
                f"{ruleset.standard} requires working pedals.",
                f"{ruleset.standard} 要求具有脚踏骑行功能。",
                value=False,
                allowed=True,
            )
        )
    if ruleset.beidou_required and attributes is None and values.get("beidou") is False:
        found.append(
            violation(
                "ebike.beidou_required",
                f"{path}.beidou",
                f"{ruleset.standard} requires a Beidou positioning module.",
                f"{ruleset.standard} 要求配备北斗定位模块。",
                value=False,
                allowed=True,
            )
        )
    return found


def _limit_violation(
    ruleset: EbikeRuleSet, limit: Limit, bound: float, value: float, path: str
) -> Violation:
    shown = f"{value:g} {limit.unit}"
    allowed = f"{'<=' if limit.kind == 'max' else '>='} {bound:g} {limit.unit}"
    if limit.kind == "max":
        en = f"The {limit.label_en} is {shown}; {ruleset.standard} allows at most {bound:g}."
        zh = f"{limit.label_zh}为 {shown}，{ruleset.standard} 规定不得超过 {bound:g}。"
    else:
        en = f"The {limit.label_en} is {shown}; {ruleset.standard} requires at least {bound:g}."
        zh = f"{limit.label_zh}为 {shown}，{ruleset.standard} 规定不得低于 {bound:g}。"
    return violation(
        limit.code, path, en, zh, severity=limit.severity, value=value, allowed=allowed
    )


def measured_mismatches(
    measured: Mapping[str, object], model: Mapping[str, object], config: RuleConfig
) -> list[Violation]:
    """Warnings where a measured value differs from the certificate by more than the tolerance."""
    found: list[Violation] = []
    for attribute in MEASURED_ATTRIBUTES:
        tolerance = config.measured_tolerance.get(attribute)
        actual = as_number(measured.get(attribute))
        certified = as_number(model.get(attribute))
        if tolerance is None or actual is None or certified is None:
            continue
        if abs(actual - certified) > tolerance:
            found.append(
                violation(
                    "ebike.measured_mismatch",
                    f"vehicle.measured.{attribute}",
                    f"The measured {attribute.rsplit('_', 1)[0].replace('_', ' ')} ({actual:g}) "
                    f"differs from the certificate ({certified:g}) by more than {tolerance:g}.",
                    f"实测值 {actual:g} 与合格证 {certified:g} 相差超过 {tolerance:g}，请复核。",
                    severity="warning",
                    value=actual,
                    allowed=f"{certified:g} ± {tolerance:g}",
                )
            )
    pedals, certified_pedals = measured.get("pedals"), model.get("pedals")
    if (
        isinstance(pedals, bool)
        and isinstance(certified_pedals, bool)
        and pedals != certified_pedals
    ):
        found.append(
            violation(
                "ebike.measured_mismatch",
                "vehicle.measured.pedals",
                "Whether the bike has pedals differs from the certificate.",
                "脚踏骑行功能与合格证不一致。",
                severity="warning",
                value=pedals,
                allowed=certified_pedals,
            )
        )
    return found
