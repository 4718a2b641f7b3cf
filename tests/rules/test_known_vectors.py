"""The vectors the issue names, and the textbook examples from docs/domain.md."""

from __future__ import annotations

from datetime import date

from vehreg_sdk.rules import (
    age_on,
    parse_certificate_qr,
    validate_resident_id,
    validate_uscc,
    validate_vin,
    vin_check_digit,
)


def test_standard_resident_id_example_is_valid_with_either_case_of_x() -> None:
    assert validate_resident_id("11010519491231002X", date(2025, 1, 1)) == []
    assert validate_resident_id("11010519491231002x", date(2025, 1, 1)) == []


def test_resident_id_examples_from_stdnum_are_valid() -> None:
    assert validate_resident_id("440524188001010014", date(2025, 1, 1)) == []
    assert validate_resident_id("360426199101010071", date(2025, 1, 1)) == []


def test_textbook_vin_has_check_digit_x() -> None:
    assert vin_check_digit("1M8GDM9AXKP042788") == "X"
    assert validate_vin("1M8GDM9AXKP042788") == []


def test_credit_code_examples_are_valid() -> None:
    assert validate_uscc("91110000600037341L") == []
    assert validate_uscc("91350100M000100Y43") == []


def test_cqc_certificate_url_with_trailing_scanner_noise() -> None:
    scan = (
        "http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode=117321900000243mn111"
    )
    assert parse_certificate_qr(scan) == "117321900000243"


def test_age_of_the_standard_example() -> None:
    assert age_on("11010519491231002X", date(2025, 12, 30)) == 75
    assert age_on("11010519491231002X", date(2025, 12, 31)) == 76
