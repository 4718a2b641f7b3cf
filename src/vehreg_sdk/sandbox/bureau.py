"""The bureau's state: storage, clock, keys, settings and its background timers.

One :class:`Bureau` lives in ``app.state.bureau``. Handlers run in worker
threads, so everything here that schedules work onto the event loop is
thread-safe (``call_soon_threadsafe``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .. import _jws
from ..privacy import masked_logger
from ..rules.cars import DEFAULT_CAR_CONFIG, CarRuleConfig
from ..rules.config import DEFAULT_CONFIG, RuleConfig
from .clock import Clock, system_clock
from .ratelimit import RateLimiter
from .seed import DEMO_DEALERS
from .storage import open_database

logger = masked_logger("vehreg_sdk.sandbox")

#: ``苏G`` and six digits, numbered from 000001. Change with ``plate_format``.
DEFAULT_PLATE_FORMAT = "苏G{serial:06d}"
DEFAULT_PLATE_CAPACITY = 999_999
#: Temporary plates (临时行驶车号牌): the number format is unverified [U]; the sandbox's own.
DEFAULT_TEMPORARY_PLATE_FORMAT = "苏GL{serial:05d}"


@dataclass(frozen=True, slots=True)
class Settings:
    """What :func:`~vehreg_sdk.sandbox.create_app` was given."""

    review_delay: float = 0.0
    plate_format: str = DEFAULT_PLATE_FORMAT
    plate_capacity: int = DEFAULT_PLATE_CAPACITY
    webhook_backoff: float = 1.0
    webhook_max_attempts: int = 6
    webhook_timeout: float = 5.0
    #: The bureau's own rule settings (the minimum owner age is a policy: see docs/bulk.md).
    rule_config: RuleConfig = DEFAULT_CONFIG
    #: Seconds an idempotency record is kept, then purged (24 h).
    idempotency_ttl: float = 24 * 3600.0
    #: How long a chosen plate number stays reserved before it is freed (选号 hold).
    plate_hold_seconds: float = 600.0
    #: The car rules the bureau applies (station scope, selection rules, tax relief).
    car_rules: CarRuleConfig = DEFAULT_CAR_CONFIG
    #: ``str.format`` pattern with ``{serial}`` of the temporary plates the bureau issues.
    temporary_plate_format: str = DEFAULT_TEMPORARY_PLATE_FORMAT


class Bureau:
    """Everything a request handler needs; one per app."""

    def __init__(
        self,
        db_path: Path | str,
        settings: Settings,
        *,
        clock: Clock | None = None,
        rate_limiter: RateLimiter | None = None,
        key_seed: bytes | None = None,
    ) -> None:
        #: SQLite (a file path) or PostgreSQL (a ``postgresql://`` URL, for several workers).
        self.db = open_database(db_path)
        self.settings = settings
        self.clock: Clock = clock or system_clock
        self.rate_limiter = rate_limiter
        self.signing_key, self.kid = self._load_key(key_seed)
        self._seed_dealers()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._timers: set[asyncio.TimerHandle] = set()
        #: Set on shutdown: the batch worker stops after the item in hand.
        self.closed = threading.Event()
        #: Set by the app factory: what runs when reviews are due / events await delivery.
        self.review_job: Callable[[], Awaitable[None]] | None = None
        self.delivery_job: Callable[[], Awaitable[None]] | None = None

    # ------------------------------------------------------------------ set-up

    def _load_key(self, key_seed: bytes | None) -> tuple[Ed25519PrivateKey, str]:
        if key_seed is not None:
            private = hashlib.sha256(b"vehreg-sandbox-bureau-key\0" + key_seed).digest()
        else:
            # Made once per database file and kept in it, so tokens verify after a restart.
            private = Ed25519PrivateKey.generate().private_bytes_raw()
        stored = self.db.set_meta_if_absent("bureau_ed25519_private", private.hex())
        if key_seed is not None and stored != private.hex():
            raise ValueError("this sandbox database already holds a different bureau key")
        key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(stored))
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return key, "sandbox-" + hashlib.sha256(public).hexdigest()[:12]

    def _seed_dealers(self) -> None:
        with self.db.write() as conn:
            for dealer in DEMO_DEALERS:
                conn.execute(
                    "INSERT OR IGNORE INTO dealers (id, name, app_key, app_secret) "
                    "VALUES (?, ?, ?, ?)",
                    (dealer.id, dealer.name, dealer.app_key, dealer.app_secret),
                )
                for store in dealer.stores:
                    conn.execute(
                        "INSERT OR IGNORE INTO stores "
                        "(id, dealer_id, name, address, district_code, phone) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            store.id,
                            dealer.id,
                            store.name,
                            store.address,
                            store.district_code,
                            store.phone,
                        ),
                    )

    def jwks(self) -> dict[str, Any]:
        """The bureau's public keys as a JWKS."""
        return {"keys": [_jws.public_jwk(self.signing_key.public_key(), self.kid)]}

    # ------------------------------------------------------------------ background work

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Remember the loop serving requests, so worker threads can schedule onto it."""
        self._loop = loop
        self.closed.clear()
        self.db.reopen()

    def review_due_in(self, delay: float) -> None:
        """Run the review sweep after ``delay`` seconds (thread-safe)."""
        self._schedule(delay, self.review_job)

    def events_created(self) -> None:
        """Deliver pending webhook events soon (thread-safe)."""
        self._schedule(0.0, self.delivery_job)

    def retry_deliveries_in(self, delay: float) -> None:
        self._schedule(delay, self.delivery_job)

    def _schedule(self, delay: float, job: Callable[[], Awaitable[None]] | None) -> None:
        loop = self._loop
        if job is None or loop is None or loop.is_closed():
            return  # no loop yet: the next request's sweep picks the work up
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(self._arm, loop, max(0.0, delay), job)

    def _arm(
        self, loop: asyncio.AbstractEventLoop, delay: float, job: Callable[[], Awaitable[None]]
    ) -> None:
        handle: asyncio.TimerHandle | None = None

        def fire() -> None:
            if handle is not None:
                self._timers.discard(handle)
            task = loop.create_task(self._guard(job))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        handle = loop.call_later(delay, fire)
        self._timers.add(handle)

    @staticmethod
    async def _guard(job: Callable[[], Awaitable[None]]) -> None:
        try:
            await job()
        except asyncio.CancelledError:
            raise
        except Exception:  # a background failure must never take the server down
            logger.exception("sandbox background job failed")

    async def aclose(self) -> None:
        """Cancel timers and running jobs, stop the batch worker (on shutdown)."""
        self.closed.set()
        for handle in list(self._timers):
            handle.cancel()
        self._timers.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.db.close()
