"""Each resource method: the request it sends and what it returns; pagination; wait()."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from vehreg_sdk import AsyncVehregClient, VehregClient, WaitTimeoutError
from vehreg_sdk._pagination import AsyncCursorPage
from vehreg_sdk.testing import SAMPLE_JPEG, SAMPLE_PNG

from .conftest import BASE_URL, registration_json

JPEG = SAMPLE_JPEG  # a real JPEG: uploads are decoded to be prepared


def envelope(data: list[dict[str, Any]], next_cursor: str | None = None) -> dict[str, Any]:
    return {
        "object": "list",
        "data": data,
        "has_more": next_cursor is not None,
        "next_cursor": next_cursor,
    }


def store(i: int) -> dict[str, Any]:
    return {
        "id": f"st_{i}",
        "name": f"Store {i}",
        "address": "连云港",
        "district_code": "320706",
        "future_field": True,
    }


def upload_json(kind: str = "id_front") -> dict[str, Any]:
    return {
        "id": "up_1",
        "object": "upload",
        "kind": kind,
        "content_type": "image/jpeg",
        "size": len(JPEG),
        "sha256": "0" * 64,
        "created_at": "2024-05-01T08:00:00Z",
    }


def event(i: int) -> dict[str, Any]:
    return {
        "id": f"evt_{i}",
        "object": "event",
        "type": "ebike_registration.approved",
        "created_at": "2024-05-01T08:00:00Z",
        "data": {"object": registration_json()},
    }


@respx.mock(base_url=BASE_URL)
def test_list_auto_pages(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    route = respx_mock.get("/v1/stores").mock(
        side_effect=[
            httpx.Response(200, json=envelope([store(1), store(2)], "c2")),
            httpx.Response(200, json=envelope([store(3)], None)),
        ]
    )
    page = client.stores.list(limit=2)
    assert [s.id for s in page.data] == ["st_1", "st_2"]
    assert page.has_more and page.next_cursor == "c2"
    assert [s.id for s in page] == ["st_1", "st_2", "st_3"]
    assert route.calls[1].request.url.params["cursor"] == "c2"
    assert route.calls[1].request.url.params["limit"] == "2"
    assert page.data[0].model_extra == {"future_field": True}  # newer server, older client


@respx.mock(base_url=BASE_URL)
def test_registration_list_filters(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    route = respx_mock.get("/v1/ebike-registrations").respond(
        200, json=envelope([registration_json()])
    )
    regs = list(
        client.ebike_registrations.list(
            status="plate_assigned", store_id="st_1", created_gte=date(2024, 5, 1)
        )
    )
    assert [r.id for r in regs] == ["reg_0001"]
    params = route.calls[0].request.url.params
    assert params["status"] == "plate_assigned"
    assert params["store_id"] == "st_1"
    assert params["created_gte"] == "2024-05-01T00:00:00+08:00"  # an Asia/Shanghai day
    assert "created_lt" not in params


@pytest.mark.parametrize(
    ("argument", "sent"),
    [
        (date(2026, 11, 26), "2026-11-26T00:00:00+08:00"),
        ("2026-11-26", "2026-11-26T00:00:00+08:00"),
        (datetime(2026, 11, 26, 7, 30, tzinfo=UTC), "2026-11-26T07:30:00+00:00"),
        (datetime(2026, 11, 26, 7, 30), "2026-11-26T07:30:00+08:00"),  # naive: Shanghai time
        ("2026-11-26T00:00:00Z", "2026-11-26T00:00:00Z"),
    ],
)
@respx.mock(base_url=BASE_URL)
def test_list_dates_mean_asia_shanghai_days(
    respx_mock: respx.MockRouter, client: VehregClient, argument: datetime | date | str, sent: str
) -> None:
    route = respx_mock.get("/v1/ebike-registrations").respond(200, json=envelope([]))
    list(client.ebike_registrations.list(created_gte=argument, created_lt=argument))
    params = route.calls[0].request.url.params
    assert params["created_gte"] == sent and params["created_lt"] == sent


@respx.mock(base_url=BASE_URL)
def test_list_created_on_is_a_business_day(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.get("/v1/ebike-registrations").respond(200, json=envelope([]))
    late_utc = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 01:00 on the 26th in Shanghai
    for argument in (date(2026, 11, 26), "2026-11-26", late_utc):
        list(client.ebike_registrations.list(created_on=argument))
    assert [c.request.url.params["created_on"] for c in route.calls] == ["2026-11-26"] * 3


@respx.mock(base_url=BASE_URL)
def test_events_page_by_after(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    route = respx_mock.get("/v1/events").mock(
        side_effect=[
            httpx.Response(200, json={**envelope([event(1), event(2)]), "has_more": True}),
            httpx.Response(200, json=envelope([event(3)])),
        ]
    )
    ids = [e.id for e in client.events.list(after="evt_0")]
    assert ids == ["evt_1", "evt_2", "evt_3"]
    assert route.calls[0].request.url.params["after"] == "evt_0"
    assert route.calls[1].request.url.params["after"] == "evt_2"


@respx.mock(base_url=BASE_URL)
def test_catalogue_and_certificates(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    model = {
        "product_model": "TDR-1",
        "brand": "雅迪",
        "maker": "x",
        "standard": "GB17761-2024",
        "battery_chemistry": "lithium",
        "battery_voltage_v": 48,
        "battery_capacity_ah": 20,
        "motor_power_w": 400,
        "max_speed_kmh": 25,
        "mass_kg": 55,
        "length_mm": 1700,
        "width_mm": 680,
        "height_mm": 1100,
        "ccc": {"number": "2024011119000001", "state": "valid", "expiry": "2029-01-01"},
    }
    respx_mock.get("/v1/catalogue/ebikes/TDR-1").respond(
        200, json=model, headers={"X-Request-Id": "req_m"}
    )
    cert = {
        "vehicle_code": "320620240000123",
        "certificate_number": "ABC1234567890",
        "product_model": "TDR-1",
        "brand": "雅迪",
        "maker": "x",
        "color": "白",
        "manufacture_date": "2024-03-01",
        "motor_code": "MTR12345",
        "model": model,
    }
    respx_mock.get("/v1/certificates/ebikes/320620240000123").respond(200, json=cert)
    entry = client.catalogue.retrieve("TDR-1")
    assert entry.request_id == "req_m"
    assert entry.ccc.state == "valid"
    certificate = client.certificates.retrieve(" 320620240000123 ")
    assert certificate.model.product_model == "TDR-1"


@respx.mock(base_url=BASE_URL)
def test_uploads_accept_bytes_paths_files_and_tuples(
    respx_mock: respx.MockRouter, client: VehregClient, tmp_path: Path
) -> None:
    route = respx_mock.post("/v1/uploads").respond(201, json=upload_json())
    photo = tmp_path / "front.jpg"
    photo.write_bytes(JPEG)
    client.uploads.create(kind="id_front", file=JPEG)
    client.uploads.create(kind="id_front", file=photo)
    with photo.open("rb") as fh:
        client.uploads.create(kind="id_front", file=fh)
    client.uploads.create(kind="id_front", file=("scan.png", SAMPLE_PNG, "image/png"))
    client.uploads.create(kind="id_front", file=b"not a photo at all", prepare=False)
    bodies = [call.request.content for call in route.calls]
    assert b"not a photo at all" in bodies[4]  # prepare=False: sent exactly as given
    assert all(b'name="kind"\r\n\r\nid_front' in body for body in bodies)
    assert b'filename="front.jpg"' in bodies[1]
    assert b"Content-Type: image/png" in bodies[3]
    assert all("Idempotency-Key" in call.request.headers for call in route.calls)


@respx.mock(base_url=BASE_URL)
def test_photo_cancel_and_webhook_endpoints(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    photo = respx_mock.post("/v1/ebike-registrations/reg_0001/photos").respond(
        200, json=registration_json(status="awaiting_review")
    )
    cancel = respx_mock.post("/v1/ebike-registrations/reg_0001/cancel").respond(
        200, json=registration_json(status="cancelled")
    )
    endpoint = {
        "id": "we_1",
        "url": "https://dealer.test/hook",
        "events": ["ebike_registration.approved"],
        "created_at": "2024-05-01T08:00:00Z",
        "secret": "whsec_x",
    }
    created = respx_mock.post("/v1/webhook-endpoints").respond(201, json=endpoint)
    respx_mock.get("/v1/webhook-endpoints").respond(200, json=envelope([endpoint]))
    deleted = respx_mock.delete("/v1/webhook-endpoints/we_1").respond(
        200, json={**endpoint, "secret": None, "deleted": True}
    )

    reg = client.ebike_registrations.upload_photo("reg_0001", kind="plate_fitted", file=JPEG)
    assert reg.status == "awaiting_review"
    assert b"plate_fitted" in photo.calls[0].request.content
    reg = client.ebike_registrations.cancel("reg_0001", reason="customer returned the bike")
    assert reg.is_final
    assert json.loads(cancel.calls[0].request.content) == {"reason": "customer returned the bike"}
    hook = client.webhook_endpoints.create(
        url="https://dealer.test/hook", events=["ebike_registration.approved"]
    )
    assert hook.secret == "whsec_x"
    assert "whsec_x" not in repr(hook)
    assert json.loads(created.calls[0].request.content)["events"] == ["ebike_registration.approved"]
    assert [e.id for e in client.webhook_endpoints.list()] == ["we_1"]
    assert client.webhook_endpoints.delete("we_1").deleted
    assert deleted.called


@respx.mock(base_url=BASE_URL)
def test_wait_polls_with_growing_interval(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    states = ["plate_assigned", "awaiting_review", "awaiting_review", "approved"]
    respx_mock.get("/v1/ebike-registrations/reg_0001").mock(
        side_effect=[httpx.Response(200, json=registration_json(status=s)) for s in states]
    )
    reg = client.ebike_registrations.wait("reg_0001", until={"approved"}, poll_interval=0.2)
    assert reg.status == "approved"
    assert sleeps == pytest.approx([0.2, 0.3, 0.45])


@respx.mock(base_url=BASE_URL)
def test_wait_stops_at_returned_by_default(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    respx_mock.get("/v1/ebike-registrations/reg_0001").respond(
        200, json=registration_json(status="returned")
    )
    assert client.ebike_registrations.wait("reg_0001").status == "returned"


@respx.mock(base_url=BASE_URL)
def test_wait_times_out(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    respx_mock.get("/v1/ebike-registrations/reg_0001").respond(
        200, json=registration_json(status="awaiting_review")
    )
    with pytest.raises(WaitTimeoutError) as caught:
        client.ebike_registrations.wait("reg_0001", timeout=0)
    assert caught.value.status == "awaiting_review"
    assert caught.value.last is not None
    assert isinstance(caught.value, TimeoutError)
    assert "awaiting_review" in str(caught.value) and "秒" in str(caught.value)


async def test_async_list_pages_and_raw(aclient: AsyncVehregClient) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get("/v1/stores").mock(
            side_effect=[
                httpx.Response(200, json=envelope([store(1)], "c2")),
                httpx.Response(200, json=envelope([store(2)])),
                httpx.Response(200, json=envelope([store(1)], "c2")),
                httpx.Response(200, json=envelope([store(1)], "c2"), headers={"X-Request-Id": "r"}),
            ]
        )
        ids = [s.id async for s in aclient.stores.list()]
        first = await aclient.stores.list()
        raw = await aclient.with_raw_response.stores.list()
    assert ids == ["st_1", "st_2"]
    assert isinstance(first, AsyncCursorPage)
    assert first.has_next_page()
    assert raw.request_id == "r"
    assert [s.id for s in raw.parse().data] == ["st_1"]


async def test_async_wait_and_photo(aclient: AsyncVehregClient, sleeps: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post("/v1/ebike-registrations/reg_0001/photos").respond(
            200, json=registration_json(status="awaiting_review")
        )
        mock.get("/v1/ebike-registrations/reg_0001").mock(
            side_effect=[
                httpx.Response(200, json=registration_json(status="awaiting_review")),
                httpx.Response(200, json=registration_json(status="approved")),
            ]
        )
        await aclient.ebike_registrations.upload_photo("reg_0001", kind="plate_fitted", file=JPEG)
        reg = await aclient.ebike_registrations.wait("reg_0001", timeout=30)
    assert reg.status == "approved"
    assert sleeps == [0.5]
