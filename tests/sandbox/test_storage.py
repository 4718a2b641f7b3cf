"""Durability and concurrency: the business key, restarts, racing creates over loopback.

Each test taking ``sandbox_db`` runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer, create_app
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes
from vehreg_sdk.sandbox.storage import open_database

from .conftest import FakeClock, Signer, post_headers, register


def test_schema_allows_one_live_registration_per_vehicle(sandbox_db: Path | str) -> None:
    db = open_database(sandbox_db)

    def insert(conn: sqlite3.Connection, status: str, plate: str) -> None:
        conn.execute(
            "INSERT INTO registrations (id, dealer_id, store_id, vehicle_code, status, "
            "plate_number, created_at, updated_at, doc) "
            "VALUES (?, 'dl', 'st', '610122500000000', ?, ?, 0, 0, '{}')",
            (uuid.uuid4().hex, status, plate),
        )

    with db.write() as conn:
        insert(conn, "cancelled", "P1")
        insert(conn, "rejected", "P2")
        insert(conn, "approved", "P3")
    with pytest.raises(sqlite3.IntegrityError), db.write() as conn:
        insert(conn, "plate_assigned", "P4")
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM registrations").fetchone()[0] == 3
        if db.backend == "sqlite":
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


async def test_state_survives_a_restart(sandbox_db: Path | str) -> None:
    clock = FakeClock()
    path = sandbox_db
    first = create_app(path, clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=first),
        base_url="http://t",
        auth=Signer(DEMO_DEALERS[0], clock),
    ) as client:
        created = await register(client)
        jwks = (await client.get("/v1/keys")).json()
    await first.state.bureau.aclose()

    clock.advance(3600)
    second = create_app(path, clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=second),
        base_url="http://t",
        auth=Signer(DEMO_DEALERS[0], clock),
    ) as client:
        again = await client.get(f"/v1/ebike-registrations/{created['id']}")
        assert again.json() == created
        assert (
            await client.get("/v1/keys")
        ).json() == jwks  # same bureau key: old tokens still verify
        following = await register(client, start=40, index=2)
        assert following["plate_number"] == "苏G000002"
        body = demo_registration_body(
            created["vehicle"]["vehicle_code"],
            DEMO_DEALERS[0].store_ids[0],
            invoice_date=shanghai_date(clock()),
        )
        duplicate = await client.post("/v1/ebike-registrations", json=body, headers=post_headers())
        assert duplicate.json()["existing_id"] == created["id"]
    await second.state.bureau.aclose()


def _race(base_urls: list[str], body: dict[str, object], attempts: int) -> list[httpx.Response]:
    barrier = threading.Barrier(attempts)
    dealer = DEMO_DEALERS[0]

    def attempt(i: int) -> httpx.Response:
        with httpx.Client(
            base_url=base_urls[i % len(base_urls)], auth=Signer(dealer), timeout=30
        ) as client:
            barrier.wait()
            return client.post("/v1/ebike-registrations", json=body, headers=post_headers())

    with ThreadPoolExecutor(attempts) as pool:
        return list(pool.map(attempt, range(attempts)))


def test_concurrent_creates_for_one_bike_have_one_winner(sandbox_db: Path | str) -> None:
    (code,) = sellable_vehicle_codes(1, start=300)
    body = demo_registration_body(
        code, DEMO_DEALERS[0].store_ids[0], invoice_date=shanghai_date(system_clock())
    )
    with SandboxServer(sandbox_db) as server:
        responses = _race([server.base_url], body, attempts=8)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * 7, [r.text for r in responses]
        winner = next(r.json() for r in responses if r.status_code == 201)
        assert {r.json()["existing_id"] for r in responses if r.status_code == 409} == {
            winner["id"]
        }
        with httpx.Client(base_url=server.base_url, auth=Signer(DEMO_DEALERS[0])) as client:
            listed = client.get("/v1/ebike-registrations").json()["data"]
        assert [r["id"] for r in listed] == [winner["id"]]


def test_two_servers_on_one_database_still_have_one_winner(sandbox_db: Path | str) -> None:
    """Two independent bureaus (like two processes) share the database; the schema decides."""
    (code,) = sellable_vehicle_codes(1, start=600)
    body = demo_registration_body(
        code, DEMO_DEALERS[0].store_ids[0], invoice_date=shanghai_date(system_clock())
    )
    path = sandbox_db
    with SandboxServer(path) as one, SandboxServer(path) as two:
        responses = _race([one.base_url, two.base_url], body, attempts=8)
        assert sorted(r.status_code for r in responses) == [201] + [409] * 7
        plates = set()
        for server in (one, two):
            with httpx.Client(base_url=server.base_url, auth=Signer(DEMO_DEALERS[0])) as client:
                for i in range(3):
                    (other_code,) = sellable_vehicle_codes(
                        1, start=700 + i * 10 + (0 if server is one else 100)
                    )
                    other_body = demo_registration_body(
                        other_code,
                        DEMO_DEALERS[0].store_ids[0],
                        index=i,
                        invoice_date=shanghai_date(system_clock()),
                    )
                    created = client.post(
                        "/v1/ebike-registrations", json=other_body, headers=post_headers()
                    )
                    assert created.status_code == 201, created.text
                    plates.add(created.json()["plate_number"])
        assert len(plates) == 6  # no plate handed out twice


def test_sandbox_server_context_manager(tmp_path: Path) -> None:  # SQLite: the file stays
    server = SandboxServer(tmp_path / "s.db", port=0)
    with server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.dealers[0].store_ids == DEMO_DEALERS[0].store_ids
        response = httpx.get(server.base_url + "/v1/health")
        assert response.json()["status"] == "ok"
    with pytest.raises(httpx.HTTPError):
        httpx.get(server.base_url + "/v1/health", timeout=1)
    assert (tmp_path / "s.db").exists()
    with SandboxServer(tmp_path / "s.db") as again:  # restarts on the same file
        assert httpx.get(again.base_url + "/v1/health").json()["status"] == "ok"
