"""The VIN (车辆识别代号), GB 16735 / ISO 3779: 17 characters, check digit at position 9.

Facts from docs/domain.md §4 [V]: I, O and Q never appear; position 9 is
Σ(value × weight) mod 11 with 10 written ``X``. The check catches every
single-character error except swapping a character for another with the same
transliterated value (``1``/``A``/``J``, ``2``/``B``/``K``/``S``, …), which no
MOD-11 scheme over this alphabet can see.
"""

from __future__ import annotations

import re

from ._input import code_text, violation
from ._violation import Violation

__all__ = ["VIN_TRANSLITERATION", "VIN_WEIGHTS", "validate_vin", "vin_check_digit"]

VIN_TRANSLITERATION: dict[str, int] = {
    **{str(d): d for d in range(10)},  # pragma: no mutate (a key "10" is never looked up)
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)

_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
# Letters a scanner or a clerk confuses with digits; the hint names the likely digit.
_LOOKALIKES = {"O": "0", "Q": "0", "I": "1"}
# Position 10 (model year) never uses these [S]; only a warning, since makers disagree.
_BAD_MODEL_YEAR = frozenset("UZ0")


def vin_check_digit(vin: str) -> str:
    """The check digit (``0``–``9`` or ``X``) for a 17-character VIN of the valid alphabet."""
    total = sum(VIN_TRANSLITERATION[ch] * w for ch, w in zip(vin, VIN_WEIGHTS, strict=False))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def validate_vin(value: object, *, field: str = "vin") -> list[Violation]:
    """A VIN: upper-cased, 17 characters without I/O/Q, and a correct check digit.

    Codes: ``vin.length``, ``vin.lookalike_letter`` (I, O or Q typed where a
    digit was probably meant; the message suggests the fix), ``vin.format``,
    ``vin.check_digit``, and the warning ``vin.model_year`` (position 10 is U, Z or 0).
    """
    text = code_text(value, code="vin", field=field, thing="VIN", thing_zh="车辆识别代号")
    if isinstance(text, Violation):
        return [text]
    if len(text) != 17:
        return [
            violation(
                "vin.length",
                field,
                f"The VIN must be 17 characters, not {len(text)}.",
                f"车辆识别代号应为17位，当前为{len(text)}位。",
                value=text[:40],
                allowed=17,
            )
        ]
    if not _VIN.fullmatch(text):
        lookalikes = [ch for ch in text if ch in _LOOKALIKES]
        if lookalikes and _VIN.fullmatch(_replace_lookalikes(text)):
            suggestion = _replace_lookalikes(text)
            return [
                violation(
                    "vin.lookalike_letter",
                    field,
                    f"A VIN never contains I, O or Q; did you mean {suggestion}?",
                    f"车辆识别代号不含字母 I、O、Q，是否应为 {suggestion}？",
                    value=text,
                    allowed=suggestion,
                )
            ]
        return [
            violation(
                "vin.format",
                field,
                "The VIN may contain only digits and capital letters other than I, O and Q.",
                "车辆识别代号只能包含数字和除 I、O、Q 以外的大写字母。",
                value=text,
                allowed="[A-HJ-NPR-Z0-9]{17}",
            )
        ]
    found: list[Violation] = []
    expected = vin_check_digit(text)
    if text[8] != expected:
        found.append(
            violation(
                "vin.check_digit",
                field,
                f"The VIN check digit (position 9) is {text[8]} but should be {expected}; "
                "a character was probably mistyped.",
                f"车辆识别代号第9位校验位为 {text[8]}，应为 {expected}，可能有字符录入错误。",
                value=text,
                allowed=expected,
            )
        )
    if text[9] in _BAD_MODEL_YEAR:
        found.append(
            violation(
                "vin.model_year",
                field,
                f"Position 10 (model year) of the VIN is {text[9]}, which is never used.",
                f"车辆识别代号第10位（车型年份）为 {text[9]}，该字符不用于年份。",
                severity="warning",
                value=text,
            )
        )
    return found


def _replace_lookalikes(text: str) -> str:
    return "".join(_LOOKALIKES.get(ch, ch) for ch in text)
