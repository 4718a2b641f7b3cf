"""Time as the bureau sees it: an injectable clock, RFC 3339 stamps, Asia/Shanghai dates."""

from __future__ import annotations

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


def parse_rfc3339(text: str) -> float:
    """Seconds since the epoch of an RFC 3339 date-time; a naive value is taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()
