"""Races across worker processes: ``vehreg sandbox serve --db postgresql://… --workers 2``.

The sandbox runs as a real subprocess with two uvicorn workers on one PostgreSQL
database; clients race over real HTTP, each attempt on its own connection so the
kernel hands the attempts to both workers (each answer names its worker in
``X-Sandbox-Worker``). A round that stayed in one worker proves nothing across
workers, so each race is repeated until a round has spanned both; every round
must have exactly one winner.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import psycopg
import pytest

from vehreg_sdk.sandbox import DEMO_DEALERS, car_catalogue
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes
from vehreg_sdk.sandbox.workers import WORKER_HEADER

from .conftest import JPEG, TILL_KINDS, Signer

ATTEMPTS = 12
MAX_ROUNDS = 6


class Served:
    """A running ``vehreg sandbox serve`` subprocess."""

    def __init__(self, process: subprocess.Popen[str], base_url: str, url: str) -> None:
        self.process = process
        self.base_url = base_url
        self.database_url = url


def _serve(database_url: str, *extra: str) -> Iterator[Served]:
    command = [
        sys.executable, "-c", "from vehreg_sdk.cli import main; main()", "sandbox", "serve",
        "--port", "0", "--db", database_url, "--workers", "2", "--review-delay", "0", *extra,
    ]  # fmt: skip
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while not any(line.startswith("export VEHREG_BASE_URL=") for line in lines):
            assert time.monotonic() < deadline, lines
            line = process.stdout.readline()
            assert line, lines
            lines.append(line.rstrip("\n"))
        assert "  workers       2" in lines
        base_url = next(x for x in lines if x.startswith("export VEHREG_BASE_URL=")).split("=", 1)[
            1
        ]
        workers: set[str] = set()
        while len(workers) < 2:  # both workers up and answering
            assert time.monotonic() < deadline, workers
            try:
                workers.add(httpx.get(f"{base_url}/v1/health", timeout=2).headers[WORKER_HEADER])
            except httpx.TransportError:
                time.sleep(0.05)
        # Drain the output, so a chatty worker never blocks on a full pipe.
        threading.Thread(target=process.stdout.read, daemon=True).start()
        yield Served(process, base_url, database_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def served(postgres_cluster: Any) -> Iterator[Served]:
    yield from _serve(postgres_cluster.create_database(), "--rate-limit", "0")


def _race(
    base_url: str, make: Callable[[int, httpx.Client], httpx.Response]
) -> list[httpx.Response]:
    """``ATTEMPTS`` requests released together, each on a new connection."""
    barrier = threading.Barrier(ATTEMPTS)

    def attempt(i: int) -> httpx.Response:
        with httpx.Client(base_url=base_url, auth=Signer(DEMO_DEALERS[0]), timeout=30) as client:
            client.get("/v1/health")  # connected before the start line
            barrier.wait()
            return make(i, client)

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def _workers(responses: list[httpx.Response]) -> set[str]:
    return {r.headers[WORKER_HEADER] for r in responses}


def _rounds(check_round: Callable[[int], list[httpx.Response]]) -> None:
    """Run rounds until one spans both workers; each round checks its own winner."""
    for round_number in range(MAX_ROUNDS):
        if len(_workers(check_round(round_number))) == 2:
            return
    pytest.fail(f"no round of {MAX_ROUNDS} reached both workers")


def _count(database_url: str, sql: str, *params: Any) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute(sql, params).fetchone()
    assert row is not None
    return int(row[0])


def _sedans(n: int, skip: int) -> list[dict[str, Any]]:
    """Petrol sedans from the far end of the car pool: this test's database is its own,
    and ``unused_car_certificates`` would move the pool cursor other tests rely on."""
    found: list[dict[str, Any]] = []
    index = car_catalogue.car_pool_size() - 1
    while len(found) < n + skip:
        certificate = car_catalogue.car_certificate_at(index)
        if car_catalogue.model_of(certificate).category == "sedan_petrol":
            found.append(certificate)
        index -= 1
    return found[skip:]


def _ebike_body(start: int) -> dict[str, Any]:
    (code,) = sellable_vehicle_codes(1, start=start)
    return demo_registration_body(
        code, DEMO_DEALERS[0].store_ids[0], invoice_date=shanghai_date(system_clock())
    )


def test_one_idempotency_key_sent_to_both_workers_runs_once(served: Served) -> None:
    def one_round(round_number: int) -> list[httpx.Response]:
        body, key = _ebike_body(start=1000 + round_number), str(uuid.uuid4())
        responses = _race(
            served.base_url,
            lambda i, c: c.post(
                "/v1/ebike-registrations", json=body, headers={"Idempotency-Key": key}
            ),
        )
        created = [r for r in responses if r.status_code == 201]
        first = [r for r in created if r.headers.get("Idempotent-Replayed") != "true"]
        busy = [r for r in responses if r.status_code == 409]
        assert len(first) == 1, [r.text for r in responses]
        assert len(created) + len(busy) == ATTEMPTS, [r.text for r in responses]
        assert {r.json()["code"] for r in busy} <= {"idempotency.in_progress"}
        assert {r.json()["id"] for r in created} == {first[0].json()["id"]}
        vehicle = body["vehicle"]["vehicle_code"]
        assert (
            _count(
                served.database_url,
                "SELECT count(*) FROM registrations WHERE vehicle_code = %s",
                vehicle,
            )
            == 1
        )
        return responses

    _rounds(one_round)


def test_one_nonce_sent_to_both_workers_is_accepted_once(served: Served) -> None:
    def one_round(round_number: int) -> list[httpx.Response]:
        signed = next(
            Signer(DEMO_DEALERS[0]).auth_flow(httpx.Request("GET", f"{served.base_url}/v1/stores"))
        )
        headers = dict(signed.headers)
        unsigned = httpx.Auth()  # send the one signature as it is
        responses = _race(
            served.base_url, lambda i, c: c.get("/v1/stores", headers=headers, auth=unsigned)
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [200] + [401] * (ATTEMPTS - 1), [r.text for r in responses]
        assert {r.json()["code"] for r in responses if r.status_code == 401} == {"auth.replayed"}
        return responses

    _rounds(one_round)


def test_one_vehicle_under_different_keys_has_one_winner(served: Served) -> None:
    def one_round(round_number: int) -> list[httpx.Response]:
        body = _ebike_body(start=1100 + round_number)
        responses = _race(
            served.base_url,
            lambda i, c: c.post(
                "/v1/ebike-registrations", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
            ),
        )
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * (ATTEMPTS - 1), [r.text for r in responses]
        winner = next(r.json() for r in responses if r.status_code == 201)
        losers = [r.json() for r in responses if r.status_code == 409]
        assert {x["code"] for x in losers} == {"vehicle.already_registered"}
        assert {x["existing_id"] for x in losers} == {winner["id"]}
        return responses

    _rounds(one_round)
    assert (
        _count(
            served.database_url,
            "SELECT count(*) - count(DISTINCT plate_number) FROM registrations",
        )
        == 0
    )  # and no plate number handed out twice


def test_one_self_chosen_plate_has_one_winner(served: Served) -> None:
    def one_round(round_number: int) -> list[httpx.Response]:
        cars = _sedans(ATTEMPTS, skip=round_number * ATTEMPTS)
        number = f"苏GW{round_number}8{round_number}6"

        def choose(i: int, client: httpx.Client) -> httpx.Response:
            body = {
                "vin": cars[i]["vin"],
                "plate_kind": "02",
                "method": "self_composed",
                "number": number,
            }
            return client.post(
                "/v1/plate-selections",
                content=json.dumps(body, ensure_ascii=False).encode(),
                headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
            )

        responses = _race(served.base_url, choose)
        statuses = sorted(r.status_code for r in responses)
        assert statuses == [201] + [409] * (ATTEMPTS - 1), [r.text for r in responses]
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {
            "plate_number.taken"
        }
        held = _count(
            served.database_url,
            "SELECT count(*) FROM plate_selections WHERE held_number = %s",
            number,
        )
        assert held == 1
        return responses

    _rounds(one_round)


def test_the_rate_limit_holds_across_workers(postgres_cluster: Any) -> None:
    """2 requests/s with a burst of 2 for the whole sandbox, not per worker process."""
    rate = 2.0
    for served in _serve(postgres_cluster.create_database(), "--rate-limit", str(rate)):
        # The health checks above are not limited; the buckets are full.
        started = time.monotonic()
        responses: list[httpx.Response] = []
        for _ in range(3):
            responses += _race(served.base_url, lambda i, c: c.get("/v1/stores"))
        elapsed = time.monotonic() - started
        allowed = [r for r in responses if r.status_code == 200]
        limited = [r for r in responses if r.status_code == 429]
        assert len(allowed) + len(limited) == len(responses), [r.text for r in responses]
        assert {r.json()["code"] for r in limited} == {"rate_limit.exceeded"}
        # One bucket: the burst, plus what refilled meanwhile (N per-process buckets
        # would allow about N times as many).
        assert len(allowed) <= 2 + rate * elapsed + 1, (len(allowed), elapsed)
        assert len(allowed) >= 2
        assert len(_workers(responses)) == 2


def test_reviews_due_in_both_workers_run_once(postgres_cluster: Any) -> None:
    """Both workers sweep due reviews (and the photo's worker has a timer): one review each."""
    database = postgres_cluster.create_database()
    # The last --review-delay wins over the 0 that _serve passes first.
    for delayed in _serve(database, "--rate-limit", "0", "--review-delay", "2"):
        with httpx.Client(
            base_url=delayed.base_url, auth=Signer(DEMO_DEALERS[0]), timeout=30
        ) as client:
            ids = [_plated_registration(client, start=1200 + n * 10, index=n) for n in range(4)]
            due = time.monotonic() + 2
            for registration_id in ids:
                _post_photo(client, registration_id, "plate_fitted")
            assert {_status(client, i) for i in ids} == {"awaiting_review"}  # not due yet
        time.sleep(max(0.0, due - time.monotonic() - 0.2))
        for _ in range(3):  # the reviews fall due while both workers are being asked
            _race(delayed.base_url, lambda i, c: c.get("/v1/ebike-registrations"))
            time.sleep(0.15)
        with httpx.Client(
            base_url=delayed.base_url, auth=Signer(DEMO_DEALERS[0]), timeout=30
        ) as client:
            deadline = time.monotonic() + 30
            while not all(_status(client, i) == "approved" for i in ids):
                assert time.monotonic() < deadline
                time.sleep(0.1)
            events = client.get("/v1/events", params={"limit": "100"}).json()["data"]
        for registration_id in ids:
            types = [e["type"] for e in events if e["data"]["object"]["id"] == registration_id]
            assert len(types) == len(set(types)), types  # no step twice
            assert types[-1] == "ebike_registration.approved", types


def _post_photo(client: httpx.Client, registration_id: str, kind: str) -> None:
    response = client.post(
        f"/v1/ebike-registrations/{registration_id}/photos",
        data={"kind": kind},
        files={"file": (f"{kind}.jpg", JPEG, "image/jpeg")},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status_code == 200, response.text


def _plated_registration(client: httpx.Client, *, start: int, index: int) -> str:
    uploads = []
    for kind in TILL_KINDS:
        response = client.post(
            "/v1/uploads",
            data={"kind": kind},
            files={"file": ("photo.jpg", JPEG, "image/jpeg")},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.text
        uploads.append(response.json()["id"])
    (code,) = sellable_vehicle_codes(1, start=start)
    body = demo_registration_body(
        code,
        DEMO_DEALERS[0].store_ids[0],
        index=index,
        uploads=uploads,
        invoice_date=shanghai_date(system_clock()),
    )
    created = client.post(
        "/v1/ebike-registrations", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def _status(client: httpx.Client, registration_id: str) -> str:
    return str(client.get(f"/v1/ebike-registrations/{registration_id}").json()["status"])


def test_a_killed_worker_is_replaced_and_the_sandbox_serves_on(postgres_cluster: Any) -> None:
    for served in _serve(postgres_cluster.create_database(), "--rate-limit", "0"):
        pids = _workers(_race(served.base_url, lambda i, c: c.get("/v1/health")))
        victim = int(sorted(pids)[0])
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        seen: set[str] = set()
        while len(seen - {str(victim)}) < 2:  # uvicorn starts a new worker in its place
            assert time.monotonic() < deadline, seen
            try:
                seen |= _workers(_race(served.base_url, lambda i, c: c.get("/v1/health")))
            except httpx.TransportError:
                time.sleep(0.1)
        assert str(victim) not in seen
        with httpx.Client(
            base_url=served.base_url, auth=Signer(DEMO_DEALERS[0]), timeout=30
        ) as client:
            created = client.post(
                "/v1/ebike-registrations",
                json=_ebike_body(start=1300),
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            assert created.status_code == 201, created.text
            assert created.json()["plate_number"] == "苏G000001"
