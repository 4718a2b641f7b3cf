"""Shapes shared by every resource: problem details and list pages."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from ..rules.references import validate_client_reference
from ._base import WireModel, raise_first_error


def _client_reference(value: Any) -> Any:
    # The raw value, before any stripping: a trailing CR/LF is refused, not trimmed away.
    if value is not None:
        raise_first_error(validate_client_reference(value))
    return value


ClientReference = Annotated[
    str, StringConstraints(strip_whitespace=False), BeforeValidator(_client_reference)
]
"""``client_reference``: 1 to 255 printable ASCII characters, taken as given (never stripped).

The one rule of every route (:func:`vehreg_sdk.rules.validate_client_reference`);
a refusal is ``reference.invalid`` with both languages.
"""


class FieldError(WireModel):
    """One entry of ``errors[]`` in a problem: the field path, a stable code and both languages."""

    field: str
    code: str
    message: str
    message_zh: str
    severity: str = "error"


class Problem(BaseModel):
    """RFC 9457 ``application/problem+json`` as the bureau sends it.

    Not a :class:`WireModel`: here ``request_id`` is a body field, not the response header.
    """

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str = ""
    status: int = 0
    code: str = "unknown"
    detail: str = ""
    detail_zh: str = ""
    request_id: str | None = None
    errors: list[FieldError] = Field(default_factory=list)
    existing_id: str | None = None


class ListEnvelope(WireModel):
    """``{"object": "list", "data": [...], "has_more": bool, "next_cursor": str | null}``."""

    object: str = "list"
    data: list[dict[str, Any]] = Field(default_factory=list)
    has_more: bool = False
    next_cursor: str | None = None
