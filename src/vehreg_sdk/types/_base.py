"""Base classes for wire models.

Two kinds, on purpose:

* :class:`WireModel` mirrors a *response*. It keeps unknown fields and accepts
  enum values it does not know, so a client keeps working against a newer
  bureau.
* :class:`InputModel` is what callers build and the sandbox receives. It
  forbids unknown fields and runs the domain rules at construction, so bad
  input fails at the till with the same bilingual message the bureau would give.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, PrivateAttr
from pydantic_core import PydanticCustomError

from ..rules._violation import Violation


class WireModel(BaseModel):
    """A response object. Unknown fields are kept; ``request_id`` names its HTTP response."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False)

    _request_id: str | None = PrivateAttr(default=None)
    #: field name -> masking function applied in ``repr()``
    _masked_fields: ClassVar[dict[str, Callable[[str], str]]] = {}

    @property
    def request_id(self) -> str | None:
        """``X-Request-Id`` of the HTTP response that carried this object (quote it to support)."""
        return self._request_id

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            masker = self._masked_fields.get(name or "")
            if masker is not None and isinstance(value, str):
                yield name, masker(value)
            else:
                yield name, value


class InputModel(BaseModel):
    """A request body part. Unknown fields are an error; strings are stripped."""

    # hide_input_in_errors: a ValidationError's text must never echo an ID number or mobile.
    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        validate_assignment=True,
        hide_input_in_errors=True,
    )

    _masked_fields: ClassVar[dict[str, Callable[[str], str]]] = {}

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            masker = self._masked_fields.get(name or "")
            if masker is not None and isinstance(value, str):
                yield name, masker(value)
            else:
                yield name, value


def raise_first_error(violations: list[Violation]) -> None:
    """Turn the first *error* violation into a pydantic error that keeps code and Chinese text.

    ``ValidationError.errors()`` then carries ``type`` = the violation code,
    ``msg`` = the English message and ``ctx['message_zh']`` = the Chinese one;
    warnings never block construction.
    """
    for violation in violations:
        if violation.is_error:
            # The message a person reads carries both languages; ctx keeps each one apart.
            text = f"{violation.message} / {violation.message_zh}"
            raise PydanticCustomError(
                violation.code,
                text.replace("{", "(").replace("}", ")"),
                {
                    "message_en": violation.message,
                    "message_zh": violation.message_zh,
                    "rule_field": violation.field,
                },
            )


def violations_from_pydantic(exc: Any, prefix: str = "") -> list[Violation]:
    """Bilingual violations from a pydantic ``ValidationError`` (rule and plain type errors)."""
    out: list[Violation] = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in err.get("loc", ()))
        path = f"{prefix}.{loc}" if prefix and loc else (prefix or loc)
        ctx = err.get("ctx") or {}
        code = str(err.get("type", "invalid"))
        message = str(err.get("msg", "invalid value"))
        if isinstance(ctx, dict) and ctx.get("message_en"):
            message = str(ctx["message_en"])
        message_zh = ctx.get("message_zh") if isinstance(ctx, dict) else None
        if not message_zh:
            code, message_zh = _generic_zh(code)
        out.append(Violation(code=code, field=path, message=message, message_zh=str(message_zh)))
    return out


# pydantic's own error types, with the Chinese a clerk reads.
_GENERIC_ZH: dict[str, tuple[str, str]] = {
    "missing": ("field.required", "此项为必填项"),
    "extra_forbidden": ("field.unknown", "不支持的字段"),
    "string_type": ("field.type", "应为文本"),
    "int_type": ("field.type", "应为整数"),
    "int_parsing": ("field.type", "应为整数"),
    "int_from_float": ("field.type", "应为整数"),
    "float_type": ("field.type", "应为数字"),
    "float_parsing": ("field.type", "应为数字"),
    "bool_type": ("field.type", "应为是或否"),
    "bool_parsing": ("field.type", "应为是或否"),
    "date_type": ("field.date", "日期格式应为 YYYY-MM-DD"),
    "date_parsing": ("field.date", "日期格式应为 YYYY-MM-DD"),
    "date_from_datetime_parsing": ("field.date", "日期格式应为 YYYY-MM-DD"),
    "datetime_parsing": ("field.datetime", "时间格式应为 ISO 8601"),
    "literal_error": ("field.choice", "取值不在允许的范围内"),
    "enum": ("field.choice", "取值不在允许的范围内"),
    "string_too_short": ("field.too_short", "内容过短"),
    "string_too_long": ("field.too_long", "内容过长"),
    "string_pattern_mismatch": ("field.format", "格式不正确"),
    "greater_than": ("field.too_small", "数值过小"),
    "greater_than_equal": ("field.too_small", "数值过小"),
    "less_than": ("field.too_large", "数值过大"),
    "less_than_equal": ("field.too_large", "数值过大"),
    "too_short": ("field.too_short", "条目过少"),
    "too_long": ("field.too_long", "条目过多"),
    "list_type": ("field.type", "应为列表"),
    "dict_type": ("field.type", "应为对象"),
    "model_type": ("field.type", "应为对象"),
    "model_attributes_type": ("field.type", "应为对象"),
    "value_error": ("field.invalid", "取值无效"),
    "json_invalid": ("body.invalid_json", "请求内容不是有效的 JSON"),
}


def _generic_zh(pydantic_type: str) -> tuple[str, str]:
    return _GENERIC_ZH.get(pydantic_type, ("field.invalid", "取值无效"))
