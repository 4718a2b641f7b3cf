"""Temporary plates (临时行驶车号牌): validity, issue count and the compulsory insurance.

Facts from docs/domain.md §3.3 [S] (《机动车登记规定》, 公安部令第164号, in
force 2022-05-01, art. 46–50): for an unsold or bought-but-unregistered
vehicle a temporary plate is valid at most 30 days and issued at most 3
times; for an export sale once; research tests 6 calendar months; oversize special
vehicles 90 days; a plate delayed by production 15 days. Never past the end
of the 交强险. The 2008 rule's 15/30-day figures are outdated and not used.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from ._input import as_date, violation
from ._violation import Violation
from .code_tables import PlateKind
from .plates import validate_plate

__all__ = [
    "TEMPORARY_PLATE_LIMITS",
    "TemporaryPlateLimit",
    "TemporaryPlateSituation",
    "add_months",
    "latest_valid_to",
    "validate_temporary_plate",
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


_SITUATION_ZH = {
    TemporaryPlateSituation.UNSOLD: "未销售",
    TemporaryPlateSituation.PURCHASED: "购买后尚未注册登记",
    TemporaryPlateSituation.EXPORT: "新车出口销售",
    TemporaryPlateSituation.RESEARCH_TEST: "科研、定型试验",
    TemporaryPlateSituation.OVERSIZE: "特型机动车",
    TemporaryPlateSituation.PLATE_PRODUCTION: "号牌制作",
}


@dataclass(frozen=True, slots=True)
class TemporaryPlateLimit:
    """How long one temporary plate may run and how many a vehicle may get (``None``: no limit).

    The validity is ``max_days`` days, or, when ``max_months`` is set, that many
    *calendar* months: ``valid_to`` may be the same day of the month ``max_months``
    later (2026-03-01 + 6 months = 2026-09-01, inclusive); from a day the target
    month lacks, its last day (2026-08-31 + 6 months = 2027-02-28).
    """

    max_days: int | None
    max_issues: int | None
    max_months: int | None = None

    def __post_init__(self) -> None:
        if (self.max_days is None) == (self.max_months is None):
            raise ValueError("a temporary-plate limit is in days or in months, exactly one")

    def latest_end(self, start: date) -> date:
        """The last ``valid_to`` this limit allows for a plate starting ``start``."""
        if self.max_months is not None:
            return add_months(start, self.max_months)
        return start + timedelta(days=self.max_days or 0)  # pragma: no mutate (never None here)

    @property
    def label_en(self) -> str:
        return f"{self.max_months} months" if self.max_months else f"{self.max_days} days"

    @property
    def label_zh(self) -> str:
        return f"{self.max_months}个月" if self.max_months else f"{self.max_days}天"


def add_months(start: date, months: int) -> date:
    """The same day ``months`` calendar months later; the month's last day if it has none."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


#: Per situation; replace entries to follow a different reading of art. 49.
TEMPORARY_PLATE_LIMITS: dict[TemporaryPlateSituation, TemporaryPlateLimit] = {
    TemporaryPlateSituation.UNSOLD: TemporaryPlateLimit(30, 3),
    TemporaryPlateSituation.PURCHASED: TemporaryPlateLimit(30, 3),
    TemporaryPlateSituation.EXPORT: TemporaryPlateLimit(30, 1),
    TemporaryPlateSituation.RESEARCH_TEST: TemporaryPlateLimit(None, None, max_months=6),
    TemporaryPlateSituation.OVERSIZE: TemporaryPlateLimit(90, None),
    TemporaryPlateSituation.PLATE_PRODUCTION: TemporaryPlateLimit(15, None),
}


def validate_temporary_plate(
    plate_number: object = None,
    *,
    valid_from: object,
    valid_to: object,
    insurance_end: object,
    previous_issues: int = 0,
    situation: TemporaryPlateSituation | str = TemporaryPlateSituation.PURCHASED,
    limits: dict[TemporaryPlateSituation, TemporaryPlateLimit] | None = None,
) -> list[Violation]:
    """A temporary plate application: its dates, the issue count and (if given) its number.

    ``valid_to - valid_from`` may be at most the situation's days (30 for a
    dealer sale); ``valid_to`` may not be after ``insurance_end`` (交强险 end);
    ``previous_issues`` counts the temporary plates this vehicle already had.
    Codes: ``temporary_plate.dates``, ``temporary_plate.validity_too_long``,
    ``temporary_plate.beyond_insurance``, ``temporary_plate.too_many_issues``,
    ``temporary_plate.situation`` and ``plate_number.format``.
    """
    found: list[Violation] = []
    try:
        kind = TemporaryPlateSituation(situation)
    except ValueError:
        return [
            violation(
                "temporary_plate.situation",
                "situation",
                "Unknown reason for a temporary plate.",
                "临时号牌申领事由无效。",
                value=str(situation)[:32],
                allowed=[member.value for member in TemporaryPlateSituation],
            )
        ]
    limit = (limits or TEMPORARY_PLATE_LIMITS)[kind]
    if plate_number is not None:
        found += validate_plate(plate_number, PlateKind.TEMPORARY)
    start, end, insured_until = as_date(valid_from), as_date(valid_to), as_date(insurance_end)
    if start is None or end is None or end < start:
        found.append(
            violation(
                "temporary_plate.dates",
                "valid_to",
                "The validity needs a start date and an end date on or after it.",
                "临时号牌有效期应有起止日期，且截止日期不早于起始日期。",
            )
        )
    elif end > limit.latest_end(start):
        found.append(
            violation(
                "temporary_plate.validity_too_long",
                "valid_to",
                f"A temporary plate for this purpose is valid at most {limit.label_en}.",
                f"该事由的临时号牌有效期最长{limit.label_zh}。",
                value=(end - start).days,
                allowed=f"<= {limit.latest_end(start).isoformat()}",
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
                f"This vehicle has had {issues} temporary plates; at most {limit.max_issues} "
                "are allowed.",
                f"该车已申领{issues}次临时号牌，最多允许{limit.max_issues}次。",
                value=issues,
                allowed=limit.max_issues,
            )
        )
    return found


def latest_valid_to(
    valid_from: date,
    insurance_end: date,
    situation: TemporaryPlateSituation = TemporaryPlateSituation.PURCHASED,
) -> date:
    """The last allowed ``valid_to`` for a plate starting ``valid_from``: the earlier bound wins."""
    return min(TEMPORARY_PLATE_LIMITS[situation].latest_end(valid_from), insurance_end)
