"""Plate-number selection (选号): a draw of candidates or a self-composed number, and its hold."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ..rules._text import normalize_code
from ._base import InputModel, WireModel

PlateKindCode = Literal["01", "02", "51", "52"]


class PlateSelectionStatus(StrEnum):
    OPEN = "open"
    RESERVED = "reserved"
    CONFIRMED = "confirmed"
    EXPIRED = "expired"
    RELEASED = "released"


class PlateSelectionCreate(InputModel):
    """The body of ``POST /v1/plate-selections``."""

    vin: str = Field(min_length=1, max_length=64)
    plate_kind: PlateKindCode
    method: Literal["draw", "self_composed"] = "draw"
    number: str | None = Field(default=None, max_length=16)
    """The self-composed number (``self_composed`` only), e.g. ``苏GA2345``."""

    @field_validator("vin", "number", mode="before")
    @classmethod
    def _code(cls, value: Any) -> Any:
        return normalize_code(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _number_with_method(self) -> PlateSelectionCreate:
        if (self.method == "self_composed") != (self.number is not None):
            raise ValueError("number is given exactly when method is self_composed")
        return self


class PlateSelection(WireModel):
    """A selection: ``open`` (candidates drawn), ``reserved`` until ``reserved_until``,
    ``confirmed`` by a registration, ``expired`` or ``released``."""

    id: str
    object: str = "plate_selection"
    vin: str
    plate_kind: str
    method: str
    status: PlateSelectionStatus | str
    candidates: list[str] = Field(default_factory=list)
    number: str | None = None
    reserved_until: datetime | None = None
    registration_id: str | None = None
    created_at: datetime
    updated_at: datetime | None = None
