"""``vehreg outbox sync --every N``: the loop a Windows service or a boot task runs.

Run as a real subprocess against the sandbox on loopback: it syncs round after round,
backs off while the bureau is down, delivers once it is back, and stops cleanly (exit 0)
on Ctrl+C / Ctrl+Break / a service stop.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outbox.bureau import CountingSandbox
from outbox.outbox_support import sale_payload
from vehreg_sdk.cli import app
from vehreg_sdk.cli._every import next_wait, run_every
from vehreg_sdk.cli._failures import EXIT_NOT_CONFIGURED, EXIT_OK, EXIT_UNREACHABLE
from vehreg_sdk.outbox import Outbox
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

WINDOWS = sys.platform == "win32"


class Loop:
    """``vehreg outbox sync --every`` in its own process, its stderr read line by line."""

    def __init__(self, db: Path, bureau: CountingSandbox, home: Path) -> None:
        env = {
            **os.environ,
            "VEHREG_HOME": str(home),
            "VEHREG_BASE_URL": bureau.base_url,
            "VEHREG_APP_KEY": bureau.dealer.app_key,
            "VEHREG_APP_SECRET": bureau.dealer.app_secret,
            "VEHREG_TIMEOUT": "0.5",
            "PYTHONIOENCODING": "utf-8",
        }
        args = ["outbox", "sync", "--db", str(db), "--every", "0.2", "--max-backoff", "0.8"]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vehreg_sdk.cli", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
            # Windows: its own console group, so Ctrl+Break reaches it and not pytest.
            creationflags=subprocess.CREATE_NEW_PROCESS_GROUP if WINDOWS else 0,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            self.seen.append(line)
            found = re.search(pattern, line)
            if found:
                return found
        raise AssertionError(f"no line matching {pattern!r}; seen: {self.seen}")

    def interrupt(self) -> None:
        """Ctrl+C on POSIX; Ctrl+Break (SIGBREAK) on Windows, where Ctrl+C has no target."""
        if WINDOWS:
            self.proc.send_signal(signal.CTRL_BREAK_EVENT)
        else:
            self.proc.send_signal(signal.SIGINT)

    def finish(self, timeout: float = 30.0) -> int:
        code = self.proc.wait(timeout=timeout)
        time.sleep(0.1)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[CountingSandbox]:
    sandbox = CountingSandbox(tmp_path / "bureau.db")
    yield sandbox
    sandbox.stop()


_next_code = iter(sellable_vehicle_codes(20, start=7100))


def _queued(db: Path, n: int, bureau: CountingSandbox) -> None:
    store = bureau.dealer.store_ids[0]
    with Outbox(db) as box:
        for index in range(n):
            box.enqueue(demo_registration_body(next(_next_code), store, index=index))


def test_backs_off_while_down_delivers_when_back_and_stops_on_ctrl_c(
    tmp_path: Path, bureau: CountingSandbox
) -> None:
    db = tmp_path / "shop.db"
    _queued(db, 2, bureau)
    loop = Loop(db, bureau, tmp_path / "home")
    try:
        waits = [float(loop.wait_for(r"next try in ([\d.]+) s").group(1)) for _ in range(3)]
        assert waits == sorted(waits) and waits[-1] > waits[0]  # backing off
        assert max(waits) <= 0.8
        bureau.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Outbox(db) as box:
                if box.counts()["plate_assigned"] == 2:
                    break
            time.sleep(0.2)
        with Outbox(db) as box:
            assert box.counts()["plate_assigned"] == 2, (box.counts(), loop.seen)
        _queued(db, 1, bureau)  # a later sale is picked up by a later round of the same loop
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with Outbox(db) as box:
                if box.counts()["plate_assigned"] == 3:
                    break
            time.sleep(0.2)
        loop.interrupt()
        code = loop.finish()
    finally:
        if loop.proc.poll() is None:
            loop.proc.kill()
    assert code == EXIT_OK, loop.seen
    assert any("Sync loop stopped" in line for line in loop.seen)
    assert not any("Traceback" in line for line in loop.seen)
    assert bureau.counter is not None
    assert all(n == 1 for n in bureau.counter.posts.values())  # no duplicate registration
    with Outbox(db) as box:
        assert box.counts()["plate_assigned"] == 3


@pytest.mark.skipif(WINDOWS, reason="SIGTERM cannot be delivered to a process on Windows")
def test_a_service_stop_sigterm_ends_the_loop_with_exit_0(
    tmp_path: Path, bureau: CountingSandbox
) -> None:
    db = tmp_path / "shop.db"
    _queued(db, 1, bureau)
    loop = Loop(db, bureau, tmp_path / "home")
    try:
        loop.wait_for(r"next try in")
        loop.proc.send_signal(signal.SIGTERM)
        code = loop.finish()
    finally:
        if loop.proc.poll() is None:
            loop.proc.kill()
    assert code == EXIT_OK, loop.seen
    with Outbox(db) as box:
        assert box.counts()["queued"] == 1  # kept for the next start


def test_wait_doubles_per_failed_round_up_to_the_cap() -> None:
    assert [next_wait(5, n, 60) for n in range(6)] == [5, 10, 20, 40, 60, 60]
    assert next_wait(120, 3, 60) == 120  # the cap never shortens the normal interval


def test_rounds_repeat_and_an_unfixable_one_ends_the_loop() -> None:
    codes = iter([EXIT_OK, EXIT_UNREACHABLE, EXIT_OK, EXIT_NOT_CONFIGURED, EXIT_OK])
    calls: list[int] = []

    def one_round() -> int:
        code = next(codes)
        calls.append(code)
        return code

    assert run_every(one_round, every_s=0.01, max_backoff_s=0.02) == EXIT_NOT_CONFIGURED
    assert calls == [EXIT_OK, EXIT_UNREACHABLE, EXIT_OK, EXIT_NOT_CONFIGURED]


def test_stop_set_between_rounds_ends_with_exit_0() -> None:
    stop = threading.Event()
    rounds: list[int] = []

    def one_round() -> int:
        rounds.append(1)
        if len(rounds) == 3:
            stop.set()  # what the SIGINT/SIGTERM/SIGBREAK handler does
        return EXIT_OK

    assert run_every(one_round, every_s=0.01, max_backoff_s=0.01, stop=stop) == EXIT_OK
    assert len(rounds) == 3


def test_no_credentials_ends_the_loop_with_exit_7(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "shop.db"
    with Outbox(db) as box:
        box.enqueue(sale_payload(7))
    for name in ("VEHREG_BASE_URL", "VEHREG_APP_KEY", "VEHREG_APP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VEHREG_HOME", str(tmp_path / "empty-home"))
    result = CliRunner().invoke(app, ["outbox", "sync", "--db", str(db), "--every", "0.1"])
    assert result.exit_code == EXIT_NOT_CONFIGURED, result.output
    assert "VEHREG_BASE_URL" in result.output and "车管所服务地址" in result.output
