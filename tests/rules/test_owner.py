"""Owners under age: riding age 16, guardian under 18, guardian consent under 14 (PIPL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vehreg_sdk.rules import MinorPolicy, check_owner

from .conftest import codes, resident_id

ON = date(2025, 10, 15)


def born(years_ago: int, days_after_birthday: int = 0) -> str:
    """An ID number of someone who turns ``years_ago`` on ``ON`` minus ``days_after_birthday``."""
    birthday = date(ON.year - years_ago, ON.month, ON.day)
    from datetime import timedelta

    return resident_id(f"320706{birthday - timedelta(days=days_after_birthday):%Y%m%d}001")


ADULT_GUARDIAN = {"name": "王芳", "id_number": born(40), "mobile": "13812341234", "consent": True}


def owner(id_number: str, guardian: dict[str, Any] | None = None, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": "李明", "id_type": "A", "id_number": id_number}
    if guardian is not None:
        data["guardian"] = guardian
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (18, []),
        (17, ["owner.guardian_required"]),
        (16, ["owner.guardian_required"]),
        (15, ["owner.under_16", "owner.guardian_required"]),
    ],
)
def test_age_boundaries_without_guardian(age: int, expected: list[str]) -> None:
    assert codes(check_owner(owner(born(age)), ON)) == expected


def test_the_day_before_the_birthday_counts_as_the_younger_age() -> None:
    assert codes(check_owner(owner(born(18, days_after_birthday=-1)), ON)) == [
        "owner.guardian_required"
    ]
    assert check_owner(owner(born(18, days_after_birthday=0)), ON) == []


def test_under_16_is_an_error_by_default_and_a_warning_by_policy() -> None:
    (found,) = check_owner(owner(born(15), ADULT_GUARDIAN), ON)
    assert (found.code, found.severity, found.value) == ("owner.under_16", "error", 15)
    campus = MinorPolicy(under_16_severity="warning")
    (found,) = check_owner(owner(born(15), ADULT_GUARDIAN), ON, policy=campus)
    assert found.severity == "warning"


@pytest.mark.parametrize(
    ("age", "consent", "expected"),
    [
        (14, False, ["owner.under_16"]),
        (13, True, ["owner.under_16"]),
        (13, False, ["owner.under_16", "owner.guardian_consent_required"]),
        (13, None, ["owner.under_16", "owner.guardian_consent_required"]),
    ],
)
def test_guardian_consent_under_14(age: int, consent: object, expected: list[str]) -> None:
    guardian = {**ADULT_GUARDIAN, "consent": consent}
    assert codes(check_owner(owner(born(age), guardian), ON)) == expected


def test_the_guardian_must_be_an_adult() -> None:
    guardian = {**ADULT_GUARDIAN, "id_number": born(17)}
    assert codes(check_owner(owner(born(17), guardian), ON)) == ["owner.guardian_under_18"]


def test_units_and_other_documents_have_no_age() -> None:
    assert check_owner(owner("91110000600037341L", id_type="N"), ON) == []
    assert check_owner(owner("南字第123456号", id_type="C"), ON) == []


def test_lower_case_type_a_is_still_a_resident_id() -> None:
    assert codes(check_owner(owner(born(17), id_type="a"), ON)) == ["owner.guardian_required"]


def test_an_unreadable_id_number_is_left_to_the_field_check() -> None:
    assert check_owner(owner("not an id"), ON) == []


def test_messages_never_show_the_id_number() -> None:
    number = born(13)
    for found in check_owner(owner(number), ON):
        assert number not in f"{found.message}{found.message_zh}{found.value}"
