"""The temporary-plate rules as the till runs them: every bound, counted one way, configurable."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from vehreg_sdk import rules
from vehreg_sdk.rules import TemporaryPlateRules, TemporaryPlateSituation

START = date(2026, 12, 1)


def _codes(found: list[rules.Violation]) -> list[str]:
    return [item.code for item in found]


def _judge(days: int, config: TemporaryPlateRules | None = None, **kwargs: object) -> list[str]:
    return _codes(
        rules.validate_temporary_plate(
            valid_from=START,
            valid_to=START + timedelta(days=days),
            insurance_end=date(2030, 1, 1),
            rules=config,
            **kwargs,  # type: ignore[arg-type]
        )
    )


def test_thirty_and_thirty_one_days() -> None:
    # valid_to is inclusive and the first day is not counted (民法典 art. 201): 12-01 to 12-31.
    assert _judge(30) == []
    assert _judge(31) == ["temporary_plate.validity_too_long"]
    assert rules.latest_valid_to(START, date(2030, 1, 1)) == date(2026, 12, 31)


def test_counting_the_first_day_moves_every_bound_by_one() -> None:
    counted = TemporaryPlateRules(first_day_counts=True)
    assert _judge(29, counted) == []
    assert _judge(30, counted) == ["temporary_plate.validity_too_long"]
    assert counted.latest_end(TemporaryPlateSituation.RESEARCH_TEST, date(2026, 3, 1)) == date(
        2026, 8, 31
    )
    assert counted.void_from_plates(START) == START + timedelta(days=2)


def test_six_calendar_months_and_the_month_end() -> None:
    config = rules.DEFAULT_TEMPORARY_PLATE_RULES
    research = TemporaryPlateSituation.RESEARCH_TEST
    assert config.latest_end(research, date(2026, 3, 1)) == date(2026, 9, 1)
    assert config.latest_end(research, date(2026, 8, 31)) == date(2027, 2, 28)
    months = (date(2027, 6, 1) - START).days
    assert _judge(months, situation="research_test") == []
    assert _judge(months + 1, situation="research_test") == ["temporary_plate.validity_too_long"]


@pytest.mark.parametrize(
    ("situation", "limit", "counted"),
    [
        ("unsold", 3, {"unsold", "purchased"}),
        ("purchased", 3, {"unsold", "purchased"}),
        ("export", 1, {"export"}),
        ("oversize", None, {"oversize"}),
    ],
)
def test_issue_counts(situation: str, limit: int | None, counted: set[str]) -> None:
    assert rules.DEFAULT_TEMPORARY_PLATE_RULES.counted_with(TemporaryPlateSituation(situation)) == (
        counted
    )
    if limit is None:
        assert _judge(10, situation=situation, previous_issues=50) == []
        return
    assert _judge(10, situation=situation, previous_issues=limit - 1) == []
    assert _judge(10, situation=situation, previous_issues=limit) == [
        "temporary_plate.too_many_issues"
    ]


def test_the_insurance_end_is_the_last_day() -> None:
    found = rules.validate_temporary_plate(
        valid_from=START, valid_to=START + timedelta(days=5), insurance_end=START + timedelta(5)
    )
    assert found == []
    (late,) = rules.validate_temporary_plate(
        valid_from=START, valid_to=START + timedelta(days=6), insurance_end=START + timedelta(5)
    )
    assert (late.code, late.field) == ("temporary_plate.beyond_insurance", "valid_to")
    assert "交强险" in late.message_zh


def test_void_three_days_after_the_metal_plates() -> None:
    valid_to = START + timedelta(days=30)
    assert rules.last_valid_day(valid_to, None) == valid_to
    assert rules.last_valid_day(valid_to, START + timedelta(days=4)) == START + timedelta(days=7)
    assert rules.last_valid_day(valid_to, valid_to) == valid_to  # never longer than valid_to


def test_the_token_window_matches_the_inclusive_end() -> None:
    nbf, exp = rules.validity_window(START, START + timedelta(days=30))
    assert datetime.fromtimestamp(nbf, UTC) == datetime(2026, 11, 30, 16, tzinfo=UTC)
    assert datetime.fromtimestamp(exp, UTC) == datetime(2026, 12, 31, 16, tzinfo=UTC)
    assert (exp - nbf) // 86_400 == 31  # 30 days after the first: 31 calendar days of use


def test_the_number_format_is_configuration() -> None:
    loose = _codes(
        rules.validate_temporary_plate(
            "苏GL00001", valid_from=START, valid_to=START, insurance_end=START
        )
    )
    assert loose == []
    strict = TemporaryPlateRules(number_pattern=r"苏G[0-9]{5}临")
    found = rules.validate_temporary_plate(
        "苏GL00001", valid_from=START, valid_to=START, insurance_end=START, rules=strict
    )
    assert _codes(found) == ["plate_number.format"]
    assert (
        rules.validate_temporary_plate(
            "苏G12345临", valid_from=START, valid_to=START, insurance_end=START, rules=strict
        )
        == []
    )


def test_a_whole_request_names_every_field() -> None:
    request = {
        "situation": "purchased",
        "vin": "LSVAU2180N2183456",
        "insurance": {"ends_on": "2026-12-10"},
        "valid_from": "2026-11-30",
        "valid_to": "2026-12-11",
    }
    found = rules.check_temporary_plate_request(request, on=START, upload_kinds=["id_front"])
    assert {(v.field, v.code) for v in found} >= {
        ("valid_from", "temporary_plate.starts_in_past"),
        ("valid_to", "temporary_plate.beyond_insurance"),
        ("uploads", "temporary_plate.upload_missing"),
    }
    assert rules.required_upload_kinds("export") == ("id_front", "insurance_policy")
    assert rules.required_upload_kinds("holiday") == ()
    assert all(v.message and v.message_zh for v in found)
