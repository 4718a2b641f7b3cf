"""Is this e-bike sellable and registrable on this date? ``check_ebike_sale``.

It compares three things: the standard's limits (:mod:`.ebike_standards`),
the certificate of conformity (合格证) with its catalogue model and CCC
record, and the bike at the till (codes, battery, optional measured values).
Field paths are absolute: ``vehicle.…``, ``vehicle.measured.…``,
``certificate.…``, ``certificate.model.…`` and ``sale.…``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from operator import itemgetter
from typing import NamedTuple

from ._input import (
    _EMPTY,
    as_date,
    as_number,
    direct_kinds,
    enum_text,
    field_of,
    fields_of,
    violation,
)
from ._text import normalize_code
from ._violation import Violation
from .ccc import check_ccc
from .config import DEFAULT_CONFIG, RuleConfig
from .ebike_standards import EbikeRuleSet
from .limits import MEASURED_ATTRIBUTES, limit_violations, measured_mismatches

__all__ = ["VEHICLE_FIELDS", "check_ebike_sale", "sale_violations", "select_standard"]

_LIMITED_ATTRIBUTES = (
    *MEASURED_ATTRIBUTES,
    "battery_voltage_v",
    "motor_power_w",
    "plastics_share_pct",
    "pedals",
    "beidou",
)
_CERTIFICATE_FIELDS = ("vehicle_code", "motor_code", "product_model", "manufacture_date", "model")
_MODEL_FIELDS = ("ccc", "standard", "battery_chemistry", *_LIMITED_ATTRIBUTES)
#: The fields of the bike at the till the rules read. Of these only the battery has a
#: legal limit; the bike's other values are certified (the model) or measured.
VEHICLE_FIELDS = (
    "vehicle_code",
    "motor_code",
    "product_model",
    "battery_chemistry",
    "battery_voltage_v",
    "measured",
)
_VEHICLE_LIMITED = frozenset({"battery_voltage_v"})
_MEASURED_LIMITED = frozenset({*MEASURED_ATTRIBUTES, "pedals"})


def select_standard(
    certificate: object, sale_date: date | None = None, *, config: RuleConfig = DEFAULT_CONFIG
) -> tuple[EbikeRuleSet, list[Violation]]:
    """The rule set a bike is judged by, and any violation in how it was chosen.

    The certified standard (``certificate.model.standard``) decides. If it is
    missing or unknown (``ebike.standard_unknown``), the standard in force on
    the manufacture date (or the sale date) is assumed so the limits are
    still checked. A bike built after its standard's last manufacture date
    (2018 standard, built from 2025-09-01) gives ``ebike.standard_superseded``.
    """
    declared = enum_text(field_of(field_of(certificate, "model"), "standard"))
    made = as_date(field_of(certificate, "manufacture_date"))
    return _select(declared, made, sale_date, certificate is not None, config)


def _select(
    declared: str | None,
    made: date | None,
    sale_date: date | None,
    certified: bool,
    config: RuleConfig,
) -> tuple[EbikeRuleSet, list[Violation]]:
    ruleset = config.standards.get(declared) if declared else None
    if ruleset is None:
        assumed = _in_force_on(made or sale_date, config)
        if not certified:
            return assumed, []
        return assumed, [
            violation(
                "ebike.standard_unknown",
                "certificate.model.standard",
                "The certificate names no known e-bike standard; ask the maker.",
                "合格证未注明有效的电动自行车国家标准，请向生产企业核实。",
                value=declared,
                allowed=tuple(sorted(config.standards)),
            )
        ]
    if made and ruleset.last_manufacture and made > ruleset.last_manufacture:
        return ruleset, [
            violation(
                "ebike.standard_superseded",
                "certificate.manufacture_date",
                f"This bike was built on {made.isoformat()} to {ruleset.standard}, which no "
                f"longer applied after {ruleset.last_manufacture.isoformat()}.",
                f"该车于 {made.isoformat()} 按 {ruleset.standard} 生产，"
                f"该标准 {ruleset.last_manufacture.isoformat()} 后已停止适用。",
                value=made.isoformat(),
                allowed=f"<= {ruleset.last_manufacture.isoformat()}",
            )
        ]
    return ruleset, []


def _in_force_on(day: date | None, config: RuleConfig) -> EbikeRuleSet:
    candidates = sorted(
        config.standards.values(), key=lambda rs: rs.in_force_from or date.min, reverse=True
    )
    for ruleset in candidates:
        if day is None or ruleset.in_force_from is None or ruleset.in_force_from <= day:
            return ruleset
    return candidates[-1]


def check_ebike_sale(
    vehicle: object,
    certificate: object,
    sale_date: object,
    *,
    config: RuleConfig = DEFAULT_CONFIG,
) -> list[Violation]:
    """Every reason this bike may not be sold and registered on ``sale_date`` (all at once).

    ``certificate`` may be ``None`` (no look-up yet): the bike's own values
    are then judged by the standard in force on the sale date.
    """
    return sale_violations(
        fields_of(vehicle, VEHICLE_FIELDS), certificate, as_date(sale_date), config
    )


def sale_violations(
    bike: Mapping[str, object], certificate: object, day: date | None, config: RuleConfig
) -> list[Violation]:
    """:func:`check_ebike_sale` on vehicle fields already read (see :data:`VEHICLE_FIELDS`)."""
    # fields_of, without its call for the models it reads as their instance dict
    cert = (
        certificate.__dict__
        if type(certificate) in _CERTIFICATE_KINDS
        else fields_of(certificate, _CERTIFICATE_FIELDS)
    )
    model_source = cert.get("model")
    model = (
        model_source.__dict__
        if type(model_source) in _MODEL_KINDS
        else fields_of(model_source, _MODEL_FIELDS)
    )
    judged = _judged(bike, cert, model, model_source is not None, certificate is None, day, config)
    found = list(judged.head)
    if certificate is not None:
        found += _code_mismatches(bike, cert)
    found += judged.tail
    measured_source = bike.get("measured")
    if measured_source is not None:
        ruleset, chemistry = judged.ruleset, judged.chemistry
        measured = fields_of(measured_source, _LIMITED_ATTRIBUTES)
        found += limit_violations(
            ruleset, measured, "vehicle.measured", chemistry, _MEASURED_LIMITED
        )
        if model_source is not None:
            found += measured_mismatches(measured, model, config)
    return found


class _Judged(NamedTuple):
    """What :func:`sale_violations` finds apart from the bike's codes and measured values.

    ``head`` (a missing sale date, the standard, the sale dates, the CCC record, the
    model's limits) comes before the code mismatches, ``tail`` (battery chemistry and
    voltage against the certificate, the battery voltage against the limits) after them.
    """

    config: RuleConfig
    ruleset: EbikeRuleSet
    chemistry: str | None
    head: tuple[Violation, ...]
    tail: tuple[Violation, ...]


# Judging a catalogue model and a battery is the same for every bike of the model sold
# the same day, and a shop sells few models, so the judgement is memoised on the
# *values* read (never on the objects, which may change) together with the dates and
# the configuration. Bounded: cleared when full.
_JUDGED: dict[tuple[object, ...], _Judged] = {}
_JUDGED_LIMIT = 4096
_CCC_FIELDS = ("number", "state", "expiry")
_MODEL_KEY_FIELDS = _MODEL_FIELDS[1:]
# One C call reads several values of a dict that has them all (a model's __dict__).
_MODEL_VALUES = itemgetter(*_MODEL_KEY_FIELDS)
_CCC_VALUES = itemgetter(*_CCC_FIELDS)
_CERTIFICATE_KINDS = direct_kinds(_CERTIFICATE_FIELDS)
_MODEL_KINDS = direct_kinds(_MODEL_FIELDS)
_CCC_KINDS = direct_kinds(_CCC_FIELDS)


def _values(
    getter: itemgetter[tuple[object, ...]], fields: Mapping[str, object], names: tuple[str, ...]
) -> tuple[object, ...]:
    """The values of ``names`` in ``fields`` (``None`` if absent), as a tuple."""
    if type(fields) is dict:  # not a subclass: a defaultdict would grow on a missing key
        try:
            return getter(fields)  # type: ignore[no-any-return]
        except KeyError:
            pass
    elif fields is _EMPTY:  # no object at all (no certificate, no CCC record)
        return (None,) * len(names)
    return tuple(map(fields.get, names))


def _judged(
    bike: Mapping[str, object],
    cert: Mapping[str, object],
    model: Mapping[str, object],
    has_model: bool,
    no_certificate: bool,
    day: date | None,
    config: RuleConfig,
) -> _Judged:
    """The memoised judgement of the model, the dates and the bike's battery."""
    ccc = model.get("ccc")
    ccc_fields = ccc.__dict__ if type(ccc) in _CCC_KINDS else fields_of(ccc, _CCC_FIELDS)
    voltage = bike.get("battery_voltage_v")
    values = _values(_MODEL_VALUES, model, _MODEL_KEY_FIELDS)
    key: tuple[object, ...] | None = (
        values,
        # 60 and 60.0 (and 0 and False) are equal keys, but not the same in a violation
        # (``value``) or to the rules (``pedals is False``): the types are part of the key.
        tuple(map(type, values)),
        _values(_CCC_VALUES, ccc_fields, _CCC_FIELDS),
        ccc is None,
        has_model,
        no_certificate,
        cert.get("manufacture_date"),
        day,
        bike.get("battery_chemistry"),
        voltage,
        type(voltage),
        id(config),
    )
    try:
        judged = _JUDGED.get(key)  # type: ignore[arg-type]
    except TypeError:  # an unhashable value in duck-typed input: judge without the memo
        judged, key = None, None
    if judged is not None and judged.config is config:
        return judged
    made = as_date(cert.get("manufacture_date"))
    chemistry = enum_text(model.get("battery_chemistry")) or enum_text(
        bike.get("battery_chemistry")
    )
    ruleset, head = _certified_violations(
        model, has_model, not no_certificate, made, day, chemistry, config
    )
    if day is None:
        head.insert(
            0,
            violation(
                "invoice_date.required",
                "sale.invoice_date",
                "The sale (invoice) date is required.",
                "请填写销售（发票）日期。",
            ),
        )
    tail = [] if no_certificate else _battery_mismatches(bike, model)
    tail += limit_violations(ruleset, bike, "vehicle", chemistry, _VEHICLE_LIMITED)
    judged = _Judged(config, ruleset, chemistry, tuple(head), tuple(tail))
    if key is not None:
        if len(_JUDGED) >= _JUDGED_LIMIT:
            _JUDGED.clear()
        _JUDGED[key] = judged
    return judged


def _certified_violations(
    model: Mapping[str, object],
    has_model: bool,
    has_certificate: bool,
    made: date | None,
    day: date | None,
    chemistry: str | None,
    config: RuleConfig,
) -> tuple[EbikeRuleSet, list[Violation]]:
    """Standard selection, sale dates, CCC and the model's limits: all but the bike itself."""
    ruleset, found = _select(enum_text(model.get("standard")), made, day, has_certificate, config)
    if has_certificate:
        found += _check_dates(ruleset, made, day)
        found += check_ccc(model.get("ccc"), day, made)
    if has_model:
        found += limit_violations(ruleset, model, "certificate.model", chemistry, None)
    return ruleset, found


def _check_dates(ruleset: EbikeRuleSet, made: date | None, day: date | None) -> list[Violation]:
    found: list[Violation] = []
    if day is not None and ruleset.sellable_until is not None and day > ruleset.sellable_until:
        found.append(
            violation(
                "ebike.standard_not_sellable",
                "sale.invoice_date",
                f"Bikes built to {ruleset.standard} may not be sold after "
                f"{ruleset.sellable_until.isoformat()}.",
                f"按 {ruleset.standard} 生产的电动自行车自 {ruleset.sellable_until.isoformat()} "
                "之后不得销售。",
                value=day.isoformat(),
                allowed=f"<= {ruleset.sellable_until.isoformat()}",
            )
        )
    if day is not None and made is not None and day < made:
        found.append(
            violation(
                "sale.before_manufacture",
                "sale.invoice_date",
                "The invoice date is before the bike's manufacture date.",
                "发票日期早于车辆制造日期。",
                value=day.isoformat(),
                allowed=f">= {made.isoformat()}",
            )
        )
    return found


def _same_code(left: object, right: object) -> bool | None:
    """Whether two codes match after normalisation; ``None`` if either is missing."""
    if not isinstance(left, str) or not isinstance(right, str) or not left or not right:
        return None
    if left == right:
        return True
    if len(left) > 256 or len(right) > 256:
        return False
    return normalize_code(left) == normalize_code(right)


_IDENTITY = (
    ("vehicle_code", "vehicle.vehicle_code_mismatch", "vehicle code", "整车编码"),
    ("motor_code", "vehicle.motor_code_mismatch", "motor code", "电机编码"),
    ("product_model", "vehicle.product_model_mismatch", "product model", "产品型号"),
)


def _code_mismatches(bike: Mapping[str, object], cert: Mapping[str, object]) -> list[Violation]:
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


def _battery_mismatches(bike: Mapping[str, object], model: Mapping[str, object]) -> list[Violation]:
    """The bike's battery chemistry and voltage against the certified ones."""
    found: list[Violation] = []
    bike_chemistry = enum_text(bike.get("battery_chemistry"))
    certified_chemistry = enum_text(model.get("battery_chemistry"))
    if bike_chemistry and certified_chemistry and bike_chemistry != certified_chemistry:
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
        and abs(bike_voltage - certified_voltage) > 0.05
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
