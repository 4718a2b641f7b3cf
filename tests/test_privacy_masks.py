"""Masks show at most about half of an identifier and never a birth date; they never raise."""

from __future__ import annotations

import logging
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vehreg_sdk import privacy
from vehreg_sdk.privacy import (
    MaskingPolicy,
    mask_address,
    mask_id_number,
    mask_mobile,
    mask_name,
    mask_text,
    masked_logger,
)
from vehreg_sdk.testing import fake_resident_id

RNG = random.Random(35273)
ID_18 = fake_resident_id(RNG)
OLD_ID_15 = ID_18[:6] + ID_18[8:17]  # YYMMDD birth date at positions 7-12


def shown(masked: str) -> int:
    return sum(ch != "*" for ch in masked)


class TestHalfAtMost:
    @pytest.mark.parametrize("number", ["EA1234567", "C12345678", "H12345678", "E12345678"])
    def test_a_9_character_passport_or_permit_shows_4_or_fewer(self, number: str) -> None:
        masked = mask_id_number(number)
        assert shown(masked) <= 4
        assert masked == number[:2] + "*****" + number[-2:]

    def test_an_18_digit_id_keeps_4_and_4(self) -> None:
        assert mask_id_number(ID_18) == ID_18[:4] + "*" * 10 + ID_18[-4:]

    @given(st.text(alphabet="0123456789ABCDEFGHX南字第号", min_size=0, max_size=40))
    def test_never_more_than_half(self, value: str) -> None:
        masked = mask_id_number(value)
        assert len(masked) == len(value.strip())
        assert shown(masked) <= len(value.strip()) // 2

    def test_a_wider_policy_is_still_held_to_half(self) -> None:
        wide = MaskingPolicy(id_keep_start=6, id_keep_end=4)
        assert shown(mask_id_number("EA1234567", wide)) <= 4
        assert shown(mask_id_number(ID_18, wide)) <= 9


class TestNoBirthDateDigit:
    def test_old_15_digit_id(self) -> None:
        masked = mask_id_number(OLD_ID_15)
        assert set(masked[6:12]) == {"*"}
        assert masked == OLD_ID_15[:4] + "********" + OLD_ID_15[-3:]

    @pytest.mark.parametrize("policy", [MaskingPolicy(), MaskingPolicy(6, 4)])
    def test_mistyped_16_and_17_character_ids(self, policy: MaskingPolicy) -> None:
        # A digit or two dropped anywhere (or added after the date) moves the birth date.
        for first in range(18):
            one_short = ID_18[:first] + ID_18[first + 1 :]
            birth = range(6 - (first < 6), 14 - (first < 14))
            masked = mask_id_number(one_short, policy)
            assert all(masked[i] == "*" for i in birth), (first, masked)
            for second in range(17):
                two_short = one_short[:second] + one_short[second + 1 :]
                moved = sum(1 for cut in (first, second) if cut < 6)
                birth2 = range(6 - moved, 14 - min(2, (first < 14) + (second < 13)))
                masked2 = mask_id_number(two_short, policy)
                assert all(masked2[i] == "*" for i in birth2), (first, second, masked2)
        assert set(mask_id_number(OLD_ID_15 + "7", policy)[6:12]) == {"*"}
        assert set(mask_id_number(OLD_ID_15 + "77", policy)[6:12]) == {"*"}

    def test_the_policy_cannot_show_the_birth_date(self) -> None:
        with pytest.raises(ValueError):
            MaskingPolicy(id_keep_start=8, id_keep_end=4)


class TestLogFilter:
    def test_masks_15_digit_old_ids(self, caplog: pytest.LogCaptureFixture) -> None:
        logger = masked_logger("vehreg_test.privacy")
        caplog.set_level(logging.INFO)
        logger.info("owner %s and %s", OLD_ID_15, ID_18)
        assert OLD_ID_15 not in caplog.text
        assert ID_18 not in caplog.text
        assert OLD_ID_15[:4] in caplog.text

    def test_mask_text_finds_cut_and_old_numbers(self) -> None:
        line = f"a {ID_18} b {ID_18[:16]} c {ID_18[:17]} d {OLD_ID_15} e 13812341234"
        masked = mask_text(line)
        for raw in (ID_18, ID_18[:16], ID_18[:17], OLD_ID_15, "13812341234", ID_18[6:14]):
            assert raw not in masked

    def test_codes_that_are_not_id_numbers_stay(self) -> None:
        line = "CCC 2024011119123456 VIN LSVAU2180N2183456 vehicle 117322500000243"
        assert mask_text(line) == line


class TestNeverRaises:
    @pytest.mark.parametrize("value", [None, 13812341234, 3.5, b"13812341234", ["x"], object()])
    @pytest.mark.parametrize(
        "mask", [mask_id_number, mask_mobile, mask_name, mask_address, mask_text]
    )
    def test_none_and_non_strings(self, mask: object, value: object) -> None:
        result = mask(value)  # type: ignore[operator]
        assert isinstance(result, str)

    def test_values(self) -> None:
        assert mask_id_number(None) == ""
        assert mask_mobile(13812341234) == "138****1234"
        assert mask_mobile(b"13812341234") == "138****1234"
        assert mask_name(None) == ""
        assert mask_text(None) == ""

    def test_a_hostile_str_is_masked_as_nothing(self) -> None:
        class Hostile:
            def __str__(self) -> str:
                raise RuntimeError("no")

        assert privacy.mask_id_number(Hostile()) == ""
