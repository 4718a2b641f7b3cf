"""A token bucket per dealer: ``rate`` requests per second with a burst of ``burst``.

Off by default in :func:`vehreg_sdk.sandbox.create_app` (tests should not be
throttled); ``vehreg sandbox serve`` turns it on at 50 requests per second.
Kept in memory: a restart refills every bucket, which is harmless for a sandbox.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from .problems import ProblemError


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Thread-safe token buckets keyed by dealer id."""

    def __init__(self, rate: float, burst: int | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = float(burst if burst is not None else max(1, math.ceil(rate)))
        if self.burst < 1:
            raise ValueError("burst must be at least 1")
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, dealer_id: str, now: float) -> None:
        """Spend one token, or raise 429 ``rate_limit.exceeded`` with ``Retry-After``."""
        with self._lock:
            bucket = self._buckets.setdefault(dealer_id, _Bucket(self.burst, now))
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            wait = (1.0 - bucket.tokens) / self.rate
        raise ProblemError(
            "rate_limit.exceeded",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )
