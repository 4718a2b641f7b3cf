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

from ._dates import UNREADABLE, Unreadable, read_date
from ._input import _EMPTY, direct_kinds, enum_text, field_of, fields_of, violation
from ._violation import Violation
from .bike_vs_certificate import battery_mismatches, code_mismatches
from .ccc import check_ccc
from .config import DEFAULT_CONFIG, RuleConfig
from .ebike_standards import EbikeRuleSet
from .limits import MEASURED_ATTRIBUTES, limit_violations, measured_mismatches
from .spellings import UNRECOGNISED_CHEMISTRY, battery_chemistry, standard_key

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
    made = read_date(field_of(certificate, "manufacture_date"))
    day = read_date(sale_date)
    return _select(
        declared,
        made if isinstance(made, date) else None,
        day if isinstance(day, date) else None,
        certificate is not None,
        config,
    )


def _ruleset_named(declared: str, config: RuleConfig) -> EbikeRuleSet | None:
    """The rule set of a standard however spelled (``GB 17761-2024``, ``gb17761-2024``)."""
    ruleset = config.standards.get(declared)
    if ruleset is not None or len(declared) > 64:  # pragma: no mutate (size guard)
        return ruleset
    wanted = standard_key(declared)
    for name, candidate in config.standards.items():
        if standard_key(name) == wanted:
            return candidate
    return None


def _select(
    declared: str | None,
    made: date | None,
    sale_date: date | None,
    certified: bool,
    config: RuleConfig,
) -> tuple[EbikeRuleSet, list[Violation]]:
    ruleset = _ruleset_named(declared, config) if declared else None
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
        fields_of(vehicle, VEHICLE_FIELDS), certificate, read_date(sale_date), config
    )


def sale_violations(
    bike: Mapping[str, object],
    certificate: object,
    day: date | Unreadable | None,
    config: RuleConfig,
) -> list[Violation]:
    """:func:`check_ebike_sale` on vehicle fields already read (see :data:`VEHICLE_FIELDS`).

    ``day`` is the sale date as :func:`~._dates.read_date` read it.
    """
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
        found += code_mismatches(bike, cert)
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
_JUDGED_LIMIT = 4096  # pragma: no mutate (cache size)
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
    sale_day: date | Unreadable | None,
    config: RuleConfig,
) -> _Judged:
    """The memoised judgement of the model, the dates and the bike's battery."""
    day = sale_day if isinstance(sale_day, date) else None
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
        sale_day,
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
    made_read = read_date(cert.get("manufacture_date"))
    made = made_read if isinstance(made_read, date) else None
    certified_chemistry = battery_chemistry(model.get("battery_chemistry"))
    bike_chemistry = battery_chemistry(bike.get("battery_chemistry"))
    chemistry = certified_chemistry or bike_chemistry
    ruleset, head = _certified_violations(
        model, has_model, not no_certificate, made, day, chemistry, config
    )
    head[:0] = _unreadable_inputs(sale_day, made_read, certified_chemistry, bike_chemistry)
    tail = [] if no_certificate else battery_mismatches(bike, model)
    tail += limit_violations(ruleset, bike, "vehicle", chemistry, _VEHICLE_LIMITED)
    judged = _Judged(config, ruleset, chemistry, tuple(head), tuple(tail))
    if key is not None:
        if len(_JUDGED) >= _JUDGED_LIMIT:  # pragma: no mutate (cache size)
            _JUDGED.clear()
        _JUDGED[key] = judged
    return judged


def _unreadable_inputs(
    sale_day: date | Unreadable | None,
    made: date | Unreadable | None,
    certified_chemistry: str | None,
    bike_chemistry: str | None,
) -> list[Violation]:
    """A missing or unreadable sale date, an unreadable manufacture date or battery chemistry.

    Each is refused naming its field: a date written some unknown way is never "no
    date", a chemistry written some unknown way is never judged as another one.
    """
    found: list[Violation] = []
    if sale_day is None:
        found.append(
            violation(
                "invoice_date.required",
                "sale.invoice_date",
                "The sale (invoice) date is required.",
                "请填写销售（发票）日期。",
            )
        )
    elif sale_day is UNREADABLE:
        found.append(
            _unreadable_date("invoice_date", "sale.invoice_date", "sale (invoice)", "销售（发票）")
        )
    if made is UNREADABLE:
        found.append(
            _unreadable_date(
                "manufacture_date", "certificate.manufacture_date", "manufacture", "制造"
            )
        )
    for chemistry, path in (
        (certified_chemistry, "certificate.model.battery_chemistry"),
        (bike_chemistry, "vehicle.battery_chemistry"),
    ):
        if chemistry == UNRECOGNISED_CHEMISTRY:
            found.append(
                violation(
                    "battery_chemistry.unknown",
                    path,
                    "The battery type is not one the rules know: use lithium (锂离子), "
                    "lead_acid (铅酸) or other.",
                    "蓄电池类型无法识别，请填写锂离子（lithium）、铅酸（lead_acid）或其他（other）。",
                    allowed=("lithium", "lead_acid", "other"),
                )
            )
    return found


def _unreadable_date(code: str, path: str, thing: str, thing_zh: str) -> Violation:
    return violation(
        f"{code}.format",
        path,
        f"The {thing} date cannot be read; write it as YYYY-MM-DD (2025-09-15).",
        f"{thing_zh}日期无法识别，请按 YYYY-MM-DD 填写（如 2025-09-15）。",
        allowed="YYYY-MM-DD",
    )


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
