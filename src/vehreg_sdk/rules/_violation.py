"""The result of every rule: a violation with a stable code and bilingual text."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from ..privacy import mask_text

Severity = Literal["error", "warning"]

_MASKED_ATTRIBUTES = ("message", "message_zh", "value", "allowed")


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule.

    ``code`` is stable and dotted (``ebike.max_speed_exceeded``); integrators
    may switch on it. ``field`` is a dotted path into the submitted data
    (``vehicle.vehicle_code``). ``value`` and ``allowed`` are the offending and
    permitted values; a rule on personal data puts a *masked* value here, so a
    violation can be logged or shown as it is.

    Whatever field a clerk typed it into, an ID number or a mobile never stays in a
    violation: the messages and text values are passed through
    :func:`vehreg_sdk.privacy.mask_text` when the violation is made (an ID number typed
    as a credit code, a VIN or a plate is masked like one typed as an ID number).
    """

    code: str
    field: str
    message: str
    message_zh: str
    severity: Severity = "error"
    value: Any = None
    allowed: Any = None
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in _MASKED_ATTRIBUTES:
            text = getattr(self, name)
            if type(text) is str:
                masked = mask_text(text)
                if masked != text:
                    object.__setattr__(self, name, masked)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def at(self, prefix: str) -> Violation:
        """The same violation with its field path placed under ``prefix``."""
        path = f"{prefix}.{self.field}" if self.field else prefix
        return Violation(
            self.code,
            path,
            self.message,
            self.message_zh,
            self.severity,
            self.value,
            self.allowed,
            self.extra,
        )

    def to_dict(self) -> dict[str, Any]:
        """The wire form used in problem+json ``errors[]`` (plus severity and values)."""
        out: dict[str, Any] = {
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "severity": self.severity,
        }
        if self.value is not None:
            out["value"] = self.value
        if self.allowed is not None:
            out["allowed"] = self.allowed
        return out

    def __str__(self) -> str:
        return f"{self.field}: {self.message} / {self.message_zh} [{self.code}]"


def errors_only(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.is_error]
