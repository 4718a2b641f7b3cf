"""Shared helpers for the rules tests: codes of a result, and fixed business dates."""

from __future__ import annotations

from datetime import date

from vehreg_sdk.rules import Violation

#: A business date inside the 2018-standard sell-off window (2025-09-01 … 2025-11-30).
TRANSITION_DAY = date(2025, 10, 15)
#: A business date after the sell-off: only 2024-standard bikes may be sold.
AFTER_SELL_OFF = date(2025, 12, 15)


def codes(violations: list[Violation]) -> list[str]:
    """The violation codes, in order."""
    return [v.code for v in violations]


def error_codes(violations: list[Violation]) -> set[str]:
    """The codes of the error-severity violations."""
    return {v.code for v in violations if v.is_error}


def resident_id(first_17: str) -> str:
    """``first_17`` completed with its MOD 11-2 check character."""
    from stdnum.cn import ric

    return first_17 + ric.calc_check_digit(first_17 + "0")
