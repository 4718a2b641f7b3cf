"""Two sync processes and the POS bridge on one outbox file: no item is submitted twice.

Proved at the bureau: it counts the registration POSTs per Idempotency-Key
(each exactly one) and holds exactly one registration per sale.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from vehreg_sdk.outbox import ItemStatus, Outbox
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .bureau import CountingSandbox, registrations_at_bureau

WORKER = Path(__file__).with_name("sync_worker.py")
QUEUED_FIRST = 100
THROUGH_BRIDGE = 40

pytestmark = pytest.mark.slow


def test_two_syncs_and_the_bridge_share_one_outbox(
    tmp_path: Path, outbox_target: Path | str
) -> None:
    import vehreg_pos_bridge

    db = outbox_target
    gate = tmp_path / "start"
    bureau = CountingSandbox(tmp_path / "bureau.db").start()
    store = bureau.dealer.store_ids[0]
    codes = sellable_vehicle_codes(QUEUED_FIRST + THROUGH_BRIDGE, start=6000)
    try:
        bridge_outbox = Outbox(db)
        till = Till(
            bridge_outbox,
            host=PluginHost(load_entry_points=False),
            client_factory=bureau.client,
            worker_id="bridge",
        )
        config = vehreg_pos_bridge.BridgeConfig(sync_interval_s=0.1)
        token = "concurrency-token"
        with vehreg_pos_bridge.BridgeServer(till, token=token, config=config) as bridge:
            workers = [
                subprocess.Popen(
                    [
                        sys.executable,
                        str(WORKER),
                        "--db",
                        str(db),
                        *bureau.worker_args(),
                        "--until-done",
                        "--worker-id",
                        f"sync-{n}",
                        "--start-file",
                        str(gate),
                    ],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                    encoding="utf-8",
                )
                for n in (1, 2)
            ]
            # The queue is filled, in one transaction, only once both workers are set up
            # (imports, client, outbox), and they start together: on a loaded machine one
            # of the three could otherwise drain it before another has started.
            for worker in workers:
                assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
            with Outbox(db) as box:
                box.enqueue_many(
                    [demo_registration_body(code, store, index=n)
                     for n, code in enumerate(codes[:QUEUED_FIRST])]
                )  # fmt: skip
            gate.touch()
            headers = {"Authorization": f"Bearer {token}"}

            def post(n: int) -> int:
                body = demo_registration_body(codes[n], store, index=n)
                with httpx.Client(base_url=bridge.base_url, headers=headers) as http:
                    return http.post("/sales", json=body).status_code

            with ThreadPoolExecutor(4) as pool:
                statuses = list(pool.map(post, range(QUEUED_FIRST, len(codes))))
            assert statuses == [202] * THROUGH_BRIDGE
            for worker in workers:
                assert worker.wait(timeout=120) == 0
                assert worker.stdout is not None
                worker.stdout.close()
            deadline = time.monotonic() + 60
            while bridge_outbox.counts()[ItemStatus.PLATE_ASSIGNED] < len(codes):
                assert time.monotonic() < deadline, bridge_outbox.counts()
                time.sleep(0.1)
        till.close()

        with Outbox(db) as box:
            items = box.list()
            claimers = Counter(h.actor for h in box.history() if h.event == "claimed")
        keys = {i.local_id for i in items}
        assert len(items) == len(codes)
        assert bureau.counter is not None
        posts = bureau.counter.posts
        assert set(posts) == keys
        assert max(posts.values()) == 1, {k: n for k, n in posts.items() if n > 1}
        client = bureau.client()
        at_bureau = registrations_at_bureau(client)
        client.close()
        assert len(at_bureau) == len(codes)
        assert len({r.vehicle.vehicle_code for r in at_bureau}) == len(codes)
        print(f"\nclaims per worker: {dict(claimers)}")
        assert set(claimers) == {"bridge", "sync-1", "sync-2"}
        bridge_outbox.close()
    finally:
        bureau.stop()
