"""Business days and instants in query parameters: what a ``date`` or ``datetime`` argument means.

The bureau's list filters take instants (``created_gte``/``created_lt``: RFC 3339
with an offset) and business days (``created_on``: an Asia/Shanghai date). A
dealer's "today" is an Asia/Shanghai day, so:

* a ``date`` (or a ``YYYY-MM-DD`` string) given as an instant is that day's
  00:00 in Asia/Shanghai (``2026-11-26T00:00:00+08:00``), never UTC midnight;
* an aware ``datetime`` is sent as it is, with its own offset;
* a naive ``datetime`` is read as Asia/Shanghai wall-clock time, as the rules
  read it (``vehreg_sdk.rules``), and sent with ``+08:00``;
* any other string is sent as given (the bureau answers 400 if it is not RFC 3339).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from .rules._input import SHANGHAI

__all__ = ["shanghai_day", "shanghai_instant"]

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def shanghai_instant(value: datetime | date | str) -> str:
    """The RFC 3339 text of an instant argument (see the module docstring)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=SHANGHAI)
        return aware.isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time(), SHANGHAI).isoformat()
    if _DAY.fullmatch(value):
        return datetime.combine(date.fromisoformat(value), time(), SHANGHAI).isoformat()
    return value


def shanghai_day(value: datetime | date | str) -> str:
    """The ``YYYY-MM-DD`` text of a business-day argument: an aware ``datetime`` counts by
    its Asia/Shanghai date, a naive one by its own date; a string is sent as given."""
    if isinstance(value, datetime):
        local = value.astimezone(SHANGHAI) if value.tzinfo is not None else value
        return local.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value
