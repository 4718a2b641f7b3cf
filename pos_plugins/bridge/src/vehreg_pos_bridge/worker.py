"""The bridge's background sync: woken at once by a new sale, and every few seconds anyway."""

from __future__ import annotations

import threading
import time

from vehreg_sdk.outbox import SyncReport
from vehreg_sdk.pos import Till
from vehreg_sdk.privacy import masked_logger

logger = masked_logger("vehreg_pos_bridge")


class SyncWorker:
    """Runs ``till.sync()`` in one thread; ``online`` says how the last contact went."""

    def __init__(self, till: Till, *, interval_s: float = 5.0, recheck_s: float = 20.0) -> None:
        self.till = till
        self.interval_s = interval_s
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.online: bool | None = None
        self.last_report: SyncReport | None = None
        self.last_run_at: float | None = None
        self.marked_at = -1e9
        #: after a failure, clerks' calls skip the bureau for this many seconds
        self.recheck_s = recheck_s

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="vehreg-bridge-sync", daemon=True
            )
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def mark(self, online: bool) -> None:
        """Record the outcome of any contact with the bureau (a certificate look-up too)."""
        self.online = online
        self.marked_at = time.monotonic()

    def known_offline(self) -> bool:
        """The bureau failed us less than ``recheck_s`` ago: a clerk's call answers at once
        from what is known (cached stores, no certificate) instead of waiting on it again."""
        return self.online is False and time.monotonic() - self.marked_at < self.recheck_s

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval_s)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                report = self.till.sync()
            except Exception:  # keep the worker alive whatever happens; items stay queued
                logger.exception("bridge: sync failed")
                continue
            self.last_report, self.last_run_at = report, time.time()
            if report.claimed:
                self.mark(not report.bureau_unreachable)
