"""``vehreg outbox sync --every N``: the sync loop a service or a scheduled task runs.

One round every ``N`` seconds; while the bureau is unreachable the wait doubles up to
``--max-backoff``. The loop stops cleanly between rounds on Ctrl+C (SIGINT), Ctrl+Break
(SIGBREAK, Windows) and a service stop (SIGTERM; WinSW and NSSM send Ctrl+C / Ctrl+Break
to a console program): the round under way finishes, nothing is left half-sent, and the
exit code is 0. A second Ctrl+C interrupts at once (exit 130; leases are reclaimed).
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from ._failures import (
    EXIT_NO_INPUT,
    EXIT_NOT_CONFIGURED,
    EXIT_OK,
    EXIT_UNREACHABLE,
    EXIT_USAGE,
    say,
)

#: a round ending with one of these stops the loop: waiting does not repair them
FATAL_EXITS = frozenset({EXIT_NOT_CONFIGURED, EXIT_NO_INPUT, EXIT_USAGE})


def stop_signals() -> list[signal.Signals]:
    """The signals that ask the loop to stop on this platform."""
    names = ["SIGINT", "SIGTERM", "SIGBREAK" if sys.platform == "win32" else "SIGHUP"]
    return [getattr(signal, n) for n in names if hasattr(signal, n)]


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While inside, a stop signal sets ``stop``; a second SIGINT raises KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be set from the main thread (tests' runners)
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in stop_signals()}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def next_wait(every_s: float, failures: int, max_backoff_s: float) -> float:
    """Seconds until the next round: ``every_s``, doubled per consecutive failed round."""
    if failures <= 0:
        return every_s
    return float(min(every_s * 2.0 ** min(failures, 30), max(every_s, max_backoff_s)))


def run_every(
    one_round: Callable[[], int],
    *,
    every_s: float,
    max_backoff_s: float,
    stop: threading.Event | None = None,
) -> int:
    """Run ``one_round`` (which returns an exit code) until stopped; return the loop's code."""
    stop = stop or threading.Event()
    failures = 0
    with stop_on_signals(stop):
        while not stop.is_set():
            code = one_round()
            if code in FATAL_EXITS:
                return code
            failures = failures + 1 if code == EXIT_UNREACHABLE else 0
            wait = next_wait(every_s, failures, max_backoff_s)
            if failures:
                say(
                    f"Bureau unreachable ({failures} round(s) in a row): next try in {wait:g} s.",
                    f"车管所无法连接（连续 {failures} 次）：{wait:g} 秒后重试。",
                )
            stop.wait(wait)
    say("Sync loop stopped.", "同步循环已停止。")
    return EXIT_OK
