"""Plate numbers (GA 36-2018), e-bike plates, and temporary-plate rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from vehreg_sdk.rules import (
    PlateKind,
    TemporaryPlateSituation,
    latest_valid_to,
    validate_ebike_plate,
    validate_plate,
    validate_temporary_plate,
)

from .conftest import codes


@pytest.mark.parametrize(
    ("kind", "plate"),
    [
        (PlateKind.SMALL, "苏GA1234"),
        ("02", "苏G12345"),
        ("02", "苏gab123"),  # lower case is normalised
        (PlateKind.LARGE, "苏G1234A"),
        (PlateKind.TRAILER, "苏G1234挂"),
        (PlateKind.COACH, "苏GA123学"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GD12345"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GFA1234"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GA12345"),  # extended letters since about 2021
        (PlateKind.LARGE_NEW_ENERGY, "苏G12345D"),
        (PlateKind.TEMPORARY, "苏G12345"),
        (PlateKind.TEMPORARY, "苏GA12345"),
        (PlateKind.EMBASSY, "123456使"),  # no known format: length only
    ],
)
def test_valid_plates(kind: object, plate: str) -> None:
    assert validate_plate(plate, kind) == []


@pytest.mark.parametrize(
    ("kind", "plate"),
    [
        (PlateKind.SMALL, "苏GI1234"),  # I is never used
        (PlateKind.SMALL, "苏GO1234"),  # nor O
        (PlateKind.SMALL, "苏IA1234"),
        (PlateKind.SMALL, "XXA1234"),
        (PlateKind.SMALL, "苏GA12345"),  # 8 characters is new-energy
        (PlateKind.SMALL_NEW_ENERGY, "苏GZ12345"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GD1234A"),
        (PlateKind.LARGE_NEW_ENERGY, "苏G1234DD"),
        (PlateKind.TRAILER, "苏G12345"),
    ],
)
def test_invalid_plates(kind: object, plate: str) -> None:
    assert codes(validate_plate(plate, kind)) == ["plate_number.format"]


def test_strict_new_energy_letters() -> None:
    assert validate_plate("苏GA12345", "52", strict_new_energy=True) != []
    assert validate_plate("苏GD12345", "52", strict_new_energy=True) == []


def test_issuing_authority() -> None:
    assert validate_plate("苏GA1234", "02", authority="苏G") == []
    assert codes(validate_plate("苏AA1234", "02", authority="苏G")) == ["plate_number.authority"]


@pytest.mark.parametrize("kind", ["00", "X", None, 2])
def test_unknown_plate_kind(kind: object) -> None:
    assert codes(validate_plate("苏GA1234", kind)) == ["plate_kind.unknown"]


class TestEbikePlate:
    def test_default_is_what_the_sandbox_issues(self) -> None:
        assert validate_ebike_plate("苏G12345A") == []
        assert validate_ebike_plate("苏g12345a") == []
        assert codes(validate_ebike_plate("苏G1234")) == ["plate_number.format"]
        assert codes(validate_ebike_plate("苏A123456")) == ["plate_number.format"]

    def test_pattern_of_another_authority(self) -> None:
        xinjiang = r"新[A-Z][A-Z0-9]{6}"
        assert validate_ebike_plate("新AA12345", xinjiang) == []
        assert codes(validate_ebike_plate("苏G12345A", xinjiang)) == ["plate_number.format"]


class TestTemporaryPlate:
    START = date(2025, 10, 1)

    def judge(self, days: int, insurance_days: int = 365, **kwargs: object) -> list[str]:
        return codes(
            validate_temporary_plate(
                valid_from=self.START,
                valid_to=self.START + timedelta(days=days),
                insurance_end=self.START + timedelta(days=insurance_days),
                **kwargs,  # type: ignore[arg-type]
            )
        )

    def test_thirty_days_at_most_for_a_sale(self) -> None:
        assert self.judge(29) == []
        assert self.judge(30) == []
        assert self.judge(31) == ["temporary_plate.validity_too_long"]

    def test_never_past_the_compulsory_insurance(self) -> None:
        assert self.judge(20, insurance_days=20) == []
        assert self.judge(20, insurance_days=19) == ["temporary_plate.beyond_insurance"]

    def test_three_issues_per_vehicle(self) -> None:
        assert self.judge(10, previous_issues=2) == []
        assert self.judge(10, previous_issues=3) == ["temporary_plate.too_many_issues"]

    def test_export_once(self) -> None:
        assert self.judge(10, situation="export") == []
        assert self.judge(10, situation="export", previous_issues=1) == [
            "temporary_plate.too_many_issues"
        ]

    @pytest.mark.parametrize(
        ("situation", "days"),
        [
            (TemporaryPlateSituation.OVERSIZE, 90),
            (TemporaryPlateSituation.RESEARCH_TEST, 183),
            (TemporaryPlateSituation.PLATE_PRODUCTION, 15),
        ],
    )
    def test_other_situations(self, situation: TemporaryPlateSituation, days: int) -> None:
        assert self.judge(days, previous_issues=9, situation=situation) == []
        assert self.judge(days + 1, situation=situation) == ["temporary_plate.validity_too_long"]

    def test_dates(self) -> None:
        assert self.judge(-1) == ["temporary_plate.dates"]
        found = validate_temporary_plate(valid_from=None, valid_to="x", insurance_end=None)
        assert codes(found) == ["temporary_plate.dates", "temporary_plate.insurance_required"]

    def test_plate_number_is_checked_when_given(self) -> None:
        found = validate_temporary_plate(
            "苏GI2345",
            valid_from=self.START,
            valid_to=self.START,
            insurance_end=self.START,
        )
        assert codes(found) == ["plate_number.format"]

    def test_unknown_situation(self) -> None:
        assert self.judge(1, situation="holiday") == ["temporary_plate.situation"]


def test_latest_valid_to_is_the_earlier_of_30_days_and_the_insurance_end() -> None:
    start = date(2025, 10, 1)
    assert latest_valid_to(start, date(2026, 1, 1)) == date(2025, 10, 31)
    assert latest_valid_to(start, date(2025, 10, 20)) == date(2025, 10, 20)
    assert latest_valid_to(start, date(2026, 1, 1), TemporaryPlateSituation.OVERSIZE) == date(
        2025, 12, 30
    )
