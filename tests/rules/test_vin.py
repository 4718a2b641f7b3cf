"""The VIN: alphabet, length, check digit and the I/O/Q hint."""

from __future__ import annotations

import pytest

from vehreg_sdk.rules import validate_vin, vin_check_digit

from .conftest import codes


def test_lower_case_and_spaces_are_normalised() -> None:
    assert validate_vin(" 1m8gdm9axkp042788 ") == []


@pytest.mark.parametrize(("value", "fixed"), [("1M8GDM9AXKPO42788", "1M8GDM9AXKP042788")])
def test_o_for_zero_gets_a_hint(value: str, fixed: str) -> None:
    (found,) = validate_vin(value)
    assert found.code == "vin.lookalike_letter"
    assert found.allowed == fixed
    assert fixed in found.message and fixed in found.message_zh


def test_i_and_q_hint_and_fix_validates() -> None:
    (found,) = validate_vin("LSVAU2180N2I8345Q".replace("Q", "0"))
    assert found.code == "vin.lookalike_letter"


@pytest.mark.parametrize("value", ["1M8GDM9AXKP04278", "1M8GDM9AXKP0427888"])
def test_length(value: str) -> None:
    assert codes(validate_vin(value)) == ["vin.length"]


def test_other_characters_are_a_format_error() -> None:
    assert codes(validate_vin("1M8GDM9AXKP04278*")) == ["vin.format"]


def test_wrong_check_digit_names_the_right_one() -> None:
    (found,) = validate_vin("1M8GDM9A1KP042788")
    assert (found.code, found.allowed) == ("vin.check_digit", "X")


def test_model_year_u_z_0_is_a_warning() -> None:
    vin = "LSVAU2180" + "U" + "2183456"
    vin = vin[:8] + vin_check_digit(vin) + vin[9:]
    (found,) = validate_vin(vin)
    assert (found.code, found.severity) == ("vin.model_year", "warning")
