"""The registration lifecycle: plate at the till, review triggers, retakes, cancel, events."""

from __future__ import annotations

from typing import Any

import httpx

from vehreg_sdk import _jws
from vehreg_sdk.sandbox import DEMO_DEALERS, create_app
from vehreg_sdk.sandbox.seed import sellable_vehicle_codes

from .conftest import JPEG, FakeClock, Signer, post_headers, register


async def photo(client: httpx.AsyncClient, registration_id: str, kind: str) -> dict[str, Any]:
    response = await client.post(
        f"/v1/ebike-registrations/{registration_id}/photos",
        data={"kind": kind},
        files={"file": (f"{kind}.jpg", JPEG, "image/jpeg")},
        headers=post_headers(),
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def get(client: httpx.AsyncClient, registration_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/ebike-registrations/{registration_id}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def event_types(client: httpx.AsyncClient, registration_id: str) -> list[str]:
    events = (await client.get("/v1/events", params={"limit": "100"})).json()["data"]
    return [e["type"] for e in events if e["data"]["object"]["id"] == registration_id]


async def test_plate_token_verifies_with_the_jwks(
    bureau: httpx.AsyncClient, clock: FakeClock
) -> None:
    created = await register(bureau)
    assert created["status"] == "plate_assigned"
    assert created["plate_number"] == "苏G000001"
    assert created["owner"]["id_number"].count("*") >= 8
    assert created["owner"]["name"].endswith("*")
    jwks = (await bureau.get("/v1/keys")).json()
    header, claims, signing_input, signature = _jws.split_compact(created["plate_token"])
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    assert header["alg"] == "EdDSA"
    assert _jws.verify_signature(_jws.public_key_from_jwk(jwk), signing_input, signature)
    assert claims == {
        "iss": "vehreg-sandbox",
        "plate": "苏G000001",
        "registration_id": created["id"],
        "vehicle_code": created["vehicle"]["vehicle_code"],
        "store_id": DEMO_DEALERS[0].store_ids[0],
        "iat": int(clock()),
    }
    second = await register(bureau, start=50, index=1)
    assert second["plate_number"] == "苏G000002"


async def test_plate_fitted_photo_then_approved(bureau: httpx.AsyncClient) -> None:
    created = await register(bureau)
    waiting = await photo(bureau, created["id"], "plate_fitted")
    assert waiting["status"] == "awaiting_review"
    approved = await get(bureau, created["id"])
    assert approved["status"] == "approved"
    assert approved["review"]["outcome"] == "approved"
    assert await event_types(bureau, created["id"]) == [
        "ebike_registration.plate_assigned",
        "ebike_registration.awaiting_review",
        "ebike_registration.approved",
    ]
    cancel = await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/cancel", headers=post_headers()
    )
    assert cancel.status_code == 409


async def test_invoice_0097_is_returned_once_then_approved(bureau: httpx.AsyncClient) -> None:
    created = await register(bureau, invoice_number="INV20260097")
    await photo(bureau, created["id"], "plate_fitted")
    returned = await get(bureau, created["id"])
    assert returned["status"] == "returned"
    assert [r["photo_kind"] for r in returned["review"]["reasons"]] == ["invoice"]
    assert returned["review"]["reasons"][0]["message_zh"]
    # another photo kind does not reopen the review
    assert (await photo(bureau, created["id"], "vehicle_photo"))["status"] == "returned"
    assert (await photo(bureau, created["id"], "invoice"))["status"] == "awaiting_review"
    assert (await get(bureau, created["id"]))["status"] == "approved"
    assert await event_types(bureau, created["id"]) == [
        "ebike_registration.plate_assigned",
        "ebike_registration.awaiting_review",
        "ebike_registration.returned",
        "ebike_registration.awaiting_review",
        "ebike_registration.approved",
    ]


async def test_invoice_0098_is_rejected_and_frees_the_bike(bureau: httpx.AsyncClient) -> None:
    created = await register(bureau, invoice_number="INV20260098")
    await photo(bureau, created["id"], "plate_fitted")
    rejected = await get(bureau, created["id"])
    assert rejected["status"] == "rejected"
    assert rejected["review"]["reasons"][0]["code"] == "review.vehicle_mismatch"
    late = await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/photos",
        data={"kind": "plate_fitted"},
        files={"file": ("p.jpg", JPEG, "image/jpeg")},
        headers=post_headers(),
    )
    assert late.status_code == 409
    again = await register(bureau, index=2)  # the same (first sellable) vehicle code
    assert again["vehicle"]["vehicle_code"] == created["vehicle"]["vehicle_code"]
    assert again["plate_number"] != created["plate_number"]


