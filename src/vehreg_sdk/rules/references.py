"""``client_reference``: the dealer's own reference for an item, one rule on every route.

The bureau stores the reference and echoes it into events, webhooks, CSV exports
and HTTP-adjacent logs, so it is printable ASCII only (no control characters,
no CR/LF, no bidi overrides), 1 to 255 characters. The same rule runs offline
in the bulk tooling and in the sandbox bureau.
"""

from __future__ import annotations

import re
from typing import Any

from ._violation import Violation

CLIENT_REFERENCE_MAX_LENGTH = 255
CLIENT_REFERENCE_PATTERN = re.compile(r"[\x20-\x7e]{1,255}")
"""Printable ASCII (U+0020 to U+007E), 1 to 255 characters; the contract's ``pattern``."""


def is_valid_client_reference(value: Any) -> bool:
    """True when ``value`` is a string that follows the ``client_reference`` rule."""
    return isinstance(value, str) and CLIENT_REFERENCE_PATTERN.fullmatch(value) is not None


def validate_client_reference(value: Any, field: str = "client_reference") -> list[Violation]:
    """Check a ``client_reference``; never raises.

    The offending value is not echoed (it may be anything a clerk or a script typed).
    """
    if is_valid_client_reference(value):
        return []
    return [
        Violation(
            "reference.invalid",
            field,
            f"{field} is 1 to {CLIENT_REFERENCE_MAX_LENGTH} printable ASCII characters"
            " (no control characters, line breaks or non-ASCII text).",
            f"{field} 应为 1 至 {CLIENT_REFERENCE_MAX_LENGTH} 个可打印 ASCII 字符"
            "（不含控制字符、换行或非 ASCII 文字）。",
        )
    ]
