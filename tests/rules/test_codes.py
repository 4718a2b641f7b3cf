"""E-bike codes: vehicle code, motor code, CCC and certificate numbers, certificate QR."""

from __future__ import annotations

from datetime import date

import pytest

from vehreg_sdk.rules import (
    parse_certificate_qr,
    register_certificate_qr_parser,
    unregister_certificate_qr_parser,
    validate_ccc_number,
    validate_certificate_number,
    validate_motor_code,
    validate_vehicle_code,
)

from .conftest import codes

ON = date(2025, 10, 15)


class TestVehicleCode:
    def test_the_xj_sample_is_valid(self) -> None:
        assert validate_vehicle_code("117321900000243", on=ON) == []

    def test_full_width_digits_and_spaces_are_normalised(self) -> None:
        assert validate_vehicle_code(" １１７３２１９０００００２４３ ", on=ON) == []

    @pytest.mark.parametrize("value", ["11732190000024", "1173219000002430", "11732190000024A"])
    def test_anything_but_15_digits_is_a_format_error(self, value: str) -> None:
        assert codes(validate_vehicle_code(value, on=ON)) == ["vehicle_code.format"]

    def test_a_fifth_digit_other_than_2_is_only_a_warning(self) -> None:
        (found,) = validate_vehicle_code("117311900000243", on=ON)
        assert found.code == "vehicle_code.kind_digit"
        assert found.severity == "warning"

    def test_a_year_after_next_year_is_only_a_warning(self) -> None:
        (found,) = validate_vehicle_code("117322700000243", on=ON)  # 2027 seen in 2025
        assert (found.code, found.severity) == ("vehicle_code.year", "warning")
        assert validate_vehicle_code("117322600000243", on=ON) == []  # next year is fine

    def test_no_checksum_is_invented(self) -> None:
        # Any serial is accepted: the code has no check position (domain.md §1.4).
        for serial in range(0, 10):
            assert validate_vehicle_code(f"11732190000024{serial}", on=ON) == []

    @pytest.mark.parametrize(
        ("value", "code"),
        [
            (None, "vehicle_code.required"),
            ("   ", "vehicle_code.required"),
            (12, "vehicle_code.type"),
        ],
    )
    def test_missing_or_wrongly_typed(self, value: object, code: str) -> None:
        assert codes(validate_vehicle_code(value, on=ON)) == [code]

    def test_field_path_can_be_chosen_but_code_is_stable(self) -> None:
        (found,) = validate_vehicle_code("x", field="vehicle.vehicle_code")
        assert (found.code, found.field) == ("vehicle_code.format", "vehicle.vehicle_code")


class TestMotorCode:
    @pytest.mark.parametrize("value", ["DJ24A0123456", "dj-24-a", "Ｍ１２３", "A"])
    def test_letters_digits_and_hyphens(self, value: str) -> None:
        assert validate_motor_code(value) == []

    @pytest.mark.parametrize("value", ["电机123", "A" * 33, "-A12", "A_1"])
    def test_other_text_is_a_format_error(self, value: str) -> None:
        assert codes(validate_motor_code(value)) == ["motor_code.format"]


class TestCccNumber:
    def test_the_xj_sample_is_valid(self) -> None:
        assert validate_ccc_number("2019011119189128", on=ON) == []

    @pytest.mark.parametrize("value", ["201901111918912", "20190111191891280", "2019O11119189128"])
    def test_anything_but_16_digits_is_a_format_error(self, value: str) -> None:
        assert codes(validate_ccc_number(value, on=ON)) == ["ccc_number.format"]

    @pytest.mark.parametrize("value", ["2000011119189128", "2026011119189128"])
    def test_an_impossible_issue_year(self, value: str) -> None:
        assert codes(validate_ccc_number(value, on=ON)) == ["ccc_number.year"]


class TestCertificateNumber:
    @pytest.mark.parametrize("value", ["A11265319T3090100", "A1325731119198001"])
    def test_samples_are_valid(self, value: str) -> None:
        assert validate_certificate_number(value) == []

    @pytest.mark.parametrize("value", ["A1126", "A11265319T3090100XXXXX", "合格证A1126531"])
    def test_wrong_length_or_characters(self, value: str) -> None:
        assert codes(validate_certificate_number(value)) == ["certificate_number.format"]


class TestCertificateQr:
    URL = "http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode="

    def test_clean_url(self) -> None:
        assert parse_certificate_qr(self.URL + "117321900000243") == "117321900000243"

    def test_scanner_suffixes_and_control_characters(self) -> None:
        assert parse_certificate_qr(self.URL + "117321900000243\r\n") == "117321900000243"
        assert parse_certificate_qr("\x02" + self.URL + "117321900000243&x=1") == (
            "117321900000243"
        )

    def test_a_sixteenth_digit_means_it_is_not_a_vehicle_code(self) -> None:
        assert parse_certificate_qr(self.URL + "1173219000002431") is None

    def test_bare_code_and_full_width_digits(self) -> None:
        assert parse_certificate_qr(" 117321900000243 ") == "117321900000243"
        assert parse_certificate_qr("１１７３２１９０００００２４３") == "117321900000243"

    @pytest.mark.parametrize(
        "scan", ["", "hello", "vinCode=1234", "http://example.com/?id=117321900000243", None, 42]
    )
    def test_no_code(self, scan: object) -> None:
        assert parse_certificate_qr(scan) is None

    def test_a_parser_for_another_issuer_can_be_registered(self) -> None:
        def ccap(text: str) -> str | None:
            marker = "CCAP:"
            return text[len(marker) :] if text.startswith(marker) else None

        register_certificate_qr_parser(ccap)
        try:
            assert parse_certificate_qr("CCAP:117321900000243") == "117321900000243"
        finally:
            unregister_certificate_qr_parser(ccap)
        assert parse_certificate_qr("CCAP:117321900000243") is None

    def test_a_failing_or_lying_parser_is_ignored(self) -> None:
        def broken(text: str) -> str | None:
            raise RuntimeError("boom")

        def liar(text: str) -> str | None:
            return "not a code"

        register_certificate_qr_parser(broken, first=True)
        register_certificate_qr_parser(liar, first=True)
        try:
            assert parse_certificate_qr(self.URL + "117321900000243") == "117321900000243"
        finally:
            unregister_certificate_qr_parser(broken)
            unregister_certificate_qr_parser(liar)
