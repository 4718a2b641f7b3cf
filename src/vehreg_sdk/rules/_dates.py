"""Dates as people write them, and the business date of an ``on=`` argument.

A till, a spreadsheet or a certificate look-up writes the same day as
``2025-09-15``, ``2025/9/15``, ``2025.09.15``, ``20250915``, ``2025年09月15日``,
``2025-09-15 00:00:00`` or ``2025-09-15T08:30:00+08:00``. Every one is read;
text that is none of them is *unreadable*, which the rules report as an error
naming the field, never as "no date".

Time zones: business dates are Asia/Shanghai dates. An aware ``datetime`` (or a
date-time string with ``Z`` or an offset) counts as its date in Shanghai
(``2025-09-14T23:30:00Z`` is 2025-09-15). A naive ``datetime`` (or a date-time
string without an offset) is taken as Shanghai wall-clock time already: its
own date is the business date. The same reading applies everywhere, to values
and to ``on=``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Final

from ._text import normalize

__all__ = ["SHANGHAI", "UNREADABLE", "Unreadable", "as_date", "business_date", "read_date"]

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is
# exact for business dates and needs no tz database on the till.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


class Unreadable:
    """The type of :data:`UNREADABLE`: a value was given, but it is not a date."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNREADABLE"


#: What :func:`read_date` returns for a value that is there but is not a date.
UNREADABLE: Final = Unreadable()

_TIME = r"(?P<h>[01]?[0-9]|2[0-3]):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:\.(?P<f>[0-9]{1,9}))?)?"
_OFFSET = r"(?P<tz>Z|[+-][0-9]{2}(?::?[0-9]{2})?)"
_DATE_TEXT = re.compile(
    r"(?P<y>[0-9]{4})(?:"
    r"(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"|年(?P<cm>[0-9]{1,2})月(?P<cd>[0-9]{1,2})日?"
    r"|(?P<bm>[0-9]{2})(?P<bd>[0-9]{2})"
    r")"
    rf"(?:(?:[T ]|(?<=日)){_TIME}{_OFFSET}?)?"
)
# White space a clerk leaves around the parts of a date ("2025 年 9 月 15 日").
_SPACE_AROUND = re.compile(r"\s*([-/.年月日:T+Z])\s*")
_SPACES = re.compile(r"\s+")
#: Longer text is not a date (and is not normalised: a pasted page costs nothing).
_MAX_DATE_CHARS = 64  # pragma: no mutate (size guard: no date form is this long)


def read_date(value: object) -> date | Unreadable | None:
    """The business date ``value`` stands for; ``None`` if absent; :data:`UNREADABLE` if not a date.

    ``None`` and blank text are absent. A ``date`` is itself, a ``datetime`` its
    Shanghai date (see the module text for naive ones), text any form above.
    Numbers, booleans and other objects are unreadable: a spreadsheet serial
    number such as ``45915`` is not guessed at.
    """
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if value is None:
        return None
    if not isinstance(value, str):
        return UNREADABLE
    if len(value) > _MAX_DATE_CHARS:  # pragma: no mutate (size guard)
        return UNREADABLE
    return _date_from_text(value)


@lru_cache(maxsize=1024)  # pragma: no mutate (cache size)
def _date_from_text(value: str) -> date | Unreadable | None:
    # The wire form, YYYY-MM-DD, read directly: a shortcut (no mutation: the general
    # reading below gives the same date).
    if len(value) == 10 and value[4] == "-":  # pragma: no mutate
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    text = normalize(value)
    if not text:
        return None
    text = _SPACE_AROUND.sub(r"\1", _SPACES.sub(" ", text))
    match = _DATE_TEXT.fullmatch(text)
    if match is None:
        return UNREADABLE
    year = int(match["y"])
    month = int(match["m"] or match["cm"] or match["bm"])
    day = int(match["d"] or match["cd"] or match["bd"])
    try:
        written = date(year, month, day)
        if match["h"] is None:
            return written
        moment = datetime(
            year,
            month,
            day,
            int(match["h"]),
            int(match["mi"]),
            int(match["s"] or 0),  # pragma: no mutate (a second more never changes the day)
            int((match["f"] or "0")[:6].ljust(6, "0")),
        )
    except ValueError:
        return UNREADABLE
    offset = match["tz"]
    if offset is None:
        return written  # naive: Shanghai wall-clock time, its own date
    return moment.replace(tzinfo=_parse_offset(offset)).astimezone(SHANGHAI).date()


def _parse_offset(text: str) -> timezone:
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:4] or 0)
    return timezone(timedelta(minutes=-minutes if text[0] == "-" else minutes))


def as_date(value: object) -> date | None:
    """The business date of ``value``, or ``None`` when it is absent *or unreadable*.

    For rules that report an unreadable date themselves, use :func:`read_date`.
    """
    day = read_date(value)
    return day if isinstance(day, date) else None


def today_shanghai() -> date:
    """Today's business date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def business_date(on: object) -> date:
    """The business date of an ``on=`` argument: today in Shanghai for ``None``.

    A ``date``, an aware ``datetime`` (its Shanghai date), a naive one (its own
    date) or text :func:`read_date` reads. Anything else is a programming
    error, not a clerk's: ``TypeError``.
    """
    if type(on) is date:
        return on
    if on is None:
        return today_shanghai()
    day = read_date(on)
    if isinstance(day, date):
        return day
    raise TypeError(
        f"on= must be a date, a datetime or a date string, not {type(on).__name__} {on!r:.40}"
    )
