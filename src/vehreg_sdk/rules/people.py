"""People and organisations: resident ID numbers, credit codes, mobiles and ID documents.

Facts from docs/domain.md §5: the resident ID (公民身份号码, GB 11643) is
6 address + 8 birth date + 3 order + 1 MOD 11-2 check character [V]; the
unified social credit code (统一社会信用代码, GB 32100) is 18 characters with
a MOD 31 check [V]; the mobile pattern ``1[3-9]`` + 9 digits is [M]. The
check arithmetic is python-stdnum's (``stdnum.cn.ric``, ``stdnum.cn.uscc``).

Every ``value`` placed in a violation here is masked (``privacy``): the
violation may be logged or shown as it is.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric

from .. import privacy
from ._input import business_date, code_text, has_text, today_shanghai, violation
from ._violation import Violation
from .code_tables import IdDocumentType
from .credit_codes import validate_uscc

__all__ = [
    "age_on",
    "birth_date_of",
    "validate_id_document",
    "validate_mobile",
    "validate_resident_id",
    "validate_uscc",
]

#: GB 11643: the first digit is a province's region (1-9), never 0.
_RESIDENT_ID = re.compile(r"[1-9][0-9]{16}[0-9X]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Other documents (军官证, 护照, 户口簿 …) have no published structure: letters, digits,
# Chinese characters (军官证 numbers read 南字第…号) and the separators printed on them.
_RESIDENT_ID_FROM_ZERO = re.compile(r"0[0-9]{16}[0-9X]")
_OTHER_DOCUMENT = re.compile(r"[^\W_][\w()\-]{2,39}")
# GB 11643 allows the centuries 18, 19 and 20 (the standard example 440524188001010014).
_EARLIEST_BIRTH_YEAR = 1800
_ID_DOCUMENT_TYPES = {member.value: member for member in IdDocumentType}
#: A person's or unit's name: at most this many characters.
MAX_NAME_CHARS = 64


def birth_date_of(id_number: str) -> date | None:
    """The birth date in an 18-character resident ID number, or ``None`` when it has none."""
    if len(id_number) != 18 or not id_number[6:14].isdigit():
        return None
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


#: What an 18-character resident ID number says, independent of the date it is checked on:
#: (birth as YYYYMMDD when it is a real date from 1800 on, else ``None``; whether the check
#: character matches; whether the address code is known). A plain tuple: cheaper to build.
_IdFacts = tuple[int | None, bool, bool]

#: Every real MMDD (0229 included; leap years are checked apart).
_MONTH_DAYS = frozenset(
    month * 100 + day
    for month, days in enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1)
    for day in range(1, days + 1)
)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@lru_cache(maxsize=4096)  # pragma: no mutate (cache size)
def _id_facts(text: str) -> _IdFacts:
    """The facts of ``text``, which must match ``_RESIDENT_ID`` (17 digits and a digit or X).

    Cached because a number is often checked twice: when the Owner model is built and
    again in check_ebike_registration. The birth date is checked with integer arithmetic
    (the same verdict as :func:`birth_date_of`, without building a date).
    """
    number = int(text[6:14])  # YYYYMMDD
    month_day = number % 10000
    real = (
        number // 10000 >= _EARLIEST_BIRTH_YEAR
        and month_day in _MONTH_DAYS
        and (month_day != 229 or _is_leap(number // 10000))
    )
    return (
        number if real else None,
        ric.calc_check_digit(text) == text[17],
        _region_known(text[:6]),
    )


def _as_yyyymmdd(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


# Births up to this YYYYMMDD are in the past whenever this code runs, so the clock is
# read only for a later one.
_ALWAYS_PAST = 20241231  # pragma: no mutate (a clock shortcut: any past day works)


def _born_after_today(birth: int) -> bool:
    """Whether the YYYYMMDD ``birth`` is after today in Shanghai."""
    if birth <= _ALWAYS_PAST:  # pragma: no mutate (the clock shortcut)
        return False
    return birth > _as_yyyymmdd(today_shanghai())


def _clean_resident_id(value: object, field: str) -> str | Violation:
    if type(value) is str and _RESIDENT_ID.fullmatch(value):
        return value  # fast path: already clean
    return code_text(value, code="id_number", field=field, thing="ID number", thing_zh="身份证号码")


def age_on(id_number: object, on: object) -> int | None:
    """Completed years of age on ``on`` from a resident ID number; ``None`` if it has no valid date.

    Someone born on 29 February is a year older on 1 March of a common year. ``on``
    is a business date: a ``date``, or a ``datetime`` (aware: its Asia/Shanghai date).
    """
    day = business_date(on)
    text = _clean_resident_id(id_number, "id_number")
    if isinstance(text, Violation) or not _RESIDENT_ID.fullmatch(text):
        return None
    birth = _id_facts(text)[0]
    if birth is None:
        return None
    # YYYYMMDD arithmetic counts completed years exactly, 29 February included.
    return (_as_yyyymmdd(day) - birth) // 10000


@lru_cache(maxsize=4096)  # pragma: no mutate (cache size)
def _region_known(address_code: str) -> bool:
    """Whether the 6-digit address code was ever a GB/T 2260 county code (stdnum's table).

    Any period counts: the code on an ID is where the person's household was
    registered when the number was issued, not at birth, so stdnum's
    birth-year test would reject real numbers (someone born in 1990 with
    320724 灌南县, created 1996).
    """
    results = numdb.get("cn/loc").info(address_code)
    return any("county" in props for _, props in results)


def validate_resident_id(
    value: object, on: object = None, *, field: str = "id_number"
) -> list[Violation]:
    """公民身份号码: 18 characters, a real birth date not after ``on``, and the check character.

    Lower-case ``x`` is accepted (normalised to ``X``), as are full-width
    digits. ``on`` defaults to today in Shanghai. Codes: ``id_number.format``,
    ``id_number.birth_date``, ``id_number.checksum`` and the warning
    ``id_number.region`` (address code unknown to GB/T 2260; a warning
    because the table may lag behind new districts). A number starting with 0
    is ``id_number.format``: no region code starts with 0. ``on`` may be a
    ``datetime`` (aware: its Asia/Shanghai date).
    """
    if on is not None and type(on) is not date:
        on = business_date(on)
    text = _clean_resident_id(value, field)
    if isinstance(text, Violation):
        return [text]
    if not _RESIDENT_ID.fullmatch(text):
        if _RESIDENT_ID_FROM_ZERO.fullmatch(text):
            return [
                violation(
                    "id_number.format",
                    field,
                    "A resident ID number never starts with 0: its first digit is the region.",
                    "身份证号码首位不能为0：首位为地区代码。",
                    value=privacy.mask_id_number(text),
                    allowed="first digit 1-9",
                )
            ]
        return [
            violation(
                "id_number.format",
                field,
                "A resident ID number is 17 digits followed by a digit or X.",
                "身份证号码应为18位：17位数字加1位数字或X。",
                value=privacy.mask_id_number(text[:40]),
                allowed="18 characters",
            )
        ]
    birth, checksum_ok, region_known = _id_facts(text)
    found: list[Violation] = []
    if (
        birth is None
        or (isinstance(on, date) and birth > _as_yyyymmdd(on))
        or (on is None and _born_after_today(birth))
    ):
        found.append(
            violation(
                "id_number.birth_date",
                field,
                "The birth date in the ID number (digits 7–14) is not a real date of birth.",
                "身份证号码中的出生日期（第7–14位）不正确。",
                value=privacy.mask_id_number(text),
            )
        )
    if not checksum_ok:
        found.append(
            violation(
                "id_number.checksum",
                field,
                "The ID number's last character does not match; a digit was probably mistyped.",
                "身份证号码校验位不符，可能有数字录入错误。",
                value=privacy.mask_id_number(text),
            )
        )
    if not found and not region_known:
        found.append(
            violation(
                "id_number.region",
                field,
                "The first 6 digits of the ID number are not a known area code; please check.",
                "身份证号码前6位不是已知的行政区划代码，请核对。",
                severity="warning",
                value=privacy.mask_id_number(text),
            )
        )
    return found


def validate_mobile(value: object, *, field: str = "mobile") -> list[Violation]:
    """A mainland mobile: 11 digits starting ``13``–``19``; a ``+86``/``86`` prefix is allowed."""
    if type(value) is str and _MOBILE.fullmatch(value):
        return []  # fast path: already clean
    text = code_text(value, code="mobile", field=field, thing="mobile number", thing_zh="手机号码")
    if isinstance(text, Violation):
        return [text]
    digits = text.replace("-", "")
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    elif digits.startswith("+86"):
        digits = digits[3:]
    if _MOBILE.fullmatch(digits):
        return []
    return [
        violation(
            "mobile.format",
            field,
            "A mobile number is 11 digits starting with 13 to 19.",
            "手机号码应为以13至19开头的11位数字。",
            value=privacy.mask_mobile(digits[:20]),
            allowed="1[3-9] + 9 digits",
        )
    ]


def _id_document_type(id_type: object) -> IdDocumentType | Violation:
    type_text = code_text(
        id_type, code="id_type", field="id_type", thing="ID document type", thing_zh="证件类型"
    )
    if isinstance(type_text, Violation):
        return type_text
    document = _ID_DOCUMENT_TYPES.get(type_text)
    if document is not None:
        return document
    return violation(
        "id_type.unknown",
        "id_type",
        "Unknown ID document type; use a GA 24 code such as A (resident ID card).",
        "证件类型代码无效，应使用公安部代码，如 A（居民身份证）。",
        value=type_text[:8],
        allowed=[member.value for member in IdDocumentType],
    )


def validate_id_document(id_type: object, id_number: object, on: object = None) -> list[Violation]:
    """An owner's 身份证明: the GA 24 type code and the number it implies.

    ``A`` (resident ID) is checked as a resident ID number; ``N`` (credit
    code) as a unified social credit code; every other GA 24 type only needs
    3–40 letters, digits, hyphens or brackets. An unknown type is
    ``id_type.unknown``.
    """
    document = _ID_DOCUMENT_TYPES.get(id_type) if type(id_type) is str else None
    if document is None:
        document_or_violation = _id_document_type(id_type)
        if isinstance(document_or_violation, Violation):
            return [document_or_violation]
        document = document_or_violation
    if document is IdDocumentType.RESIDENT_ID:
        return validate_resident_id(id_number, on)
    if document is IdDocumentType.UNIFIED_SOCIAL_CREDIT_CODE:
        return validate_uscc(id_number)
    text = code_text(
        id_number, code="id_number", field="id_number", thing="ID number", thing_zh="证件号码"
    )
    if isinstance(text, Violation):
        return [text]
    if _OTHER_DOCUMENT.fullmatch(text):
        return []
    return [
        violation(
            "id_number.format",
            "id_number",
            f"The {document.label_en} number may contain only letters, digits, Chinese "
            "characters, hyphens and brackets (3 to 40 characters).",
            f"{document.label_zh}号码只能包含字母、数字、汉字、连字符和括号（3–40位）。",
            value=privacy.mask_id_number(text[:40]),
        )
    ]


def validate_name(value: object, *, field: str = "name") -> list[Violation]:
    """A person's or unit's name: 1–64 characters of text after normalisation.

    Codes: ``name.required`` (missing or blank), ``name.type`` and ``name.format`` (too long).
    """
    if has_text(value, max_chars=MAX_NAME_CHARS):
        return []
    if isinstance(value, str) and len(value) > MAX_NAME_CHARS:
        return [
            violation(
                "name.format",
                field,
                "The name may be at most 64 characters.",
                "姓名或名称最多64个字符。",
                allowed="<= 64 characters",
            )
        ]
    if value is not None and not isinstance(value, str):
        return [
            violation(
                "name.type",
                field,
                "The name must be text.",
                "姓名或名称应为文本。",
                value=type(value).__name__,
            )
        ]
    return [violation("name.required", field, "The name is required.", "请填写姓名或名称。")]
