"""Data minimisation: what the sandbox keeps of a person, and for how long.

* A batch item's request body (the unmasked owner) is kept only while the item
  is queued: once processed, its ID number, mobile, name and address cannot be
  read back from the database files, the -wal and -shm files included.
* Idempotency records (which hold first answers) expire after the configured
  period (24 h by default) and are purged, not merely ignored.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer, create_app
from vehreg_sdk.sandbox.auth import Dealer
from vehreg_sdk.sandbox.batches import ensure_schema, kick, store_batch, wait_idle
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes
from vehreg_sdk.testing import fake_mobile, fake_resident_id

from .conftest import T0, FakeClock, Signer, post_headers

DEALER = DEMO_DEALERS[0]
STORE = DEALER.store_ids[0]


def _people(n: int, seed: int) -> list[dict[str, str]]:
    """Fictional people whose every field is unique enough to grep for."""
    rng = random.Random(seed)
    return [
        {
            "name": "测试" + "甲乙丙丁戊己庚辛"[i % 8] + "明",
            "id_number": fake_resident_id(rng),
            "mobile": fake_mobile(rng),
            "address": f"连云港市海州区最小化路 {seed}{i:03d} 号",
        }
        for i in range(n)
    ]


def _items(people: list[dict[str, str]], start: int) -> list[dict[str, Any]]:
    today = shanghai_date(system_clock())
    items = []
    for index, (code, person) in enumerate(
        zip(sellable_vehicle_codes(len(people), start), people, strict=True)
    ):
        body = demo_registration_body(code, STORE, index=index, invoice_date=today)
        del body["store_id"]
        body["owner"].update(person)
        items.append({"client_reference": f"min-{start}-{index}", **body})
    items[-1]["vehicle"]["vehicle_code"] = "999999999999999"  # rejected: no certificate
    return items


def _files(db: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        if p.exists()
    }


def _found(db: Path, people: list[dict[str, str]]) -> list[str]:
    """Every (file, field) where a person's unmasked data can be read back."""
    out = []
    for name, data in _files(db).items():
        for person in people:
            for field, value in person.items():
                if value.encode() in data:
                    out.append(f"{name}: {field}")
    return out


@pytest.fixture
def server(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "min.db") as running:
        yield running


def test_processed_batch_items_leave_no_personal_data_in_the_files(
    server: SandboxServer,
) -> None:
    people = _people(5, seed=11)
    with httpx.Client(base_url=server.base_url, auth=Signer(DEALER), timeout=30) as client:
        created = client.post(
            "/v1/ebike-registration-batches",
            json={"store_id": STORE, "items": _items(people, 0)},
            headers=post_headers(),
        )
        assert created.status_code == 202, created.text
        assert wait_idle(server.bureau, timeout=120)
        items = client.get(f"/v1/ebike-registration-batches/{created.json()['id']}/items")
        statuses = [i["status"] for i in items.json()["data"]]
        assert statuses == ["registered"] * 4 + ["rejected"]
        assert _found(server.db_path, people) == []


def test_queued_bodies_are_there_until_processed_then_gone(tmp_path: Path) -> None:
    # Without the worker running, the bodies are on disk (so the check above can see
    # them); processed, they are zeroed in the file and the WAL is truncated.
    db = tmp_path / "queued.db"
    app: Starlette = create_app(db)
    bureau = app.state.bureau
    ensure_schema(bureau)
    people = _people(3, seed=12)
    dealer = Dealer(DEALER.id, DEALER.name, DEALER.app_key, DEALER.app_secret)
    store_batch(bureau, dealer, "bat_min", STORE, _items(people, 100), system_clock())
    assert {f.split(":")[0] for f in _found(db, people)}  # the queued bodies are on disk
    kick(bureau)
    assert wait_idle(bureau, timeout=120)
    assert _found(db, people) == []
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    bureau.db.close()


