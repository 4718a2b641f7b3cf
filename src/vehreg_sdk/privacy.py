"""Masking of personal data (PIPL): ID numbers, mobiles, names and addresses.

There is no single legally mandated pattern (GB/T 35273 only asks for
de-identified display), so the patterns are configurable. The defaults hide
the birth date of an ID number, the middle of a mobile, and all but the
surname of a name. Logs, ``repr()`` of models and exception messages use
these functions, always.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

__all__ = [
    "MaskingLogFilter",
    "MaskingPolicy",
    "get_policy",
    "mask_address",
    "mask_id_number",
    "mask_mobile",
    "mask_name",
    "mask_text",
    "masked_logger",
    "set_policy",
]


@dataclass(frozen=True, slots=True)
class MaskingPolicy:
    """How much of each kind of personal data stays visible.

    ``id_keep_start``/``id_keep_end``: characters of an ID number kept at each
    end (default 4 and 4: ``3207**********1234``; the 8-digit birth date is
    always hidden). ``mobile_keep_start``/``mobile_keep_end`` for mobiles
    (``138****1234``). ``name_keep_start``: characters of a name kept
    (``张*``). ``mask_char`` is the replacement character.
    """

    id_keep_start: int = 4
    id_keep_end: int = 4
    mobile_keep_start: int = 3
    mobile_keep_end: int = 4
    name_keep_start: int = 1
    address_keep_chars: int = 6
    mask_char: str = "*"

    def __post_init__(self) -> None:
        if self.id_keep_start + self.id_keep_end > 10:
            raise ValueError("an ID mask must hide at least the 8-digit birth date")
        if len(self.mask_char) != 1:
            raise ValueError("mask_char must be one character")


_policy = MaskingPolicy()


def get_policy() -> MaskingPolicy:
    return _policy


def set_policy(policy: MaskingPolicy) -> None:
    """Replace the process-wide masking policy (for example first 6 and last 4 of an ID)."""
    global _policy
    _policy = policy


def _mask_middle(value: str, keep_start: int, keep_end: int, char: str) -> str:
    if len(value) <= keep_start + keep_end:
        # Too short to keep both ends: keep at most the first character.
        return value[:1] + char * max(len(value) - 1, 1) if value else value
    end = value[len(value) - keep_end :] if keep_end else ""
    return value[:keep_start] + char * (len(value) - keep_start - keep_end) + end


def mask_id_number(value: str, policy: MaskingPolicy | None = None) -> str:
    """``320705200801011234`` (fictional) -> ``3207**********1234`` (default policy)."""
    p = policy or _policy
    return _mask_middle(value.strip(), p.id_keep_start, p.id_keep_end, p.mask_char)


def mask_mobile(value: str, policy: MaskingPolicy | None = None) -> str:
    """``13812341234`` -> ``138****1234`` (default policy)."""
    p = policy or _policy
    return _mask_middle(value.strip(), p.mobile_keep_start, p.mobile_keep_end, p.mask_char)


def mask_name(value: str, policy: MaskingPolicy | None = None) -> str:
    """``张三`` -> ``张*``; ``张小明`` -> ``张*``: the surname stays, the length is hidden too."""
    p = policy or _policy
    value = value.strip()
    if not value:
        return value
    keep = min(p.name_keep_start, len(value) - 1)
    return value[:keep] + p.mask_char


def mask_address(value: str, policy: MaskingPolicy | None = None) -> str:
    """Keep the first characters (city and district), hide the rest."""
    p = policy or _policy
    value = value.strip()
    if len(value) <= p.address_keep_chars:
        return value[:2] + p.mask_char * max(len(value) - 2, 0)
    return value[: p.address_keep_chars] + p.mask_char * 4


_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}\d{4}\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")


def mask_text(text: str) -> str:
    """Mask every ID number and mobile that appears inside free text (log lines, messages)."""
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE_IN_TEXT.sub(lambda m: m.group(0)[:-11] + mask_mobile(m.group(0)[-11:]), text)


class MaskingLogFilter(logging.Filter):
    """Masks ID numbers and mobiles in a record's message and traceback (defence in depth).

    A filter on a logger sees only the records logged *to that logger*, not those
    propagated from its children, so every logger of ours gets one through
    :func:`masked_logger`.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; keep the record
            return True
        masked = mask_text(message)
        if masked != message or record.args:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_text(logging.Formatter().formatException(record.exc_info))
        return True


_FILTER = MaskingLogFilter()


def masked_logger(name: str) -> logging.Logger:
    """``logging.getLogger(name)`` with the masking filter attached (once). Plugins use it too."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger
