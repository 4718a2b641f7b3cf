"""Kill and resume: ``vehreg bulk submit`` of 2,000 rows killed 10 times, then exactly 2,000 plates.

The sandbox and every ``vehreg bulk submit`` run in their own processes. Each
run is killed when the journal shows a randomly chosen number of rows done
(seeded, so a failure can be replayed): seven with SIGKILL (no chance to
clean up) and three with SIGINT (Ctrl-C, which must print the command to
resume). A last run finishes. The bureau must then hold exactly one live
registration per row of the file, none twice.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.cli_runs import CLI, cli_env, registered_in_journal, sandbox_process

from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import CAMPUS, STORE

pytestmark = [pytest.mark.slow]

#: Windows has no SIGINT to send to a child without a console: every stop there is a kill
#: (TerminateProcess, like SIGKILL); the Ctrl-C stops and their resume command are POSIX-only.
CAN_INTERRUPT = sys.platform != "win32"

ROWS = 2000


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    db = tmp_path / "sandbox.db"
    with sandbox_process(db) as base_url:
        yield base_url, db


def test_killed_ten_times_then_exactly_2000_registrations(
    bureau: tuple[str, Path], tmp_path: Path
) -> None:
    base_url, db = bureau
    sheet = tmp_path / "campus.csv"
    rows = list(campus_rows(ROWS, on=shanghai_date(system_clock()), seed=42))
    write_campus_sheet(sheet, rows, encoding="gbk")
    codes = {row.values["vehicle_code"] for row in rows}
    assert len(codes) == ROWS
    journal = tmp_path / "campus.journal.sqlite"
    env = cli_env(base_url, CAMPUS, tmp_path / "cfg")
    command = [*CLI, "bulk", "submit", str(sheet), "--store", STORE, "--journal", str(journal),
               "--quiet", "--concurrency", "4", "--batch-size", "40"]  # fmt: skip
    rng = random.Random(20261126)
    targets = sorted(rng.sample(range(1, ROWS - 100), 10))
    signals = ["kill"] * 7 + ["interrupt"] * 3
    rng.shuffle(signals)

    for target, sig in zip(targets, signals, strict=True):
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, encoding="utf-8")  # fmt: skip
        deadline = time.monotonic() + 120
        while registered_in_journal(journal) < target and child.poll() is None:
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.01)
        assert child.poll() is None, f"the run ended before being killed: {child.communicate()}"
        interrupted = sig == "interrupt" and CAN_INTERRUPT
        if interrupted:
            child.send_signal(signal.SIGINT)
        else:
            child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        out, err = child.communicate(timeout=60)
        if interrupted:
            assert child.returncode == 130, (out, err)
            assert "vehreg bulk submit" in out and "--journal" in out  # how to resume

    final = subprocess.run(
        command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
    )
    assert final.returncode == 0, final.stdout + final.stderr

    with sqlite3.connect(db) as conn:
        docs = [json.loads(doc) for (doc,) in conn.execute(
            "SELECT doc FROM registrations WHERE dealer_id = ?", (CAMPUS.id,)
        )]  # fmt: skip
        batches = conn.execute("SELECT COUNT(*) FROM batches").fetchone()[0]
    assert len(docs) == ROWS  # exactly 2,000: not one more, not one less
    assert {d["vehicle"]["vehicle_code"] for d in docs} == codes  # every bike, none twice
    assert len({d["client_reference"] for d in docs}) == ROWS
    assert all(d["status"] not in ("rejected", "cancelled") for d in docs)
    # Rows in flight at a kill were sent again, and the bureau answered the resent chunks from
    # their keys: each chunk of 40 rows became exactly one batch.
    with sqlite3.connect(journal) as conn:
        resent = conn.execute("SELECT COUNT(*) FROM items WHERE attempts > 1").fetchone()[0]
    assert resent > 0
    assert batches == ROWS // 40
    with (tmp_path / "campus.result.csv").open(encoding="gb18030") as handle:
        lines = handle.read().splitlines()[1:]
    assert len(lines) == ROWS and all("已登记 registered" in line for line in lines)


def test_single_mode_killed_three_times_then_exactly_one_registration_a_row(
    bureau: tuple[str, Path], tmp_path: Path
) -> None:
    """``--mode single`` journals outcomes in groups: a kill leaves more rows ``pending``,
    which the rerun resends under the same ``Idempotency-Key``; still no bike twice."""
    base_url, db = bureau
    rows = 400
    sheet = tmp_path / "campus.csv"
    people = list(campus_rows(rows, on=shanghai_date(system_clock()), seed=43))
    write_campus_sheet(sheet, people)
    journal = tmp_path / "campus.journal.sqlite"
    env = cli_env(base_url, CAMPUS, tmp_path / "cfg")
    command = [*CLI, "bulk", "submit", str(sheet), "--store", STORE, "--journal", str(journal),
               "--quiet", "--mode", "single", "--concurrency", "4"]  # fmt: skip
    for target in (60, 170, 290):
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while registered_in_journal(journal) < target and child.poll() is None:
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.01)
        assert child.poll() is None, f"the run ended before being killed: {child.communicate()}"
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        child.communicate(timeout=60)
    final = subprocess.run(
        command, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
    )
    assert final.returncode == 0, final.stdout + final.stderr
    with sqlite3.connect(db) as conn:
        docs = [json.loads(doc) for (doc,) in conn.execute(
            "SELECT doc FROM registrations WHERE dealer_id = ?", (CAMPUS.id,)
        )]  # fmt: skip
    assert len(docs) == rows
    assert {d["vehicle"]["vehicle_code"] for d in docs} == {
        p.values["vehicle_code"] for p in people
    }
    with sqlite3.connect(journal) as conn:
        states = dict(conn.execute("SELECT status, COUNT(*) FROM items GROUP BY status").fetchall())
        resent = conn.execute("SELECT COUNT(*) FROM items WHERE attempts > 1").fetchone()[0]
    assert states == {"registered": rows} and resent > 0
