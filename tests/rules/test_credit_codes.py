"""统一社会信用代码 as GB 32100 defines it: authority and category from a data table."""

from __future__ import annotations

import pytest
from stdnum.cn import uscc

from vehreg_sdk.rules import USCC_REGISTRATION_AUTHORITIES, validate_id_document, validate_uscc
from vehreg_sdk.rules.credit_codes import UsccAuthority

from .conftest import codes, resident_id


def credit_code(first_17: str) -> str:
    """``first_17`` completed with its MOD 31 check character (python-stdnum's arithmetic)."""
    return first_17 + uscc.calc_check_digit(first_17 + "0")


VILLAGE_COLLECTIVE = credit_code("N2320723MF1234567")  # 农业农村: 村级集体经济组织, 灌云县
MILITARY_UNIT = credit_code("A1100000MB0012345")
OTHER = credit_code("Y1320700MC0001234")
COMPANY = "91110000600037341L"


class TestStdnumGap:
    """python-stdnum requires 8 leading digits; GB 32100 and its notices do not."""

    @pytest.mark.parametrize("code", [VILLAGE_COLLECTIVE, MILITARY_UNIT, OTHER])
    def test_stdnum_refuses_a_real_shape_but_its_checksum_agrees(self, code: str) -> None:
        assert not uscc.is_valid(code)  # the gap
        assert uscc.calc_check_digit(code) == code[17]  # the arithmetic we keep
        assert validate_uscc(code) == []

    def test_stdnum_and_we_agree_on_companies(self) -> None:
        assert uscc.is_valid(COMPANY)
        assert validate_uscc(COMPANY) == []


class TestAuthorityAndCategory:
    def test_village_collective_registers_its_bike(self) -> None:
        assert validate_id_document("N", VILLAGE_COLLECTIVE) == []

    @pytest.mark.parametrize(
        ("first_two", "expected"),
        [
            ("91", []),
            ("92", []),
            ("93", []),
            ("94", ["uscc.category"]),  # 工商 has no category 4
            ("N1", []),
            ("N3", []),
            ("N4", ["uscc.category"]),
            ("A1", []),
            ("Y1", []),
            ("Y2", ["uscc.category"]),
            ("B1", ["uscc.registration_authority"]),
            ("01", ["uscc.registration_authority"]),
        ],
    )
    def test_positions_1_and_2_from_the_table(self, first_two: str, expected: list[str]) -> None:
        assert codes(validate_uscc(credit_code(first_two + "320700MA1234567"))) == expected

    def test_positions_3_to_8_are_digits(self) -> None:
        assert codes(validate_uscc(credit_code("9132070AMA1234567"))) == ["uscc.format"]

    def test_a_notice_adds_a_row_not_a_pattern(self) -> None:
        extended = dict(USCC_REGISTRATION_AUTHORITIES)
        extended["B"] = UsccAuthority("新部门", "a new authority", {"1": "新类别"})
        code = credit_code("B1320700MA1234567")
        assert codes(validate_uscc(code)) == ["uscc.registration_authority"]
        assert validate_uscc(code, authorities=extended) == []

    def test_the_table_lists_the_notices(self) -> None:
        assert {"1", "5", "9", "A", "N", "Y"} <= set(USCC_REGISTRATION_AUTHORITIES)
        assert USCC_REGISTRATION_AUTHORITIES["N"].categories["2"] == "村级集体经济组织"

    def test_checksum_still_applies(self) -> None:
        wrong = VILLAGE_COLLECTIVE[:17] + ("0" if VILLAGE_COLLECTIVE[17] != "0" else "1")
        assert codes(validate_uscc(wrong)) == ["uscc.checksum"]


class TestNoIdNumberInTheViolation:
    @pytest.mark.parametrize("typed", [resident_id("32070619900101001"), "320706900101001"])
    def test_a_resident_id_typed_as_a_credit_code(self, typed: str) -> None:
        found = validate_id_document("N", typed)
        assert found and all(v.is_error for v in found)
        for v in found:
            shown = f"{v.value} {v.allowed} {v.message} {v.message_zh}"
            assert typed not in shown
            assert typed[6:12] not in shown  # no birth date digits
