"""The batch worker serves dealers in turn: a big queue never holds back a small batch.

Measured by order, not by time: right after the small batch is stored (its POST
answered 202) the test counts the big dealer's finished items in the database;
every item's ``updated_at`` is stamped by the one worker thread when it
finishes, so afterwards the big dealer's items finished up to the small item's
stamp can be counted exactly. The difference, how many big items overtook the
small one, does not depend on how loaded the machine is. Served in turns of
``TURN_ITEMS``, it is at most the turn in progress; first come, first served it
would be every item queued before it (thousands).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.batch_worker import TURN_ITEMS
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes
from vehreg_sdk.sandbox.storage import Database

from .conftest import Signer, post_headers

BIG, SMALL = DEMO_DEALERS[0], DEMO_DEALERS[1]
BIG_ITEMS = 8_000
PATH = "/v1/ebike-registration-batches"


def _items(dealer: Any, n: int, start: int, prefix: str) -> list[dict[str, Any]]:
    today = shanghai_date(system_clock())
    items = []
    for index, code in enumerate(sellable_vehicle_codes(n, start)):
        body = demo_registration_body(code, dealer.store_ids[0], index=index, invoice_date=today)
        del body["store_id"]
        items.append({"client_reference": f"{prefix}-{index}", **body})
    return items


def _post(client: httpx.Client, dealer: Any, items: list[dict[str, Any]]) -> str:
    response = client.post(
        PATH, json={"store_id": dealer.store_ids[0], "items": items}, headers=post_headers()
    )
    assert response.status_code == 202, response.text
    batch_id: str = response.json()["id"]
    return batch_id


def _finished(db: Database) -> int:
    """The big dealer's items finished so far (read straight from the database)."""
    with db.read() as conn:
        count: int = conn.execute(
            "SELECT COUNT(*) FROM batch_items WHERE dealer_id = ?"
            " AND status NOT IN ('queued', 'processing')",
            (BIG.id,),
        ).fetchone()[0]
    return count


@pytest.fixture
def server(sandbox_db: Path | str) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_db) as running:
        yield running


def test_a_one_item_batch_is_not_held_back_by_8000_queued_items(server: SandboxServer) -> None:
    big = _items(BIG, BIG_ITEMS, 0, "big")
    with (
        httpx.Client(base_url=server.base_url, auth=Signer(BIG), timeout=60) as big_client,
        httpx.Client(base_url=server.base_url, auth=Signer(SMALL), timeout=60) as small_client,
    ):
        for chunk in range(0, BIG_ITEMS, 500):
            _post(big_client, BIG, big[chunk : chunk + 500])
        small_id = _post(small_client, SMALL, _items(SMALL, 1, BIG_ITEMS + 100, "small"))
        done_when_stored = _finished(server.bureau.db)
        deadline = time.monotonic() + 600  # a guard against a hang, not a measurement
        while small_client.get(f"{PATH}/{small_id}").json()["status"] != "completed":
            assert time.monotonic() < deadline, "the small batch never completed"
            time.sleep(0.01)
    server.stop()  # the worker stops after the item in hand; the rest stays queued
    with server.bureau.db.read() as conn:
        stored_at, finished_at, small_status = conn.execute(
            "SELECT b.created_at, i.updated_at, i.status FROM batches b"
            " JOIN batch_items i ON i.batch_seq = b.seq WHERE b.id = ?",
            (small_id,),
        ).fetchone()
        done_when_small_finished = conn.execute(
            "SELECT COUNT(*) FROM batch_items WHERE dealer_id = ?"
            " AND status NOT IN ('queued', 'processing') AND updated_at <= ?",
            (BIG.id, finished_at),
        ).fetchone()[0]
        left = conn.execute(
            "SELECT COUNT(*) FROM batch_items WHERE dealer_id = ?"
            " AND status IN ('queued', 'processing')",
            (BIG.id,),
        ).fetchone()[0]
    overtaking = done_when_small_finished - done_when_stored
    assert small_status == "registered"
    # The big queue was far from drained: first come, first served would have made
    # the small item wait for all of it.
    assert left > 1_000, f"only {left} big items were left; the test proves nothing"
    assert overtaking <= 2 * TURN_ITEMS, f"{overtaking} big items finished first"
    print(f"small batch: {finished_at - stored_at:.3f} s, {overtaking} big items first, "
          f"{left} still queued")  # fmt: skip
