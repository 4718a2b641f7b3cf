"""Exactly once on the hub: 2,000 sales from 168 stores, four sync workers, 20 kill -9s.

The sales are queued (from 168 simulated stores, eight writers at once) while the bureau
is down. Then four sync workers, separate processes sharing one PostgreSQL outbox, deliver
them, each sale with its store's dealer's credentials, while the test kills one worker
after another with SIGKILL (half the time at a random moment after it announced an answered
POST, half the time the worker kills itself right after an answered POST, before recording
it) and starts it again: 20 kills in all. Leases are the default 300 s: a dead worker's
items come back through its ended database session, never by waiting.

At the end the bureau holds exactly 2,000 registrations, none twice, and every item is
terminal with its plate. The bureau is a fixture (``hub_bureau``): the sandbox in this
process, counting POSTs per Idempotency-Key; a multi-worker sandbox on PostgreSQL is a
second parameter once ``vehreg sandbox serve`` has ``--workers``.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import DealerRouter, ItemStatus, Outbox, load_dealers
from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .bureau import CountingSandbox, free_port
from .conftest import TEST_KEY

WORKER = Path(__file__).with_name("hub_worker.py")
SALES = 2000
STORES = 168
WORKERS = 4
KILLS = 20
#: a real bureau answers in tens to hundreds of ms; it also keeps the queue from draining
#: before the 20th kill on a fast machine
BUREAU_LATENCY_S = 0.05

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="kill -9")]


# --------------------------------------------------------------------------- the bureau
class ServedSandbox:
    """``vehreg sandbox serve --db postgresql://... --workers 2``: a bureau of several web
    workers on one database (no POST counting: the proof is its registrations)."""

    def __init__(self, db_url: str, log: Path, workers: int = 2) -> None:
        self.db_url, self.workers, self.log = db_url, workers, log
        self.port = free_port()
        self.counter = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: Any = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServedSandbox:
        command = [sys.executable, "-c", "from vehreg_sdk.cli import main; main()",
                   "sandbox", "serve",
                   "--db", self.db_url, "--workers", str(self.workers), "--port", str(self.port),
                   "--review-delay", "0", "--rate-limit", "0"]  # fmt: skip
        self._log = self.log.open("wb")  # a file, not a pipe: a chatty server never blocks
        self._proc = subprocess.Popen(command, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        import httpx

        while time.monotonic() < deadline:
            assert self._proc.poll() is None, self.log.read_text("utf-8", errors="replace")
            try:
                httpx.get(self.base_url + "/v1/health", timeout=1)
                return self
            except httpx.HTTPError:
                time.sleep(0.2)
        raise AssertionError("the served sandbox did not start")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=30)
            self._proc = None
            self._log.close()


def _served_sandbox_has_workers() -> bool:
    import inspect

    from vehreg_sdk.cli import sandbox

    return "--workers" in inspect.getsource(sandbox)


BUREAUS = ["sandbox"] + (["sandbox-postgres-2-workers"] if _served_sandbox_has_workers() else [])


@pytest.fixture(params=BUREAUS)
def hub_bureau(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """Not started: the bureau is down until the test starts it."""
    bureau: Any
    if request.param == "sandbox":
        bureau = CountingSandbox(tmp_path / "bureau.db", post_delay_s=BUREAU_LATENCY_S)
    else:
        database = request.getfixturevalue("postgres_cluster").create_database()
        bureau = ServedSandbox(database, tmp_path / "sandbox.log")
    try:
        yield bureau
    finally:
        bureau.stop()


@pytest.fixture
def dealers_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both demo dealers, by the hub's environment convention (workers inherit it)."""
    for n, dealer in enumerate(DEMO_DEALERS):
        prefix = f"VEHREG_DEALER_D{n}_"
        monkeypatch.setenv(prefix + "ID", dealer.id)
        monkeypatch.setenv(prefix + "APP_KEY", dealer.app_key)
        monkeypatch.setenv(prefix + "APP_SECRET", dealer.app_secret)
        monkeypatch.setenv(prefix + "STORES", ",".join(dealer.store_ids))


# --------------------------------------------------------------------------- the workers
def _spawn(url: str, bureau: Any, slot: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), "--db", url, "--base-url", bureau.base_url,
         "--worker-id", f"hub-{slot}", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
    )  # fmt: skip


def _wait_posts(proc: subprocess.Popen[str], posts: int, timeout: float = 120.0) -> bool:
    """Read the worker's lines until its ``posts``-th ``posted``; False if it ended first."""
    assert proc.stdout is not None
    end, seen = time.monotonic() + timeout, 0
    while seen < posts:
        ready, _, _ = select.select([proc.stdout], [], [], max(end - time.monotonic(), 0))
        if not ready:
            return False
        line = proc.stdout.readline()
        if not line:
            return False
        seen += line.strip() == "posted"
    return True