def test_bodies_are_purged_while_the_worker_is_still_busy(tmp_path: Path) -> None:
    # Under a long queue the log is truncated every PURGE_INTERVAL_S, not only at idle.
    import time

    from vehreg_sdk.sandbox.batch_worker import PURGE_INTERVAL_S

    db = tmp_path / "busy.db"
    bureau = create_app(db).state.bureau
    ensure_schema(bureau)
    big, small = DEMO_DEALERS[0], DEMO_DEALERS[1]
    people = _people(2, seed=13)
    today = shanghai_date(system_clock())
    filler = []
    for index, code in enumerate(sellable_vehicle_codes(4000, 3000)):
        body = demo_registration_body(code, STORE, index=index, invoice_date=today)
        del body["store_id"]
        filler.append({"client_reference": f"filler-{index}", **body})
    as_dealer = [Dealer(d.id, d.name, d.app_key, d.app_secret) for d in (big, small)]
    for start in range(0, len(filler), 500):
        store_batch(bureau, as_dealer[0], f"bat_f{start}", STORE, filler[start : start + 500],
                    system_clock())  # fmt: skip
    store_batch(bureau, as_dealer[1], "bat_small", small.store_ids[0],
                _items(people, 200), system_clock())  # fmt: skip
    kick(bureau)
    deadline = time.monotonic() + 120  # a guard against a hang, not a measurement
    while _found(db, people):
        assert time.monotonic() < deadline, _found(db, people)
        time.sleep(PURGE_INTERVAL_S / 4)
    with sqlite3.connect(db) as conn:
        left = conn.execute(
            "SELECT COUNT(*) FROM batch_items WHERE status IN ('queued', 'processing')"
        ).fetchone()[0]
    assert left > 0, "the queue ran dry first: this run proves nothing"
    bureau.closed.set()
    assert wait_idle(bureau, timeout=60)
    bureau.db.close()


def test_secure_delete_is_on_for_every_connection(tmp_path: Path) -> None:
    bureau = create_app(tmp_path / "s.db").state.bureau
    with bureau.db.read() as conn:
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    with bureau.db.write() as conn:
        assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    bureau.db.close()


# ---------------------------------------------------------------- idempotency records


def _keys(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT key FROM idempotency ORDER BY key")]


async def _post_store_list(client: httpx.AsyncClient, key: str) -> httpx.Response:
    # Any keyed POST will do; a webhook endpoint is the cheapest.
    return await client.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.1:9/hook", "events": ["ebike_registration.approved"]},
        headers={"Idempotency-Key": key},
    )


def _client(app: Starlette, clock: FakeClock) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sandbox.test",
        auth=Signer(DEALER, clock),
    )


@pytest.mark.parametrize("ttl", [None, 600.0])
async def test_idempotency_records_expire_and_are_purged(tmp_path: Path, ttl: float | None) -> None:
    clock = FakeClock(T0)
    db = tmp_path / "idem.db"
    options = {} if ttl is None else {"idempotency_ttl": ttl}
    app = create_app(db, clock=clock, **options)
    period = ttl or 24 * 3600
    async with _client(app, clock) as client:
        first = await _post_store_list(client, "key-old")
        assert first.status_code == 201
        clock.advance(period - 1)
        replay = await _post_store_list(client, "key-old")
        assert replay.headers.get("Idempotent-Replayed") == "true"  # still inside the period
        await _post_store_list(client, "key-new")
        assert _keys(db) == ["key-new", "key-old"]
        clock.advance(2)
        # Past the period: the next keyed POST (any key) purges the old record...
        await _post_store_list(client, "key-other")
        assert _keys(db) == ["key-new", "key-other"]
        # ...and the old key is free again: a new request, not a replay.
        again = await _post_store_list(client, "key-old")
        assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
        assert again.json()["id"] != first.json()["id"]
    await app.state.bureau.aclose()


async def test_expired_records_are_purged_when_the_bureau_starts(tmp_path: Path) -> None:
    clock = FakeClock(T0)
    db = tmp_path / "start.db"
    app = create_app(db, clock=clock, idempotency_ttl=60)
    async with _client(app, clock) as client:
        await _post_store_list(client, "key-1")
    await app.state.bureau.aclose()
    assert _keys(db) == ["key-1"]
    clock.advance(61)
    with SandboxServer(db, clock=clock, idempotency_ttl=60):  # starting is enough
        assert _keys(db) == []
    with pytest.raises(ValueError, match="idempotency_ttl"):
        create_app(db, idempotency_ttl=0)
