"""When the kernel asks again, and how long it waits first.

Transport errors, 408, 429, 5xx, and the two 409s that mean "ask again shortly, under
the same key" are retried; ``Retry-After`` wins over the exponential backoff.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from typing import Final

import httpx

from ._options import INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY, MIN_RETRY_DELAY

__all__ = [
    "IN_PROGRESS",
    "RETRYABLE_TRANSPORT",
    "TAX_PENDING",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

IN_PROGRESS: Final = "idempotency.in_progress"
#: A car's purchase-tax record has not reached the bureau yet: retried like IN_PROGRESS.
TAX_PENDING: Final = "tax.pending"
_RETRYABLE_CONFLICTS: Final = frozenset({IN_PROGRESS, TAX_PENDING})
_RETRY_STATUSES: Final = frozenset({408, 429})
RETRYABLE_TRANSPORT: Final = (httpx.NetworkError, httpx.RemoteProtocolError)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds from ``Retry-After``: a number of seconds or an HTTP date; None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - (time.time() if now is None else now)


def retry_delay(retries_taken: int, retry_after: str | None = None) -> float:
    """Seconds to wait before the next attempt.

    ``Retry-After`` wins (capped at 60 s); otherwise ``min(0.5·2^n, 8)`` reduced by up to
    25 % jitter, never below 0.1 s.
    """
    after = parse_retry_after(retry_after)
    if after is not None:
        return max(MIN_RETRY_DELAY, min(after, MAX_RETRY_AFTER))
    base = min(INITIAL_RETRY_DELAY * 2.0**retries_taken, MAX_RETRY_DELAY)
    return max(MIN_RETRY_DELAY, base * (1 - 0.25 * random.random()))


def should_retry(response: httpx.Response) -> bool:
    """408, 429, 5xx, and 409 ``idempotency.in_progress`` (the bureau is still working on
    an earlier attempt under the same key) or ``tax.pending`` (the tax office's record is
    on its way): asking again shortly, under the same key, gets the answer."""
    status = response.status_code
    if status in _RETRY_STATUSES or status >= 500:
        return True
    if status == 409 and (
        b"idempotency.in_progress" in response.content or b"tax.pending" in response.content
    ):
        try:
            return json.loads(response.content).get("code") in _RETRYABLE_CONFLICTS
        except (ValueError, AttributeError):
            return False
    return False
