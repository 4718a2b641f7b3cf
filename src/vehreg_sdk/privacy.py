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


def _as_text(value: object) -> str:
    """What a mask function masks: text stripped; ``None`` is empty; anything else as text.

    A mask function must never raise: it runs inside log filters and ``repr()``.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("utf-8", errors="replace").strip()
    try:
        return str(value).strip()
    except Exception:  # a hostile __str__: show nothing rather than fail
        return ""


def _mask_middle(value: str, keep_start: int, keep_end: int, char: str) -> str:
    """Keep ``keep_start`` + ``keep_end`` characters, but never more than half of ``value``.

    A 9-character passport number keeps 2 + 2 (``EA*****67``), an 18-character ID number
    the policy's 4 + 4. The end keeps at most half of what may be shown, so a short value
    never shows its whole tail.
    """
    size = len(value)
    if size == 0:
        return value
    budget = size // 2
    end_keep = min(max(keep_end, 0), budget // 2)
    start_keep = min(max(keep_start, 0), budget - end_keep)
    end = value[size - end_keep :] if end_keep else ""
    return value[:start_keep] + char * (size - start_keep - end_keep) + end


#: A resident ID number (or one mistyped by a digit or two): 14-17 digits, then a digit or X.
_ID_SHAPED = re.compile(r"[0-9]{14,17}[0-9X]")
#: Characters that may show at each end of an ID-shaped number of this length without
#: showing a digit of the birth date: 18 digits (birth at 7-14) 6 + 4; the 15-digit
#: old number (birth YYMMDD at 7-12) 6 + 3; a mistyped 17 or 16 (a digit or two missing
#: before the birth date moves it left, one too many after it moves the end away) 5 + 3
#: and 4 + 2.
_ID_VISIBLE_ENDS = {18: (6, 4), 17: (5, 3), 16: (4, 2), 15: (6, 3)}


def mask_id_number(
    value: object, policy: MaskingPolicy | None = None, *, id_type: str | None = None
) -> str:
    """``320705200801011234`` (fictional) -> ``3207**********1234`` (default policy).

    Never more than half of any number shows (a 9-character passport number
    ``EA1234567`` -> ``EA*****67``), and never a digit of the birth date of a
    resident ID number, whether 18 digits, the old 15 or mistyped as 16 or 17.
    ``id_type`` (GA 24: ``A`` resident ID …) is accepted for callers that know it;
    the mask depends on the number's shape, so a resident ID number typed under
    another document type is masked as one. ``None`` and non-strings never raise.
    """
    del id_type  # the shape decides: a clerk may pick the wrong type
    p = policy or _policy
    text = _as_text(value)
    start, end = p.id_keep_start, p.id_keep_end
    if _ID_SHAPED.fullmatch(text.upper()):
        max_start, max_end = _ID_VISIBLE_ENDS[len(text)]
        start, end = min(start, max_start), min(end, max_end)
    return _mask_middle(text, start, end, p.mask_char)


def mask_mobile(value: object, policy: MaskingPolicy | None = None) -> str:
    """``13812341234`` -> ``138****1234`` (default policy).

    An 11-digit mobile keeps the national convention, 3 + 4 (GB/T 35273 practice,
    docs/domain.md §9): the first 3 digits are the carrier's prefix, shared by
    millions; of the 8 digits that identify a subscriber half show. Any other text
    shows at most half of itself.
    """
    p = policy or _policy
    text = _as_text(value)
    if len(text) == 11 and text.isdigit():
        return text[: p.mobile_keep_start] + p.mask_char * 4 + text[11 - p.mobile_keep_end :]
    return _mask_middle(text, p.mobile_keep_start, p.mobile_keep_end, p.mask_char)


def mask_name(value: object, policy: MaskingPolicy | None = None) -> str:
    """``张三`` -> ``张*``; ``张小明`` -> ``张*``: the surname stays, the length is hidden too."""
    p = policy or _policy
    text = _as_text(value)
    if not text:
        return text
    keep = min(p.name_keep_start, len(text) - 1)
    return text[:keep] + p.mask_char


def mask_address(value: object, policy: MaskingPolicy | None = None) -> str:
    """Keep the first characters (city and district), hide the rest."""
    p = policy or _policy
    text = _as_text(value)
    if len(text) <= p.address_keep_chars:
        return text[:2] + p.mask_char * max(len(text) - 2, 0)
    return text[: p.address_keep_chars] + p.mask_char * 4


_MMDD = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
#: A resident ID number inside free text: 18 characters (birth year 18xx-20xx), the same
#: cut or mistyped to 16 or 17, or the old 15 digits with a real YYMMDD birth date.
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])[1-9][0-9]{5}"
    rf"(?:(?:18|19|20)[0-9]{{2}}(?:0[1-9]|1[0-2])[0-9]{{2}}[0-9]{{1,3}}[0-9Xx]|[0-9]{{2}}{_MMDD}[0-9]{{3}})"
    r"(?![0-9A-Za-z])"
)
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")


def mask_text(text: object) -> str:
    """Mask every ID number and mobile that appears inside free text (log lines, messages).

    ID numbers of 18 characters, the old 15 digits, and 16 or 17 (one cut short or
    mistyped) are found; ``None`` and non-strings never raise.
    """
    if not isinstance(text, str):
        text = _as_text(text)
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
