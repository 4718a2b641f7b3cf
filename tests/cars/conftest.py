"""Fixtures of the car tests: an in-process bureau with a movable clock, and car helpers."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from tests.sandbox.conftest import JPEG, FakeClock, Signer, post_headers

from vehreg_sdk.sandbox import DEMO_DEALERS, create_app
from vehreg_sdk.sandbox.car_seed import demo_car_registration_body, unused_car_certificates
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.sandbox.seed import DemoDealer

#: The photo kinds a private buyer's car needs before the plate-fitted photo.
CAR_KINDS = ("invoice", "insurance_policy", "id_front", "vin_rubbing", "vehicle_photo")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(sandbox_db: Path | str, clock: FakeClock) -> Starlette:
    """The bureau on each engine in turn (``sandbox_db``: SQLite, then PostgreSQL)."""
    return create_app(sandbox_db, clock=clock, webhook_backoff=0.05)


def signed(app: Starlette, dealer: DemoDealer) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sandbox.test",
        auth=Signer(dealer, app.state.bureau.clock),
    )


@pytest.fixture
async def bureau(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with signed(app, DEMO_DEALERS[0]) as client:
        yield client
    await app.state.bureau.aclose()


@pytest.fixture
async def other(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with signed(app, DEMO_DEALERS[1]) as client:
        yield client


async def post(
    client: httpx.AsyncClient, path: str, body: Any, key: str | None = None
) -> httpx.Response:
    return await client.post(
        path,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **post_headers(key)},
    )


async def upload(client: httpx.AsyncClient, kind: str) -> str:
    response = await client.post(
        "/v1/uploads",
        data={"kind": kind},
        files={"file": ("photo.jpg", JPEG, "image/jpeg")},
        headers=post_headers(),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def pay_tax(
    client: httpx.AsyncClient, certificate: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    from vehreg_sdk.sandbox.car_catalogue import model_of

    day = shanghai_date(client.auth.clock())  # type: ignore[attr-defined]
    body = {"price_fen": model_of(certificate).price_fen, "invoice_date": day.isoformat(), **extra}
    response = await post(client, f"/v1/test-helpers/purchase-tax/{certificate['vin']}/pay", body)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def reserve(
    client: httpx.AsyncClient, certificate: dict[str, Any], kind: str
) -> dict[str, Any]:
    drawn = await post(
        client, "/v1/plate-selections", {"vin": certificate["vin"], "plate_kind": kind}
    )
    assert drawn.status_code == 201, drawn.text
    selection = drawn.json()
    chosen = await post(
        client,
        f"/v1/plate-selections/{selection['id']}/choose",
        {"number": selection["candidates"][0]},
    )
    assert chosen.status_code == 200, chosen.text
    return dict(chosen.json())


async def register_car(
    client: httpx.AsyncClient,
    *,
    categories: tuple[str, ...] = ("sedan_petrol",),
    index: int = 0,
    pay: bool = True,
    expect: int = 201,
    **changes: Any,
) -> tuple[dict[str, Any], httpx.Response]:
    """A fresh car, its tax paid, a plate reserved, its photos: the create response."""
    (certificate,) = unused_car_certificates(1, categories=categories)
    if pay:
        await pay_tax(client, certificate)
    body = demo_car_registration_body(
        certificate,
        DEMO_DEALERS[0].store_ids[0],
        index=index,
        invoice_date=shanghai_date(client.auth.clock()),  # type: ignore[attr-defined]
        uploads=[await upload(client, kind) for kind in CAR_KINDS],
        **changes,
    )
    if "selection_id" not in changes and "retained_number" not in changes:
        selection = await reserve(client, certificate, body["plate"]["kind"])
        body["plate"]["selection_id"] = selection["id"]
    response = await post(client, "/v1/vehicle-registrations", body)
    assert response.status_code == expect, response.text
    return certificate, response
