"""Time as the bureau sees it: an injectable clock, RFC 3339 stamps, Asia/Shanghai dates."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone

#: Seconds since the Unix epoch. Tests inject a fake to move days ahead.
Clock = Callable[[], float]

# China has kept UTC+8 without daylight saving since 1991, so a fixed offset is
# exact and avoids needing the tzdata package on Windows.
SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def system_clock() -> float:
    """The real wall clock."""
    return time.time()


def rfc3339(ts: float) -> str:
    """``2026-11-26T07:30:00Z``: UTC, whole seconds, as every timestamp on the wire."""
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def shanghai_date(ts: float) -> date:
    """The business date in Lianyungang at ``ts``."""
    return datetime.fromtimestamp(ts, SHANGHAI).date()


#: RFC 3339 ``date-time`` (section 5.6): a full date, ``T``, a time and an offset (required).
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_rfc3339(text: str) -> float:
    """Seconds since the epoch of an RFC 3339 date-time, which must carry its offset.

    ``2026-11-26T00:00:00+08:00`` and ``2026-11-25T16:00:00Z`` are the same
    instant. A date alone, or a date-time without ``Z`` or an offset, is a
    ``ValueError``: the bureau never guesses the zone of an instant.
    """
    if not _RFC3339.fullmatch(text):
        raise ValueError("not an RFC 3339 date-time with an offset")
    date_part, time_part = text[:10], text[11:]
    whole, frac, zone = time_part[:8], "", time_part[8:]
    if zone.startswith("."):
        digits = len(zone) - len(zone.lstrip(".0123456789"))
        frac, zone = zone[1:digits], zone[digits:]
    offset = "+00:00" if zone in ("Z", "z") else zone
    # fromisoformat takes at most 6 fractional digits; nanoseconds do not matter here.
    value = datetime.fromisoformat(f"{date_part}T{whole}.{(frac or '0')[:6]:0<6}{offset}")
    return value.timestamp()


def parse_shanghai_day(text: str) -> tuple[float, float]:
    """``[start, end)`` in epoch seconds of an Asia/Shanghai calendar date ``YYYY-MM-DD``."""
    if not _DAY.fullmatch(text):
        raise ValueError("not a YYYY-MM-DD date")
    day = date.fromisoformat(text)
    start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    return start.timestamp(), (start + timedelta(days=1)).timestamp()
