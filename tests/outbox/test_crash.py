"""The crash test: 300 sales queued while the bureau is down, then synced through 20+ kill -9s.

At the end the bureau holds exactly 300 registrations (no duplicate, no loss)
and every outbox item is terminal. One till's SQLite file (leases judged by process ids);
the hub's version, on PostgreSQL with four workers, is test_hub_crash.py.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from vehreg_sdk.outbox import ItemStatus, Outbox
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .bureau import CountingSandbox, registrations_at_bureau

WORKER = Path(__file__).with_name("sync_worker.py")
SALES = 300
#: Kills of the random-kill phase. Each is placed by an event of the worker (its Nth
#: answered POST), not by a clock, so a loaded machine cannot make a kill miss: every
#: round kills a worker that still has sales in hand (each round syncs at most 4).
KILLS = 22

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="kill -9")]


def _spawn(db: Path, bureau: CountingSandbox, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), "--db", str(db), *bureau.worker_args(), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )


def _wait_ready(proc: subprocess.Popen[str], timeout: float = 120.0) -> bool:
    """The worker said ``ready`` (``timeout`` only guards against a hang: importing can take
    many seconds on a loaded machine)."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return bool(ready) and proc.stdout.readline().strip() == "ready"


def _wait_line(proc: subprocess.Popen[str], expected: str, timeout: float = 60.0) -> bool:
    """The worker's next line is ``expected`` (``timeout`` only guards against a hang)."""
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return bool(ready) and proc.stdout.readline().strip() == expected


def test_kill_9_during_sync_never_duplicates_or_loses(tmp_path: Path) -> None:
    rng = random.Random(20190401)
    db = tmp_path / "shop.db"
    bureau = CountingSandbox(tmp_path / "bureau.db")
    store = bureau.dealer.store_ids[0]
    codes = sellable_vehicle_codes(SALES, start=3000)

    # 1. The bureau is down: the till queues every sale.
    with Outbox(db) as box:
        local_ids = [
            box.enqueue(demo_registration_body(code, store, index=n)).local_id
            for n, code in enumerate(codes)
        ]
    offline = _spawn(db, bureau)
    assert offline.wait(timeout=60) == 0
    with Outbox(db) as box:
        assert box.counts()[ItemStatus.QUEUED] == SALES  # tried, failed, still queued

    # 2. The bureau comes back. First one deterministic crash between "sent" and "recorded":
    #    the worker kills itself (SIGKILL) right after the bureau answered its third POST.
    bureau.start()
    try:
        crashed = _spawn(db, bureau, "--until-done", "--lease", "1.0", "--kill-after-posts", "3")
        assert _wait_ready(crashed)
        assert crashed.wait(timeout=60) == -signal.SIGKILL
        assert crashed.stdout is not None
        lines = crashed.stdout.read().split()
        crashed.stdout.close()
        unrecorded = lines[lines.index("killed-after-post") + 1]
        assert bureau.counter is not None and bureau.counter.posts[unrecorded] == 1
        with Outbox(db) as box:
            lost_answer = box.get(unrecorded)
        assert lost_answer.status == ItemStatus.SUBMITTING  # sent and answered, not recorded
        assert lost_answer.registration_id is None
        kills = 1

        # Then sync is killed at random points, again and again: half the rounds the worker
        # kills itself right after its Nth answered POST (before recording it); the other
        # half the test kills it a random moment after it announced its Nth answered POST.
        started = time.monotonic()
        rounds = 0
        while kills < KILLS:
            rounds += 1
            posts = rng.randint(1, 4)
            if rounds % 2:
                proc = _spawn(db, bureau, "--until-done", "--lease", "1.0",
                              "--kill-after-posts", str(posts))  # fmt: skip
            else:
                proc = _spawn(db, bureau, "--until-done", "--lease", "1.0", "--announce-posts")
            try:
                assert _wait_ready(proc)
                if not rounds % 2:
                    for _ in range(posts):
                        assert _wait_line(proc, "posted")
                    time.sleep(rng.uniform(0.0, 0.02))
                    os.kill(proc.pid, signal.SIGKILL)
                assert proc.wait(timeout=60) == -signal.SIGKILL
                kills += 1
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=30)
                assert proc.stdout is not None
                proc.stdout.close()
        # 3. A last run to the end (it waits out the leases the killed ones left).
        final = _spawn(db, bureau, "--until-done", "--lease", "1.0")
        try:
            assert final.wait(timeout=120) == 0
        finally:
            if final.poll() is None:
                final.kill()
                final.wait(timeout=30)
            assert final.stdout is not None
            final.stdout.close()
        elapsed = time.monotonic() - started

        with Outbox(db) as box:
            items = box.list()
            statuses = Counter(str(i.status) for i in items)
            lease_retakes = sum(1 for h in box.history() if h.event == "lease_expired")
        assert statuses == {"plate_assigned": SALES}, statuses
        assert len({i.registration_id for i in items}) == SALES

        client = bureau.client()
        at_bureau = registrations_at_bureau(client)
        client.close()
        assert len(at_bureau) == SALES
        assert sorted(r.vehicle.vehicle_code for r in at_bureau) == sorted(codes)
        assert {r.client_reference for r in at_bureau} == set(local_ids)
        assert {r.id for r in at_bureau} == {i.registration_id for i in items}

        assert bureau.counter is not None
        posts = bureau.counter.posts
        assert set(posts) == set(local_ids)  # every request carried its item's own key
        resent = sum(n - 1 for n in posts.values())
        replayed = sum(bureau.counter.replayed.values())
        print(
            f"\ncrash test: {kills} kills in {rounds} rounds, {lease_retakes} leases retaken, "
            f"{resent} resends, {replayed} answered by replay, {elapsed:.1f} s"
        )
        assert kills == KILLS
        # The crash between "sent" and "recorded" really happened and was repaired by
        # sending again under the same key, which the bureau answered from its record.
        assert resent >= 1 and replayed >= 1
        assert posts[unrecorded] >= 2 and bureau.counter.replayed[unrecorded] >= 1
        assert lease_retakes >= 1
    finally:
        bureau.stop()
