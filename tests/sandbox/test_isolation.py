"""Isolation between the two demo dealers: another dealer's ids are simply not found."""

from __future__ import annotations

import httpx

from vehreg_sdk.sandbox import DEMO_DEALERS

from .conftest import JPEG, post_headers, register


async def test_dealers_see_only_their_own(
    bureau: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    mine = await register(bureau)
    theirs = await register(other, start=500, dealer=DEMO_DEALERS[1])

    stores = (await other.get("/v1/stores")).json()["data"]
    assert [s["id"] for s in stores] == DEMO_DEALERS[1].store_ids
    assert len((await bureau.get("/v1/stores")).json()["data"]) == 3
    foreign_store = await other.get(f"/v1/stores/{DEMO_DEALERS[0].store_ids[0]}")
    assert foreign_store.status_code == 404

    for path in (f"/v1/ebike-registrations/{mine['id']}",):
        response = await other.get(path)
        assert response.status_code == 404
        assert response.json()["code"] == "registration.not_found"
        assert mine["id"] not in response.text
    cancel = await other.post(
        f"/v1/ebike-registrations/{mine['id']}/cancel", headers=post_headers()
    )
    assert cancel.status_code == 404
    photo = await other.post(
        f"/v1/ebike-registrations/{mine['id']}/photos",
        data={"kind": "plate_fitted"},
        files={"file": ("p.jpg", JPEG, "image/jpeg")},
        headers=post_headers(),
    )
    assert photo.status_code == 404
    assert (await bureau.get(f"/v1/ebike-registrations/{mine['id']}")).json()[
        "status"
    ] == "plate_assigned"

    listed = (await other.get("/v1/ebike-registrations")).json()["data"]
    assert [r["id"] for r in listed] == [theirs["id"]]
    events = (await other.get("/v1/events")).json()["data"]
    assert {e["data"]["object"]["id"] for e in events} == {theirs["id"]}
    # another dealer's event id is not a valid position in my feed
    my_event = (await bureau.get("/v1/events")).json()["data"][0]["id"]
    assert (await other.get("/v1/events", params={"after": my_event})).status_code == 400

    # uploads: mine cannot be attached by the other dealer
    upload = mine["uploads"][0]
    from vehreg_sdk.sandbox.clock import shanghai_date
    from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

    from .conftest import create_raw

    body = demo_registration_body(
        sellable_vehicle_codes(1, start=900)[0],
        DEMO_DEALERS[1].store_ids[0],
        uploads=[upload],
        invoice_date=shanghai_date(other.auth.clock()),  # type: ignore[attr-defined]
    )
    response = await create_raw(other, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "upload.not_found"


async def test_webhook_endpoints_are_private(
    bureau: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    created = await bureau.post(
        "/v1/webhook-endpoints",
        json={"url": "http://localhost:9/h", "events": ["*"]},
        headers=post_headers(),
    )
    endpoint = created.json()
    assert endpoint["secret"].startswith("whsec_")
    assert (await other.get("/v1/webhook-endpoints")).json()["data"] == []
    assert (await other.delete(f"/v1/webhook-endpoints/{endpoint['id']}")).status_code == 404
    listed = (await bureau.get("/v1/webhook-endpoints")).json()["data"]
    assert [e["id"] for e in listed] == [endpoint["id"]]
    assert "secret" not in listed[0]
    deleted = await bureau.delete(f"/v1/webhook-endpoints/{endpoint['id']}")
    assert deleted.json()["deleted"] is True
    assert (await bureau.get("/v1/webhook-endpoints")).json()["data"] == []
