"""A bureau that accepts connections and never answers: the clerk page's calls (scan
look-up, store list, status) still answer within 5 s, saying "offline"; only the background
sync waits out its full timeout and retries, and it delivers once the bureau answers."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from vehreg_pos_bridge import BridgeConfig, BridgeServer

from outbox.bureau import CountingSandbox
from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import ItemStatus, Outbox
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .hang_proxy import HangingBureau

#: what the issue asks of every interactive call against a hung bureau
INTERACTIVE_LIMIT_S = 5.0
#: the sync's own budget: a 3 s timeout, retried once (longer than any interactive call)
SYNC_TIMEOUT_S, SYNC_RETRIES = 3.0, 1


@pytest.fixture
def bureau(tmp_path: Path) -> CountingSandbox:
    sandbox = CountingSandbox(tmp_path / "bureau.db").start()
    yield sandbox
    sandbox.stop()


def test_interactive_calls_answer_fast_and_sync_delivers_later(
    tmp_path: Path, bureau: CountingSandbox
) -> None:
    dealer = bureau.dealer
    (code,) = sellable_vehicle_codes(1, start=7300)
    with HangingBureau(bureau.port) as hung:

        def client() -> VehregClient:
            return VehregClient(
                base_url=hung.base_url,
                app_key=dealer.app_key,
                app_secret=dealer.app_secret,
                timeout=SYNC_TIMEOUT_S,
                max_retries=SYNC_RETRIES,
            )

        outbox = Outbox(tmp_path / "shop.db", retry_base_seconds=0.2, retry_max_seconds=1.0)
        till = Till(outbox, host=PluginHost(load_entry_points=False), client_factory=client)
        config = BridgeConfig(sync_interval_s=0.2)
        headers = {"Authorization": "Bearer hung-token"}
        with (
            BridgeServer(till, token="hung-token", config=config) as bridge,
            httpx.Client(base_url=bridge.base_url, headers=headers, timeout=30) as http,
        ):
            sale = http.post("/sales", json=demo_registration_body(code, dealer.store_ids[0]))
            assert sale.status_code == 202, sale.text  # queued on disk, whatever the bureau
            local_id = sale.json()["local_id"]

            timings: dict[str, float] = {}

            def timed(name: str, method: str, path: str, **kwargs: object) -> httpx.Response:
                started = time.monotonic()
                response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
                timings[name] = time.monotonic() - started
                assert response.status_code == 200, response.text
                return response

            scan = timed("scan", "POST", "/scan", json={"text": code}).json()
            assert scan["kind"] == "vehicle_code" and scan["certificate"] is None
            assert scan["offline"] is True
            stores = timed("stores", "GET", "/stores").json()
            assert stores["offline"] is True
            status = timed("status", "GET", "/status").json()
            assert status["online"] is False  # what the failed look-up taught the bridge
            again = timed("scan again", "POST", "/scan", json={"text": code}).json()
            assert again["offline"] is True
            print(f"\ninteractive calls against a hung bureau: {timings}")
            assert max(timings.values()) < INTERACTIVE_LIMIT_S, timings
            assert outbox.get(local_id).status != ItemStatus.PLATE_ASSIGNED

            hung.answering.set()  # the bureau answers again
            deadline = time.monotonic() + 90
            while outbox.get(local_id).status != ItemStatus.PLATE_ASSIGNED:
                assert time.monotonic() < deadline, outbox.get(local_id)
                time.sleep(0.2)
        till.close()
        outbox.close()
    assert bureau.counter is not None
    assert bureau.counter.posts[local_id] >= 1
    assert sum(1 for status in bureau.counter.statuses.elements() if status == 201) == 1
