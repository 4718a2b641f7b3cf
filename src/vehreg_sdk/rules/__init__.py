"""Domain rules: pure functions and data, no I/O (being built; see issue 4)."""

from ._violation import Severity, Violation, errors_only

__all__ = ["Severity", "Violation", "errors_only"]
