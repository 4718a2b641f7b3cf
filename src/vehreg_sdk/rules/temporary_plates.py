"""Temporary plates (临时行驶车号牌): validity, issue count, the insurance, voiding.

Facts from docs/domain.md §3.3 [S] (《机动车登记规定》, 公安部令第164号, in
force 2022-05-01, art. 46–50): for an unsold or bought-but-unregistered
vehicle a temporary plate is valid at most 30 days and issued at most 3
times; for an export sale once; research tests 6 calendar months; oversize special
vehicles 90 days; a plate delayed by production 15 days. Never past the end
of the 交强险. The plate becomes void 3 days after the owner receives the metal plates.
The 2008 rule's 15/30-day figures are outdated and not used.

**How days are counted** (one way everywhere: these rules, the sandbox bureau and the
token's ``nbf``/``exp``): ``valid_to`` is inclusive, and a limit of N days or M months
is counted as periods are in the Civil Code (民法典 art. 201–203 [M]): the first day is
not counted, so a 30-day plate from 2026-12-01 may run to 2026-12-31 inclusive, and 6
months from 2026-03-01 to 2026-09-01 (the corresponding day; the month's last day when
there is none). The void rule counts the same way: plates handed over on 2026-12-10
leave the temporary plate valid to 2026-12-13 inclusive. No text settles the counting
for temporary plates [U]: :attr:`TemporaryPlateRules.first_day_counts` switches every
limit at once to counting the first day. The token is valid from 00:00 Asia/Shanghai of
``valid_from`` (``nbf``) until 00:00 of the day after the last valid day (``exp``,
exclusive): :func:`validity_window`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from ._dates import SHANGHAI
from ._input import as_date, violation
from ._violation import Violation
from .code_tables import PlateKind
from .plates import validate_plate

__all__ = [
    "DEFAULT_TEMPORARY_PLATE_RULES",
    "TEMPORARY_PLATE_LIMITS",
    "TemporaryPlateLimit",
    "TemporaryPlateRules",
    "TemporaryPlateSituation",
    "add_months",
    "last_valid_day",
    "latest_valid_to",
    "validate_temporary_plate",
    "validity_window",
]


class TemporaryPlateSituation(StrEnum):
    """Why a temporary plate is issued (art. 46 and the plate-production case)."""

    UNSOLD = "unsold"
    PURCHASED = "purchased"
    EXPORT = "export"
    RESEARCH_TEST = "research_test"
    OVERSIZE = "oversize"
    PLATE_PRODUCTION = "plate_production"

    @property
    def label_zh(self) -> str:
        """The Chinese name of the situation."""
        return _SITUATION_ZH[self]

    @property
    def label_en(self) -> str:
        """The English name of the situation."""
        return _SITUATION_EN[self]


_SITUATION_ZH = {
    TemporaryPlateSituation.UNSOLD: "未销售",
    TemporaryPlateSituation.PURCHASED: "购买后尚未注册登记",
    TemporaryPlateSituation.EXPORT: "新车出口销售",
    TemporaryPlateSituation.RESEARCH_TEST: "科研、定型试验",
    TemporaryPlateSituation.OVERSIZE: "特型机动车",
    TemporaryPlateSituation.PLATE_PRODUCTION: "号牌制作",
}
_SITUATION_EN = {
    TemporaryPlateSituation.UNSOLD: "unsold vehicle",
    TemporaryPlateSituation.PURCHASED: "bought, not yet registered",
    TemporaryPlateSituation.EXPORT: "new car sold for export",
    TemporaryPlateSituation.RESEARCH_TEST: "research or type testing",
    TemporaryPlateSituation.OVERSIZE: "oversize special vehicle",
    TemporaryPlateSituation.PLATE_PRODUCTION: "plate not made in time",
}


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months later; the month's last day if it has none."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class TemporaryPlateLimit:
    """How long one temporary plate may run and how many a vehicle may get (``None``: no limit).

    The validity is ``max_days`` days, or, when ``max_months`` is set, that many
    *calendar* months: ``valid_to`` may be the same day of the month ``max_months``
    later (2026-03-01 + 6 months = 2026-09-01, inclusive); from a day the target
    month lacks, its last day (2026-08-31 + 6 months = 2027-02-28). Counted with the
    first day not counted unless ``first_day_counts`` (see the module).
    """

    max_days: int | None
    max_issues: int | None
    max_months: int | None = None

    def __post_init__(self) -> None:
        if (self.max_days is None) == (self.max_months is None):
            raise ValueError("a temporary-plate limit is in days or in months, exactly one")

    def latest_end(self, start: date, *, first_day_counts: bool = False) -> date:
        """The last ``valid_to`` this limit allows for a plate starting ``start``."""
        if self.max_months is not None:
            end = add_months(start, self.max_months)
        else:
            end = start + timedelta(days=self.max_days or 0)  # pragma: no mutate (never None)
        return end - timedelta(days=1) if first_day_counts else end

    @property
    def label_en(self) -> str:
        return f"{self.max_months} months" if self.max_months else f"{self.max_days} days"

    @property
    def label_zh(self) -> str:
        return f"{self.max_months}个月" if self.max_months else f"{self.max_days}天"


#: Per situation; to follow another reading of art. 49 pass
#: ``TemporaryPlateRules(limits={**TEMPORARY_PLATE_LIMITS, situation: limit})``.
TEMPORARY_PLATE_LIMITS: Mapping[TemporaryPlateSituation, TemporaryPlateLimit] = MappingProxyType(
    {
        TemporaryPlateSituation.UNSOLD: TemporaryPlateLimit(30, 3),
        TemporaryPlateSituation.PURCHASED: TemporaryPlateLimit(30, 3),
        TemporaryPlateSituation.EXPORT: TemporaryPlateLimit(30, 1),
        TemporaryPlateSituation.RESEARCH_TEST: TemporaryPlateLimit(None, None, max_months=6),
        TemporaryPlateSituation.OVERSIZE: TemporaryPlateLimit(90, None),
        TemporaryPlateSituation.PLATE_PRODUCTION: TemporaryPlateLimit(15, None),
    }
)

#: Situations whose issues count together against one limit (art. 49 counts a vehicle's
#: plates "before registration": unsold and bought-not-registered share the three).
DEFAULT_COUNT_GROUPS: tuple[frozenset[TemporaryPlateSituation], ...] = (
    frozenset({TemporaryPlateSituation.UNSOLD, TemporaryPlateSituation.PURCHASED}),
)


@dataclass(frozen=True, slots=True)
class TemporaryPlateRules:
    """The temporary-plate knobs; every default follows docs/domain.md §3.3.

    ``number_pattern``: the regex of a temporary plate number; ``None`` uses the loose
    GA 36 reading of :func:`~vehreg_sdk.rules.plate_pattern` (the format is unverified
    [U]). ``first_day_counts``: count the first day in every limit (see the module).
    ``void_after_plates_days``: the plate is void this many days after the metal plates are
    handed over. ``issue_within_days``: the bureau issues within this many days of
    acceptance (art. 48). ``count_groups``: situations counted together against
    ``max_issues``; any other situation counts alone.
    """

    limits: Mapping[TemporaryPlateSituation, TemporaryPlateLimit] = field(
        default_factory=lambda: TEMPORARY_PLATE_LIMITS
    )
    number_pattern: str | None = None
    first_day_counts: bool = False
    void_after_plates_days: int = 3
    issue_within_days: int = 1
    count_groups: tuple[frozenset[TemporaryPlateSituation], ...] = field(
        default=DEFAULT_COUNT_GROUPS
    )

    def counted_with(self, situation: TemporaryPlateSituation) -> frozenset[str]:
        """The situations whose earlier issues count against ``situation``'s limit."""
        for group in self.count_groups:
            if situation in group:
                return frozenset(member.value for member in group)
        return frozenset({situation.value})

    def latest_end(self, situation: TemporaryPlateSituation, start: date) -> date:
        return self.limits[situation].latest_end(start, first_day_counts=self.first_day_counts)

    def void_from_plates(self, handed_over_on: date) -> date:
        """The last day a temporary plate is valid once the metal plates were handed over."""
        days = self.void_after_plates_days - (1 if self.first_day_counts else 0)
        return handed_over_on + timedelta(days=days)


