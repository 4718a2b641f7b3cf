"""Resident ID numbers, credit codes, mobiles, ID documents and ages."""

from __future__ import annotations

from datetime import date

import pytest

from vehreg_sdk.rules import (
    IdDocumentType,
    age_on,
    validate_id_document,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

from .conftest import codes, resident_id

ON = date(2025, 10, 15)
VALID_ID = "11010519491231002X"


class TestResidentId:
    def test_full_width_and_spaces_are_normalised(self) -> None:
        assert validate_resident_id(" １１０１０５１９４９１２３１００２ｘ ", ON) == []

    @pytest.mark.parametrize(
        "value", ["11010519491231002", "11010519491231002XX", "X10105194912310021"]
    )
    def test_format(self, value: str) -> None:
        assert codes(validate_resident_id(value, ON)) == ["id_number.format"]

    def test_checksum(self) -> None:
        assert codes(validate_resident_id("110105194912310021", ON)) == ["id_number.checksum"]

    def test_impossible_birth_date(self) -> None:
        # 1949-02-30 does not exist; the checksum is right.
        number = resident_id("11010519490230002")
        assert codes(validate_resident_id(number, ON)) == ["id_number.birth_date"]

    def test_birth_date_after_the_business_date(self) -> None:
        assert codes(validate_resident_id(VALID_ID, date(1949, 12, 30))) == ["id_number.birth_date"]
        assert validate_resident_id(VALID_ID, date(1949, 12, 31)) == []

    def test_unknown_area_code_is_only_a_warning(self) -> None:
        (found,) = validate_resident_id(resident_id("99999919900101001"), ON)
        assert (found.code, found.severity) == ("id_number.region", "warning")

    def test_area_code_valid_in_any_period_is_accepted(self) -> None:
        # 320724 (灌南县) exists since 1996; a person born 1990 may still carry it, since the
        # code is where the household was registered when the number was issued.
        from stdnum.cn import ric

        number = resident_id("32072419900101001")
        assert validate_resident_id(number, ON) == []
        assert not ric.is_valid(number)  # python-stdnum is stricter here, on purpose not followed

    def test_values_in_violations_are_masked(self) -> None:
        for found in validate_resident_id("110105194912310021", ON):
            assert found.value == "1101**********0021"
            assert "19491231" not in f"{found.message}{found.message_zh}{found.value}"


class TestAge:
    def test_completed_years(self) -> None:
        assert age_on(VALID_ID, date(2025, 12, 30)) == 75
        assert age_on(VALID_ID, date(2025, 12, 31)) == 76

    def test_born_on_29_february(self) -> None:
        number = resident_id("32070620080229001")
        assert age_on(number, date(2024, 2, 28)) == 15
        assert age_on(number, date(2024, 2, 29)) == 16
        assert age_on(number, date(2025, 2, 28)) == 16
        assert age_on(number, date(2025, 3, 1)) == 17

    @pytest.mark.parametrize("value", [None, "abc", resident_id("11010519490230002"), 12])
    def test_no_age_without_a_real_birth_date(self, value: object) -> None:
        assert age_on(value, ON) is None


class TestUscc:
    def test_lower_case_and_spaces_are_normalised(self) -> None:
        assert validate_uscc(" 91110000600037341l ") == []

    @pytest.mark.parametrize(
        "value",
        ["9111000060003734", "9I110000600037341L", "91110000600037341I", "911100006000373S1L"],
    )
    def test_format(self, value: str) -> None:
        assert codes(validate_uscc(value)) == ["uscc.format"]

    def test_checksum(self) -> None:
        (found,) = validate_uscc("91110000600037341M")
        assert (found.code, found.allowed) == ("uscc.checksum", "L")


class TestMobile:
    @pytest.mark.parametrize(
        "value", ["13812341234", "+86 138 1234 1234", "8613812341234", "138-1234-1234"]
    )
    def test_valid(self, value: str) -> None:
        assert validate_mobile(value) == []

    @pytest.mark.parametrize(
        "value", ["12812341234", "1381234123", "138123412345", "0518-85550101"]
    )
    def test_invalid(self, value: str) -> None:
        (found,) = validate_mobile(value)
        assert found.code == "mobile.format"
        assert "*" in str(found.value)  # masked


class TestIdDocument:
    def test_resident_id_for_type_a(self) -> None:
        assert validate_id_document("A", VALID_ID, ON) == []
        assert codes(validate_id_document("A", "110105194912310021", ON)) == ["id_number.checksum"]

    def test_credit_code_for_type_n(self) -> None:
        assert validate_id_document("N", "91110000600037341L") == []
        assert codes(validate_id_document("n", "91110000600037341M")) == ["uscc.checksum"]

    @pytest.mark.parametrize("id_type", ["C", "H", "P", IdDocumentType.MILITARY_OFFICER])
    def test_other_documents_need_sane_text(self, id_type: object) -> None:
        assert validate_id_document(id_type, "南字第123456号") == []
        assert codes(validate_id_document(id_type, "<script>")) == ["id_number.format"]
        assert codes(validate_id_document(id_type, "")) == ["id_number.required"]

    @pytest.mark.parametrize("id_type", ["Q", "AA", "", None, 1])
    def test_unknown_type(self, id_type: object) -> None:
        assert codes(validate_id_document(id_type, VALID_ID))[0].startswith("id_type.")