def _queue_from_168_stores(url: str, codes: list[str]) -> list[str]:
    """Eight writers at once, each the tills of 21 stores, each store's sales in a batch."""
    bureau_stores = [s for d in DEMO_DEALERS for s in d.store_ids]
    ids: list[str] = []
    lock = threading.Lock()

    def write(stores: range) -> None:
        with Outbox(url) as box:
            for store in stores:
                mine = range(store, SALES, STORES)
                items = box.enqueue_many(
                    [demo_registration_body(codes[n], bureau_stores[store % len(bureau_stores)],
                                            index=n) for n in mine],
                    dedupe_keys=[f"store-{store:03d}/sale-{n}" for n in mine],
                    metas=[{"till_store": f"store-{store:03d}"} for _ in mine],
                    source="hub",
                )  # fmt: skip
                with lock:
                    ids.extend(i.local_id for i in items)

    threads = [threading.Thread(target=write, args=(range(k, STORES, 8),)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return ids


def test_four_workers_killed_20_times_deliver_2000_sales_exactly_once(
    postgres_url: str, hub_bureau: Any, dealers_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VEHREG_OUTBOX_KEY", TEST_KEY)
    rng = random.Random(20260417)
    codes = sellable_vehicle_codes(SALES, start=20_000)

    # 1. The bureau is down: the hub queues every sale; a sync finds nobody to talk to.
    local_ids = _queue_from_168_stores(postgres_url, codes)
    assert len(set(local_ids)) == SALES
    with (
        Outbox(postgres_url) as box,
        DealerRouter(load_dealers(), base_url=hub_bureau.base_url) as router,
    ):
        assert box.sync(router).bureau_unreachable
        assert box.counts()[ItemStatus.QUEUED] == SALES

    # 2. The bureau is up; four workers deliver, killed 20 times in all, and restarted.
    hub_bureau.start()
    started = time.monotonic()
    slots = {slot: _spawn(postgres_url, hub_bureau, slot, "--announce-posts")
             for slot in range(WORKERS)}  # fmt: skip
    self_killing: set[int] = set()  # slots whose worker ends itself after an answered POST
    kills = rounds = 0
    try:
        while kills < KILLS:
            rounds += 1
            # Every self-killing worker must die within the 20: near the end, pick them.
            must = sorted(self_killing) if KILLS - kills <= len(self_killing) else []
            slot = rng.choice(must) if must else rng.randrange(WORKERS)
            proc = slots[slot]
            if slot not in self_killing:
                # at a random moment after one of its answered POSTs
                assert _wait_posts(proc, rng.randint(1, 3)), "the queue drained before the kills"
                time.sleep(rng.uniform(0.0, BUREAU_LATENCY_S))
                os.kill(proc.pid, signal.SIGKILL)
            assert proc.wait(timeout=120) == -signal.SIGKILL, "a worker ended on its own"
            assert proc.stdout is not None
            proc.stdout.close()
            kills += 1
            self_killing.discard(slot)
            if rng.random() < 0.5 and len(self_killing) + 1 <= KILLS - kills:
                self_killing.add(slot)
                extra = ["--kill-after-posts", str(rng.randint(1, 4))]
            else:
                extra = ["--announce-posts"]
            slots[slot] = _spawn(postgres_url, hub_bureau, slot, *extra)
        # 3. No more kills: the four running workers deliver the rest.
        assert not self_killing
        for proc in slots.values():
            assert proc.wait(timeout=300) == 0
    finally:
        for proc in slots.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
    elapsed = time.monotonic() - started

    with Outbox(postgres_url) as box:
        items = box.list()
        history = box.history()
    assert Counter(str(i.status) for i in items) == {"plate_assigned": SALES}
    assert all(i.plate_number and i.registration_id for i in items)
    assert len({i.registration_id for i in items}) == SALES
    assert len({i.plate_number for i in items}) == SALES
    retaken = [h for h in history if h.event == "lease_expired"]
    assert retaken and all("database session is gone" in h.detail for h in retaken)

    at_bureau = []
    for dealer in DEMO_DEALERS:
        with VehregClient(base_url=hub_bureau.base_url, app_key=dealer.app_key,
                          app_secret=dealer.app_secret) as client:  # fmt: skip
            mine = list(client.ebike_registrations.list())
        assert {r.store_id for r in mine} <= set(dealer.store_ids)
        at_bureau += mine
    assert len(at_bureau) == SALES
    assert sorted(r.vehicle.vehicle_code for r in at_bureau) == sorted(codes)
    assert {r.client_reference for r in at_bureau} == set(local_ids)
    assert {r.id for r in at_bureau} == {i.registration_id for i in items}

    counted = ""
    if hub_bureau.counter is not None:
        posts = hub_bureau.counter.posts
        assert set(posts) == set(local_ids)  # every request carried its item's own key
        resent = sum(n - 1 for n in posts.values())
        replayed = sum(hub_bureau.counter.replayed.values())
        assert resent >= 1 and replayed >= 1  # sent-not-recorded happened, and was repaired
        counted = f", {resent} resends, {replayed} answered by replay"
    print(
        f"\nhub crash test: {kills} kills in {rounds} rounds, {len(retaken)} leases retaken "
        f"through ended sessions{counted}, {elapsed:.1f} s"
    )
    assert kills == KILLS
