"""E-bike codes: vehicle code (整车编码), motor code (电动机编码), CCC and certificate numbers.

Facts from docs/domain.md §1.4–1.7: the vehicle code is 15 digits laid out
as maker (4) + kind (1, ``2`` = electric bicycle) + year (2) + serial (8)
with **no check digit** [S]; the motor code has no national format [U]; the
CCC number is 16 digits with the year of first issue in front [S].
"""

from __future__ import annotations

import re

from ._input import business_date, code_text, today_shanghai, violation
from ._violation import Violation

__all__ = [
    "EARLIEST_VEHICLE_CODE_YEAR",
    "EBIKE_KIND_DIGIT",
    "validate_ccc_number",
    "validate_certificate_number",
    "validate_motor_code",
    "validate_vehicle_code",
    "vehicle_code_year",
]

_DIGITS_15 = re.compile(r"[0-9]{15}")
#: A vehicle code with nothing to report on any date: 15 digits, kind digit 2 (electric
#: bicycle), production year 2000–2025 (never in the future, see _ALWAYS_PLAUSIBLE_UNTIL).
# (Not mutated: a stricter shortcut only defers to the full check.)
_CLEAN_VEHICLE_CODE = re.compile(r"[0-9]{4}2(?:[01][0-9]|2[0-5])[0-9]{8}")  # pragma: no mutate
_DIGITS_16 = re.compile(r"[0-9]{16}")
#: The motor code is maker-defined [U]: accept letters, digits and hyphens.
_MOTOR_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,31}")
#: 合格证编号 samples are 17 alphanumerics; the structure is unknown [U].
_CERTIFICATE_NUMBER = re.compile(r"[A-Z0-9]{10,20}")

#: Position 5 of the vehicle code: 1 bicycle, 2 electric bicycle, 3 gasoline-assisted.
EBIKE_KIND_DIGIT = "2"
#: The oldest production year a vehicle code may plausibly carry (the pcauto sample is 2015).
EARLIEST_VEHICLE_CODE_YEAR = 2000


def vehicle_code_year(vehicle_code: str) -> int:
    """The production year encoded in positions 6–7 of a valid vehicle code (``…19…`` -> 2019)."""
    return 2000 + int(vehicle_code[5:7])


_ALWAYS_PLAUSIBLE_UNTIL = 2025  # pragma: no mutate (a clock shortcut: any past year works)


def _latest_year(on: object) -> int:
    return business_date(on).year + 1


def validate_vehicle_code(
    value: object, *, on: object = None, field: str = "vehicle_code"
) -> list[Violation]:
    """整车编码: exactly 15 digits (no checksum exists, so none is invented).

    Warnings, not errors: ``vehicle_code.kind_digit`` when position 5 is not
    ``2`` (electric bicycle) and ``vehicle_code.year`` when positions 6–7 give
    a year before 2000 or after next year (``on`` defaults to today in Shanghai).
    """
    # Fast paths: a clean code needs no normalisation (most calls, at a till or in bulk),
    # and one of a 2000–2025 electric bicycle has nothing to report.
    if type(value) is str and _CLEAN_VEHICLE_CODE.fullmatch(value):
        return []
    if type(value) is str and _DIGITS_15.fullmatch(value):
        text = value
    else:
        cleaned = code_text(
            value, code="vehicle_code", field=field, thing="vehicle code", thing_zh="整车编码"
        )
        if isinstance(cleaned, Violation):
            return [cleaned]
        text = cleaned
    if not _DIGITS_15.fullmatch(text):
        return [
            violation(
                "vehicle_code.format",
                field,
                "The vehicle code must be exactly 15 digits.",
                "整车编码应为15位数字。",
                value=text[:32],
                allowed="15 digits",
            )
        ]
    found: list[Violation] = []
    if text[4] != EBIKE_KIND_DIGIT:
        found.append(
            violation(
                "vehicle_code.kind_digit",
                field,
                f"Digit 5 of the vehicle code is {text[4]}, not 2 (electric bicycle); "
                "check the code against the frame.",
                f"整车编码第5位为{text[4]}，不是2（电动自行车），请核对车架上的编码。",
                severity="warning",
                value=text,
                allowed=EBIKE_KIND_DIGIT,
            )
        )
    year = vehicle_code_year(text)
    # Years up to _ALWAYS_PLAUSIBLE_UNTIL are in the past whenever this runs, so the
    # clock is read only for a code claiming a later year.
    shortcut = year <= _ALWAYS_PLAUSIBLE_UNTIL  # pragma: no mutate (the clock shortcut)
    latest = _ALWAYS_PLAUSIBLE_UNTIL if shortcut else _latest_year(on)
    if not EARLIEST_VEHICLE_CODE_YEAR <= year <= latest:
        found.append(
            violation(
                "vehicle_code.year",
                field,
                f"Digits 6–7 of the vehicle code give the implausible production year {year}.",
                f"整车编码第6–7位表示的生产年份 {year} 不合理。",
                severity="warning",
                value=text,
                allowed=f"{EARLIEST_VEHICLE_CODE_YEAR}–{latest}",
            )
        )
    return found


