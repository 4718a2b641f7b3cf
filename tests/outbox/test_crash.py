"""The crash test: 300 sales queued while the bureau is down, then synced through 20+ kill -9s.

At the end the bureau holds exactly 300 registrations (no duplicate, no loss)
and every outbox item is terminal.
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
MIN_KILLS = 20
#: Bound of the random-kill phase: it ends after this many rounds whatever happens (a
#: worker that finishes before it is killed does not count as a kill).
MAX_ROUNDS = 80
#: Each worker is killed once the bureau has seen this many more POSTs (a random number
#: in the range) plus a random instant: a point in the sync judged by events, not by a
#: wall-clock sleep, so a loaded machine neither lets one round drain the outbox nor makes
#: the phase run out of time before MIN_KILLS kills (both happened with sleeps).
POSTS_BEFORE_KILL = (0, 3)
KILL_JITTER_SECONDS = 0.03
#: Hang guards only (nothing is asserted about speed): a worker importing on a loaded
#: machine, a worker that should have posted.
READY_TIMEOUT = 120.0
PROGRESS_TIMEOUT = 60.0

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="kill -9")]


def _spawn(db: Path, bureau: CountingSandbox, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), "--db", str(db), *bureau.worker_args(), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _wait_ready(proc: subprocess.Popen[str], timeout: float = READY_TIMEOUT) -> bool:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return bool(ready) and proc.stdout.readline().strip() == "ready"


def _posts_seen(bureau: CountingSandbox) -> int:
    assert bureau.counter is not None
    return sum(bureau.counter.posts.values())


def _wait_for_posts(proc: subprocess.Popen[str], bureau: CountingSandbox, target: int) -> None:
    """Until the bureau has seen ``target`` POSTs in all, or the worker ended by itself."""
    give_up = time.monotonic() + PROGRESS_TIMEOUT
    while _posts_seen(bureau) < target and proc.poll() is None:
        assert time.monotonic() < give_up, f"no progress: {_posts_seen(bureau)} < {target}"
        time.sleep(0.005)


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

        # Then sync is killed at random points, again and again (bounded in rounds).
        started = time.monotonic()
        rounds = 0
        while kills < MIN_KILLS + 2 and rounds < MAX_ROUNDS:
            rounds += 1
            proc = _spawn(db, bureau, "--until-done", "--lease", "1.0")
            try:
                assert _wait_ready(proc)
                _wait_for_posts(proc, bureau, _posts_seen(bureau) + rng.randint(*POSTS_BEFORE_KILL))
                time.sleep(rng.uniform(0.0, KILL_JITTER_SECONDS))
                if proc.poll() is None:
                    os.kill(proc.pid, signal.SIGKILL)
                    kills += 1
                proc.wait(timeout=30)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait(timeout=30)
                assert proc.stdout is not None
                proc.stdout.close()
        assert kills >= MIN_KILLS, f"only {kills} kills in {rounds} rounds"
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
        assert kills >= MIN_KILLS
        # The crash between "sent" and "recorded" really happened and was repaired by
        # sending again under the same key, which the bureau answered from its record.
        assert resent >= 1 and replayed >= 1
        assert posts[unrecorded] >= 2 and bureau.counter.replayed[unrecorded] >= 1
        assert lease_retakes >= 1
    finally:
        bureau.stop()
