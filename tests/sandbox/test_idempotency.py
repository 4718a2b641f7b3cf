"""Idempotency keys and the durable business key (one live registration per vehicle code)."""

from __future__ import annotations

import json

import httpx

from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .conftest import FakeClock, create_raw, post_headers, register

STORE = DEMO_DEALERS[0].store_ids[0]


def _body(clock: FakeClock, start: int = 0, index: int = 0) -> dict[str, object]:
    (code,) = sellable_vehicle_codes(1, start=start)
    return demo_registration_body(code, STORE, index=index, invoice_date=shanghai_date(clock()))


async def _count(client: httpx.AsyncClient) -> int:
    response = await client.get("/v1/ebike-registrations", params={"limit": "100"})
    return len(response.json()["data"])


async def test_same_key_same_body_replays_the_first_answer(
    bureau: httpx.AsyncClient, clock: FakeClock
) -> None:
    body = _body(clock)
    first = await create_raw(bureau, body, key="sale-0001")
    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    clock.advance(3600)
    # key order and whitespace differ: the request is the same
    reordered = json.loads(json.dumps(body))
    reordered = {k: reordered[k] for k in reversed(list(reordered))}
    again = await create_raw(bureau, reordered, key="sale-0001")
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert await _count(bureau) == 1


async def test_replays_errors_too(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    body = _body(clock)
    body["store_id"] = "st_nowhere"
    first = await create_raw(bureau, body, key="bad-store")
    again = await create_raw(bureau, body, key="bad-store")
    assert first.status_code == again.status_code == 404
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()


async def test_same_key_different_body_is_a_conflict(
    bureau: httpx.AsyncClient, clock: FakeClock
) -> None:
    assert (await create_raw(bureau, _body(clock, start=0), key="k-1")).status_code == 201
    conflict = await create_raw(bureau, _body(clock, start=100), key="k-1")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency.conflict"
    # the same key on another endpoint is a different request too
    other = await bureau.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.1:9/", "events": ["*"]},
        headers=post_headers("k-1"),
    )
    assert other.json()["code"] == "idempotency.conflict"
    assert await _count(bureau) == 1


async def test_post_needs_a_valid_key(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    raw = json.dumps(_body(clock)).encode()
    missing = await bureau.post(
        "/v1/ebike-registrations", content=raw, headers={"Content-Type": "application/json"}
    )
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency.missing_key"
    for bad in (b"x" * 256, "schlüssel".encode()):
        invalid = await bureau.post(
            "/v1/ebike-registrations",
            content=raw,
            headers=[("Content-Type", b"application/json"), ("Idempotency-Key", bad)],
        )
        assert invalid.status_code == 400
        assert invalid.json()["code"] == "idempotency.invalid_key"
    assert await _count(bureau) == 0


async def test_keys_are_scoped_per_dealer(
    bureau: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    hook = {"url": "http://127.0.0.1:9/", "events": ["*"]}
    mine = await bureau.post("/v1/webhook-endpoints", json=hook, headers=post_headers("shared"))
    theirs = await other.post("/v1/webhook-endpoints", json=hook, headers=post_headers("shared"))
    assert mine.status_code == theirs.status_code == 201
    assert "idempotent-replayed" not in theirs.headers
    assert mine.json()["id"] != theirs.json()["id"]


async def test_keys_expire_after_24_hours(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    hook = {"url": "http://127.0.0.1:9/", "events": ["*"]}
    first = await bureau.post("/v1/webhook-endpoints", json=hook, headers=post_headers("day-key"))
    clock.advance(24 * 3600 + 1)
    later = await bureau.post("/v1/webhook-endpoints", json=hook, headers=post_headers("day-key"))
    assert later.status_code == 201
    assert "idempotent-replayed" not in later.headers
    assert later.json()["id"] != first.json()["id"]


async def test_business_key_holds_days_later_and_with_new_keys(
    bureau: httpx.AsyncClient, other: httpx.AsyncClient, clock: FakeClock
) -> None:
    created = await register(bureau, start=0, key="outbox-1")
    code = created["vehicle"]["vehicle_code"]
    clock.advance(3 * 24 * 3600)  # the offline queue replays three days later
    body = demo_registration_body(code, STORE, index=7, invoice_date=shanghai_date(clock()))
    for key in ("outbox-1", "outbox-2"):  # the old key has expired; a new one is new
        duplicate = await create_raw(bureau, body, key=key)
        assert duplicate.status_code == 409, duplicate.text
        problem = duplicate.json()
        assert problem["code"] == "vehicle.already_registered"
        assert problem["existing_id"] == created["id"]
    # another dealer learns that the bike is taken, not whose registration it is
    campus = demo_registration_body(
        code, DEMO_DEALERS[1].store_ids[0], invoice_date=shanghai_date(clock())
    )
    foreign = await create_raw(other, campus)
    assert foreign.status_code == 409
    assert foreign.json()["existing_id"] is None
    # cancelling frees the vehicle code
    cancel = await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/cancel", headers=post_headers()
    )
    assert cancel.json()["status"] == "cancelled"
    assert (await create_raw(bureau, body)).status_code == 201
