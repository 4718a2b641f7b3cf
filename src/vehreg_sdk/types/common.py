"""Shapes shared by every resource: problem details and list pages."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ._base import WireModel


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