def validate_motor_code(value: object, *, field: str = "motor_code") -> list[Violation]:
    """电动机编码: maker-defined [U], so only 1–32 letters, digits or hyphens, upper-cased."""
    if type(value) is str and _MOTOR_CODE.fullmatch(value):
        return []  # fast path: already clean
    text = code_text(value, code="motor_code", field=field, thing="motor code", thing_zh="电机编码")
    if isinstance(text, Violation):
        return [text]
    if _MOTOR_CODE.fullmatch(text):
        return []
    return [
        violation(
            "motor_code.format",
            field,
            "The motor code may contain only letters, digits and hyphens (at most 32).",
            "电机编码只能包含字母、数字和连字符，最多32位。",
            value=text[:40],
            allowed="[A-Z0-9-]{1,32}",
        )
    ]


def validate_ccc_number(
    value: object, *, on: object = None, field: str = "ccc_number"
) -> list[Violation]:
    """CCC证书编号: 16 digits, the first four the year of first issue.

    A year before 2001 (CCC began in 2002) or after ``on``'s year is an error:
    the number cannot be real. Positions 5–6 (``01`` = CQC) and 7–10 (``1119``
    for e-bikes, one sample only [S]) are not checked.
    """
    if type(value) is str and _DIGITS_16.fullmatch(value):
        text = value  # fast path: already clean
    else:
        cleaned = code_text(
            value,
            code="ccc_number",
            field=field,
            thing="CCC certificate number",
            thing_zh="CCC证书编号",
        )
        if isinstance(cleaned, Violation):
            return [cleaned]
        text = cleaned
    if not _DIGITS_16.fullmatch(text):
        return [
            violation(
                "ccc_number.format",
                field,
                "The CCC certificate number must be exactly 16 digits.",
                "CCC证书编号应为16位数字。",
                value=text[:32],
                allowed="16 digits",
            )
        ]
    year = int(text[:4])
    if on is not None:
        latest = business_date(on).year
    else:
        shortcut = year <= _ALWAYS_PLAUSIBLE_UNTIL  # pragma: no mutate (the clock shortcut)
        latest = _ALWAYS_PLAUSIBLE_UNTIL if shortcut else today_shanghai().year
    if not 2001 <= year <= latest:
        return [
            violation(
                "ccc_number.year",
                field,
                f"The CCC certificate number starts with the impossible issue year {year}.",
                f"CCC证书编号前4位表示的发证年份 {year} 不可能。",
                value=text,
                allowed=f"2001–{latest}",
            )
        ]
    return []


def validate_certificate_number(
    value: object, *, field: str = "certificate_number"
) -> list[Violation]:
    """合格证编号: 10–20 letters and digits (samples are 17; the structure is unknown [U])."""
    text = code_text(
        value,
        code="certificate_number",
        field=field,
        thing="certificate number",
        thing_zh="合格证编号",
    )
    if isinstance(text, Violation):
        return [text]
    if _CERTIFICATE_NUMBER.fullmatch(text):
        return []
    return [
        violation(
            "certificate_number.format",
            field,
            "The certificate of conformity number must be 10–20 letters and digits.",
            "合格证编号应为10–20位字母或数字。",
            value=text[:32],
            allowed="[A-Z0-9]{10,20}",
        )
    ]