async def test_missing_photos_are_returned_by_kind(bureau: httpx.AsyncClient) -> None:
    created = await register(bureau, with_uploads=False)
    await photo(bureau, created["id"], "plate_fitted")
    returned = await get(bureau, created["id"])
    assert returned["status"] == "returned"
    wanted = [r["photo_kind"] for r in returned["review"]["reasons"]]
    assert wanted == [
        "id_front",
        "id_back",
        "invoice",
        "certificate",
        "vehicle_code_rubbing",
        "vehicle_photo",
    ]
    for kind in wanted[:-1]:
        assert (await photo(bureau, created["id"], kind))["status"] == "returned"
    assert (await photo(bureau, created["id"], wanted[-1]))["status"] == "awaiting_review"
    assert (await get(bureau, created["id"]))["status"] == "approved"


async def test_cancel_until_approval_releases_plate(bureau: httpx.AsyncClient) -> None:
    created = await register(bureau)
    response = await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/cancel",
        json={"reason": "顾客退货"},
        headers=post_headers(),
    )
    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancellation"]["reason"] == "顾客退货"
    assert (await event_types(bureau, created["id"]))[-1] == "ebike_registration.cancelled"


async def test_review_waits_for_the_delay(sandbox_db: Any) -> None:
    clock = FakeClock()
    app = create_app(sandbox_db, review_delay=60, clock=clock)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://t",
        auth=Signer(DEMO_DEALERS[0], clock),
    ) as client:
        created = await register(client)
        await photo(client, created["id"], "plate_fitted")
        clock.advance(59)
        assert (await get(client, created["id"]))["status"] == "awaiting_review"
        clock.advance(2)
        assert (await get(client, created["id"]))["status"] == "approved"
    await app.state.bureau.aclose()


async def test_events_page_with_after(bureau: httpx.AsyncClient) -> None:
    for i in range(3):
        await register(bureau, start=i * 10, index=i)
    first = (await bureau.get("/v1/events", params={"limit": "2"})).json()
    assert first["has_more"] is True
    assert first["next_cursor"] == first["data"][-1]["id"]
    rest = (await bureau.get("/v1/events", params={"after": first["next_cursor"]})).json()
    assert rest["has_more"] is False and rest["next_cursor"] is None
    assert len(first["data"]) + len(rest["data"]) == 3
    alias = (await bureau.get("/v1/events", params={"cursor": first["next_cursor"]})).json()
    assert alias["data"] == rest["data"]
    assert all(e["id"].startswith("evt_") for e in first["data"] + rest["data"])


async def test_list_filters_and_pages(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    ids = []
    for i in range(5):
        created = await register(bureau, start=i * 10, index=i, store=i % 2, with_uploads=False)
        ids.append(created["id"])
        clock.advance(60)
    await bureau.post(f"/v1/ebike-registrations/{ids[0]}/cancel", headers=post_headers())
    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await bureau.get("/v1/ebike-registrations", params=params)).json()
        seen += [r["id"] for r in page["data"]]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert seen == list(reversed(ids))  # newest first
    store_1 = DEMO_DEALERS[0].store_ids[1]
    by_store = (await bureau.get("/v1/ebike-registrations", params={"store_id": store_1})).json()[
        "data"
    ]
    assert {r["id"] for r in by_store} == {ids[1], ids[3]}
    cancelled = (
        await bureau.get("/v1/ebike-registrations", params={"status": "cancelled"})
    ).json()["data"]
    assert [r["id"] for r in cancelled] == [ids[0]]
    from vehreg_sdk.sandbox.clock import rfc3339

    window = {"created_gte": rfc3339(clock() - 240), "created_lt": rfc3339(clock() - 120)}
    timed = (await bureau.get("/v1/ebike-registrations", params=window)).json()["data"]
    assert [r["id"] for r in timed] == [ids[2], ids[1]]


async def test_catalogue_and_certificates(bureau: httpx.AsyncClient) -> None:
    (code,) = sellable_vehicle_codes(1)
    certificate = (await bureau.get(f"/v1/certificates/ebikes/{code}")).json()
    assert certificate["vehicle_code"] == code
    model = (await bureau.get(f"/v1/catalogue/ebikes/{certificate['product_model']}")).json()
    assert model == certificate["model"]
    lower = await bureau.get(f"/v1/catalogue/ebikes/{certificate['product_model'].lower()}")
    assert lower.status_code == 200
    seen = []
    cursor = None
    while True:
        page = (
            await bureau.get(
                "/v1/catalogue/ebikes",
                params={"limit": "100", **({"cursor": cursor} if cursor else {})},
            )
        ).json()
        seen += page["data"]
        if not page["has_more"]:
            break
        cursor = page["next_cursor"]
    assert len(seen) >= 40
    brand = seen[0]["brand"]
    only = (await bureau.get("/v1/catalogue/ebikes", params={"brand": brand})).json()["data"]
    assert only and {m["brand"] for m in only} == {brand}
    search = (await bureau.get("/v1/catalogue/ebikes", params={"q": "tdt18"})).json()["data"]
    assert search and {m["standard"] for m in search} == {"GB17761-2018"}
