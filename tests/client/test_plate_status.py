"""``client.plate_status.retrieve()``: the signed revocation list as a model, sync and async."""

from __future__ import annotations

from typing import Any

import respx

from vehreg_sdk import AsyncVehregClient, VehregClient
from vehreg_sdk.types import PlateStatus

from .conftest import BASE_URL

DOCUMENT: dict[str, Any] = {
    "object": "plate_status",
    "version": 3,
    "since": 1,
    "issued_at": "2026-12-06T08:00:00Z",
    "revoked": [
        {
            "registration_id": "reg_0123456789abcdef01234567",
            "revoked_at": "2026-12-06T07:59:10Z",
            "reason": "cancelled",
        }
    ],
    "status_list": "a.b.c",
}


@respx.mock(base_url=BASE_URL)
def test_retrieve_sends_since_and_returns_the_model(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.get("/v1/plate-status").respond(
        200, json=DOCUMENT, headers={"X-Request-Id": "req_ps1"}
    )
    status = client.plate_status.retrieve(since=1)
    assert isinstance(status, PlateStatus)
    assert route.calls.last.request.url.params["since"] == "1"
    assert (status.version, status.since, status.request_id) == (3, 1, "req_ps1")
    assert status.revoked[0].reason == "cancelled"
    assert status.status_list == "a.b.c"
    client.plate_status.retrieve()
    assert "since" not in route.calls.last.request.url.params  # the whole list
    assert client.with_raw_response.plate_status.retrieve().parse().version == 3


@respx.mock(base_url=BASE_URL)
async def test_async_retrieve(respx_mock: respx.MockRouter, aclient: AsyncVehregClient) -> None:
    respx_mock.get("/v1/plate-status").respond(200, json=DOCUMENT)
    status = await aclient.plate_status.retrieve(since=1)
    assert status.version == 3 and status.revoked[0].registration_id.startswith("reg_")
    raw = await aclient.with_raw_response.plate_status.retrieve()
    assert raw.parse().since == 1
