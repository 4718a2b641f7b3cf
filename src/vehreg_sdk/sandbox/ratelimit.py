"""A token bucket per dealer: ``rate`` requests per second with a burst of ``burst``.

Off by default in :func:`vehreg_sdk.sandbox.create_app` (tests should not be
throttled); ``vehreg sandbox serve`` turns it on at 50 requests per second.

The buckets live in the bureau's database (table ``rate_buckets``), each read and
refilled inside one write transaction, so every worker process of a sandbox
serving on PostgreSQL spends from the same bucket: N workers allow the rate
once, not N times.
"""

from __future__ import annotations

import math

from .problems import ProblemError
from .storage import Database


class RateLimiter:
    """Token buckets keyed by dealer id, kept in the bureau's database."""

    def __init__(self, rate: float, burst: int | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = float(burst if burst is not None else max(1, math.ceil(rate)))
        if self.burst < 1:
            raise ValueError("burst must be at least 1")

    def take(self, db: Database, dealer_id: str, now: float) -> None:
        """Spend one token, or raise 429 ``rate_limit.exceeded`` with ``Retry-After``."""
        with db.write() as conn:
            row = conn.execute(
                "SELECT tokens, updated_at FROM rate_buckets WHERE dealer_id = ?", (dealer_id,)
            ).fetchone()
            tokens, updated = (self.burst, now) if row is None else (float(row[0]), float(row[1]))
            # A clock that steps back (another worker's slightly later "now") refills nothing.
            tokens = min(self.burst, tokens + max(0.0, now - updated) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            conn.execute(
                "INSERT INTO rate_buckets (dealer_id, tokens, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (dealer_id) DO UPDATE SET tokens = excluded.tokens, "
                "updated_at = excluded.updated_at",
                (dealer_id, tokens, max(now, updated)),
            )
        if not allowed:
            wait = (1.0 - tokens) / self.rate
            raise ProblemError(
                "rate_limit.exceeded",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