DEFAULT_TEMPORARY_PLATE_RULES = TemporaryPlateRules()


def _situation(value: object) -> TemporaryPlateSituation | Violation:
    try:
        return TemporaryPlateSituation(value)  # type: ignore[arg-type]
    except ValueError:
        return violation(
            "temporary_plate.situation",
            "situation",
            "Unknown reason for a temporary plate.",
            "临时号牌申领事由无效。",
            value=str(value)[:32],
            allowed=[member.value for member in TemporaryPlateSituation],
        )


def _number(plate_number: object, pattern: str | None) -> list[Violation]:
    if pattern is None or not isinstance(plate_number, str):
        return validate_plate(plate_number, PlateKind.TEMPORARY)
    if re.fullmatch(pattern, plate_number.strip().upper()):
        return []
    return [
        violation(
            "plate_number.format",
            "plate_number",
            "This is not a temporary plate number of the configured format.",
            "临时号牌号码不符合规定格式。",
            allowed=pattern,
        )
    ]


def validate_temporary_plate(
    plate_number: object = None,
    *,
    valid_from: object,
    valid_to: object,
    insurance_end: object,
    previous_issues: int = 0,
    situation: TemporaryPlateSituation | str = TemporaryPlateSituation.PURCHASED,
    limits: Mapping[TemporaryPlateSituation, TemporaryPlateLimit] | None = None,
    rules: TemporaryPlateRules | None = None,
    on: object = None,
) -> list[Violation]:
    """A temporary plate application: its dates, the issue count and (if given) its number.

    ``valid_to`` (inclusive) may be at most the situation's limit after ``valid_from``
    (30 days for a dealer sale, counted as the module says); it may not be after
    ``insurance_end`` (交强险 end); ``previous_issues`` counts the temporary plates this
    vehicle already had in the situations counted together (``rules.counted_with``).
    With ``on`` (the business date of the request), ``valid_from`` may not be before it.
    ``limits`` overrides ``rules.limits``. Codes: ``temporary_plate.situation``,
    ``temporary_plate.dates``, ``temporary_plate.starts_in_past``,
    ``temporary_plate.validity_too_long``, ``temporary_plate.insurance_required``,
    ``temporary_plate.beyond_insurance``, ``temporary_plate.too_many_issues`` and
    ``plate_number.format``. Never raises.
    """
    config = rules or DEFAULT_TEMPORARY_PLATE_RULES
    kind = _situation(situation)
    if isinstance(kind, Violation):
        return [kind]
    limit = (limits or config.limits)[kind]
    found: list[Violation] = []
    if plate_number is not None:
        found += _number(plate_number, config.number_pattern)
    start, end, insured_until = as_date(valid_from), as_date(valid_to), as_date(insurance_end)
    today = as_date(on) if on is not None else None
    if start is None or end is None or end < start:
        found.append(
            violation(
                "temporary_plate.dates",
                "valid_to",
                "The validity needs a start date and an end date on or after it.",
                "临时号牌有效期应有起止日期，且截止日期不早于起始日期。",
            )
        )
    else:
        if today is not None and start < today:
            found.append(
                violation(
                    "temporary_plate.starts_in_past",
                    "valid_from",
                    "A temporary plate cannot start before the day it is requested.",
                    "临时号牌有效期起始日期不得早于申请当日。",
                    value=start.isoformat(),
                    allowed=f">= {today.isoformat()}",
                )
            )
        latest = limit.latest_end(start, first_day_counts=config.first_day_counts)
        if end > latest:
            found.append(
                violation(
                    "temporary_plate.validity_too_long",
                    "valid_to",
                    f"A temporary plate for this purpose ({kind.label_en}) is valid at most "
                    f"{limit.label_en}: until {latest.isoformat()} at the latest.",
                    f"该事由（{kind.label_zh}）的临时号牌有效期最长{limit.label_zh}，"
                    f"最迟至{latest.isoformat()}。",
                    value=end.isoformat(),
                    allowed=f"<= {latest.isoformat()}",
                )
            )
    if insured_until is None:
        found.append(
            violation(
                "temporary_plate.insurance_required",
                "insurance_end",
                "A temporary plate needs the end date of the compulsory insurance (交强险).",
                "申领临时号牌需提供交强险有效期截止日期。",
            )
        )
    elif end is not None and end > insured_until:
        found.append(
            violation(
                "temporary_plate.beyond_insurance",
                "valid_to",
                "The temporary plate may not run past the end of the compulsory insurance.",
                "临时号牌有效期不得超过交强险有效期。",
                value=end.isoformat(),
                allowed=f"<= {insured_until.isoformat()}",
            )
        )
    issues = previous_issues if isinstance(previous_issues, int) else 0
    if limit.max_issues is not None and issues >= limit.max_issues:
        found.append(
            violation(
                "temporary_plate.too_many_issues",
                "previous_issues",
                f"This vehicle has had {issues} temporary plates ({kind.label_en}); at most "
                f"{limit.max_issues} are allowed.",
                f"该车已申领{issues}次临时号牌（{kind.label_zh}），最多允许{limit.max_issues}次。",
                value=issues,
                allowed=limit.max_issues,
            )
        )
    return found


def latest_valid_to(
    valid_from: date,
    insurance_end: date,
    situation: TemporaryPlateSituation = TemporaryPlateSituation.PURCHASED,
    rules: TemporaryPlateRules | None = None,
) -> date:
    """The last allowed ``valid_to`` for a plate starting ``valid_from``: the earlier bound wins."""
    config = rules or DEFAULT_TEMPORARY_PLATE_RULES
    return min(config.latest_end(TemporaryPlateSituation(situation), valid_from), insurance_end)


def last_valid_day(
    valid_to: date,
    plates_handed_over_on: date | None,
    rules: TemporaryPlateRules | None = None,
) -> date:
    """The plate's real last day: ``valid_to``, or earlier once the metal plates were handed
    over (void ``void_after_plates_days`` after, counted as every limit is)."""
    if plates_handed_over_on is None:
        return valid_to
    config = rules or DEFAULT_TEMPORARY_PLATE_RULES
    return min(valid_to, config.void_from_plates(plates_handed_over_on))


def validity_window(valid_from: date, last_day: date) -> tuple[int, int]:
    """``(nbf, exp)`` in seconds since 1970 for a plate valid ``valid_from``..``last_day``
    inclusive: 00:00 Asia/Shanghai of the first day, and 00:00 of the day after the last
    (``exp`` is exclusive, as in the token)."""
    start = datetime(valid_from.year, valid_from.month, valid_from.day, tzinfo=SHANGHAI)
    after = last_day + timedelta(days=1)
    end = datetime(after.year, after.month, after.day, tzinfo=SHANGHAI)
    return int(start.timestamp()), int(end.timestamp())
