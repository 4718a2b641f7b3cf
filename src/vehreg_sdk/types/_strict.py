"""JSON types as the contract means them: a boolean is not a number, text is not a number.

pydantic's lax mode reads ``true`` as 1 and ``"329900"`` as 329900, so a till
that sends ``"price_fen": true`` would sell a bike for 1 fen. These annotated
types refuse both, on the client (the input models) and in the sandbox (which
validates with the same models), with a bilingual error naming the field.

* :data:`JsonInt`: a JSON number with no fractional part (``100``; ``100.0``
  too, as JSON Schema's ``integer`` allows); never a boolean or a string.
* :data:`JsonNumber`: any JSON number; never a boolean or a string.
* :data:`JsonBool`: ``true`` or ``false`` only (not ``1``, ``"yes"``, ``"true"``).
* :data:`JsonDate`: a business date as ``YYYY-MM-DD`` text (or a ``date`` object);
  never a number (lax mode reads ``1735689600`` as 2025-01-01), a boolean, or text
  in another form. A ``datetime`` object is its business date as the rules read it
  (:func:`vehreg_sdk.rules._dates.read_date`: aware, its Asia/Shanghai date; naive,
  its own date).
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationInfo
from pydantic_core import PydanticCustomError

__all__ = ["JsonBool", "JsonDate", "JsonInt", "JsonNumber", "refuse"]


def refuse(field: str | None, english: str, chinese: str) -> PydanticCustomError:
    """A ``field.type`` error with both languages (kept apart in the context)."""
    name = field or "this field"
    name_zh = field or "此项"
    message_en = f"{name} is {english}."
    message_zh = f"{name_zh} 应为{chinese}。"
    return PydanticCustomError(
        "field.type",
        f"{message_en} / {message_zh}".replace("{", "(").replace("}", ")"),
        {"message_en": message_en, "message_zh": message_zh},
    )


def _is_whole(value: float | Decimal) -> bool:
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    return math.isfinite(value) and value.is_integer()


def _integer(value: Any, info: ValidationInfo) -> Any:
    whole = isinstance(value, int) or (isinstance(value, float | Decimal) and _is_whole(value))
    if isinstance(value, bool) or not whole:
        raise refuse(
            info.field_name,
            "an integer (a JSON number without a fraction), not true/false or text",
            "整数（不带小数的 JSON 数字），不能是 true/false 或文本",
        )
    return value


def _number(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise refuse(
            info.field_name,
            "a number (a JSON number), not true/false or text",
            "数字（JSON 数字），不能是 true/false 或文本",
        )
    return value


def _boolean(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, bool):
        raise refuse(
            info.field_name,
            "true or false (a JSON boolean), not a number or text",
            "true 或 false（JSON 布尔值），不能是数字或文本",
        )
    return value


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _date(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, datetime):
        from ..rules._dates import read_date

        return read_date(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass  # 2025-02-30: the right shape, no such day
    raise refuse(
        info.field_name,
        "a date written YYYY-MM-DD (JSON text), not a number, true/false or another form",
        "YYYY-MM-DD 格式的日期（JSON 文本），不能是数字、true/false 或其他写法",
    )


JsonInt = Annotated[int, BeforeValidator(_integer)]
JsonNumber = Annotated[float, BeforeValidator(_number)]
JsonBool = Annotated[bool, BeforeValidator(_boolean)]
JsonDate = Annotated[date, BeforeValidator(_date)]
