"""The whole e-bike flow against the sandbox over real loopback HTTP, sync and async."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from vehreg_sdk import (
    AsyncVehregClient,
    ConflictError,
    LocalValidationError,
    NotFoundError,
    VehregClient,
)
from vehreg_sdk.sandbox import SandboxServer, seed
from vehreg_sdk.types import EbikeVehicle

from .sandbox_flow import (
    FORGET_KEY,
    JPEG,
    LOST,
    TILL_PHOTO_KINDS,
    AsyncLosingTransport,
    LosingTransport,
    sale_inputs,
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(review_delay=0) as server:
        yield server


def _client(sandbox: SandboxServer, **kwargs: Any) -> VehregClient:
    dealer = sandbox.dealers[0]
    return VehregClient(
        base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret, **kwargs
    )


def _async_client(sandbox: SandboxServer, **kwargs: Any) -> AsyncVehregClient:
    dealer = sandbox.dealers[0]
    return AsyncVehregClient(
        base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret, **kwargs
    )


def test_sale_flow_with_a_returned_review(sandbox: SandboxServer) -> None:
    (code,) = seed.sellable_vehicle_codes(1, start=0)
    with _client(sandbox) as client:
        store_id = client.stores.list().data[0].id
        certificate = client.certificates.retrieve(code)
        vehicle = EbikeVehicle.from_certificate(certificate, color="白")
        uploads = [client.uploads.create(kind=k, file=JPEG).id for k in TILL_PHOTO_KINDS]
        # invoice ending 0097: the police return it once (retake the invoice photo)
        sale = sale_inputs(code, store_id, index=1, invoice_suffix="0097")
        reg = client.ebike_registrations.create(
            vehicle=vehicle, uploads=uploads, certificate=certificate, **sale
        )
        assert reg.status == "plate_assigned"
        assert reg.plate_number and reg.plate_token
        assert reg.request_id

        from vehreg_sdk import plates

        claims = plates.verify_token(reg.plate_token, client.keys.retrieve())
        assert claims.plate == reg.plate_number
        assert claims.vehicle_code == code

        client.ebike_registrations.upload_photo(reg.id, kind="plate_fitted", file=JPEG)
        reg = client.ebike_registrations.wait(reg.id, timeout=20, poll_interval=0.05)
        assert reg.status == "returned"
        assert reg.review is not None
        assert {r.photo_kind for r in reg.review.reasons} == {"invoice"}

        client.ebike_registrations.upload_photo(reg.id, kind="invoice", file=JPEG)
        reg = client.ebike_registrations.wait(
            reg.id, until={"approved", "rejected"}, timeout=20, poll_interval=0.05
        )
        assert reg.status == "approved"

        listed = [r.id for r in client.ebike_registrations.list(status="approved", limit=1)]
        assert reg.id in listed
        types = [e.type for e in client.events.list() if e.data["object"]["id"] == reg.id]
        assert "ebike_registration.returned" in types
        assert types[-1] == "ebike_registration.approved"

        # the same bike again: a genuine duplicate, reported with the original's id
        with pytest.raises(ConflictError) as caught:
            client.ebike_registrations.create(
                vehicle=vehicle, uploads=[], **sale_inputs(code, store_id, index=2)
            )
        assert caught.value.existing_id == reg.id
        assert caught.value.request_id


async def test_async_sale_flow_with_a_returned_review(sandbox: SandboxServer) -> None:
    """The async twin of the returned + re-upload flow, over real loopback HTTP."""
    (code,) = seed.sellable_vehicle_codes(1, start=3000)
    async with _async_client(sandbox) as client:
        stores = await client.stores.list()
        store_id = stores.data[0].id
        certificate = await client.certificates.retrieve(code)
        vehicle = EbikeVehicle.from_certificate(certificate, color="白")
        uploads = [(await client.uploads.create(kind=k, file=JPEG)).id for k in TILL_PHOTO_KINDS]
        # invoice ending 0097: the police return it once (retake the invoice photo)
        sale = sale_inputs(code, store_id, index=4, invoice_suffix="0097")
        assert sale["sale"]["invoice_number"].endswith("0097")
        reg = await client.ebike_registrations.create(
            vehicle=vehicle, uploads=uploads, certificate=certificate, **sale
        )
        assert reg.status == "plate_assigned"
        assert reg.plate_number and reg.plate_token
        assert reg.request_id

        from vehreg_sdk import plates

        jwks = await client.keys.retrieve()
        assert jwks.request_id
        claims = plates.verify_token(reg.plate_token, jwks)
        assert (claims.plate, claims.vehicle_code) == (reg.plate_number, code)

        await client.ebike_registrations.upload_photo(reg.id, kind="plate_fitted", file=JPEG)
        reg = await client.ebike_registrations.wait(reg.id, timeout=20, poll_interval=0.05)
        assert reg.status == "returned"
        assert reg.review is not None
        assert {r.photo_kind for r in reg.review.reasons} == {"invoice"}
        assert {r.code for r in reg.review.reasons} == {"photo.unreadable"}

        # re-upload the photo the review named: back to the police, then approved
        (named,) = {r.photo_kind for r in reg.review.reasons}
        assert named == "invoice"
        reg = await client.ebike_registrations.upload_photo(reg.id, kind=named, file=JPEG)
        assert reg.status == "awaiting_review"
        assert reg.request_id
        reg = await client.ebike_registrations.wait(
            reg.id, until={"approved", "rejected"}, timeout=20, poll_interval=0.05
        )
        assert reg.status == "approved"

        listed = [r.id async for r in client.ebike_registrations.list(status="approved")]
        assert reg.id in listed
        types = [e.type async for e in client.events.list() if e.data["object"]["id"] == reg.id]
        assert types == [
            "ebike_registration.plate_assigned",
            "ebike_registration.awaiting_review",
            "ebike_registration.returned",
            "ebike_registration.awaiting_review",
            "ebike_registration.approved",
        ]


def test_errors_and_local_rules_against_the_bureau(sandbox: SandboxServer) -> None:
    with _client(sandbox) as client:
        with pytest.raises(NotFoundError) as caught:
            client.certificates.retrieve("320620249999000")
        assert caught.value.detail_zh and caught.value.request_id
        (code,) = seed.unsellable_vehicle_codes("gb2018", 1)
        certificate = client.certificates.retrieve(code)
        with pytest.raises(LocalValidationError) as refused:
            client.ebike_registrations.create(
                vehicle=EbikeVehicle.from_certificate(certificate),
                certificate=certificate,
                **sale_inputs(code, sandbox.dealers[0].store_ids[0], index=3),
            )
        assert refused.value.violations
    wrong = VehregClient(base_url=sandbox.base_url, app_key="vk_nobody", app_secret="x")
    with wrong, pytest.raises(Exception) as denied:
        wrong.stores.list()
    assert getattr(denied.value, "status_code", None) == 401


def _plan(sale: int) -> list[str]:
    """Which attempts of each sale lose their response (FORGET_KEY: lost, and every retry
    arrives under a key the bureau no longer knows, as after its 24 h record expired)."""
    return [[], [LOST], [LOST, LOST], [FORGET_KEY], [LOST, FORGET_KEY]][sale % 5]


def _count_registrations(client: VehregClient, codes: set[str]) -> dict[str, int]:
    counts = dict.fromkeys(codes, 0)
    for reg in client.ebike_registrations.list(limit=100):
        if reg.vehicle.vehicle_code in counts:
            counts[reg.vehicle.vehicle_code] += 1
    return counts


def test_lost_responses_never_duplicate_a_sale(
    sandbox: SandboxServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vehreg_sdk")
    sales = 10
    codes = seed.sellable_vehicle_codes(sales, start=1000)
    transport = LosingTransport(_plan, sandbox.dealers[0])
    store_id = sandbox.dealers[0].store_ids[0]
    returned: list[str] = []
    with httpx.Client(transport=transport) as http, _client(sandbox, http_client=http) as client:
        client._kernel.sleep = lambda seconds: None
        for index, code in enumerate(codes):
            certificate = client.certificates.retrieve(code)
            reg = client.ebike_registrations.create(
                vehicle=EbikeVehicle.from_certificate(certificate),
                certificate=certificate,
                **sale_inputs(code, store_id, index=100 + index),
            )
            assert reg.vehicle.vehicle_code == code
            returned.append(reg.id)
    assert transport.dropped == 12  # 0 + 1 + 2 + 1 + 2, twice over
    assert len(set(returned)) == sales
    # the expired-record sales (3, 4, 8, 9) went through the 409 → fetch recovery
    assert caplog.text.count("recovered registration") == 4
    with _client(sandbox) as client:
        assert _count_registrations(client, set(codes)) == dict.fromkeys(codes, 1)


async def test_async_flow_and_lost_responses(sandbox: SandboxServer) -> None:
    sales = 5
    codes = seed.sellable_vehicle_codes(sales, start=2000)
    transport = AsyncLosingTransport(_plan, sandbox.dealers[0])
    store_id = sandbox.dealers[0].store_ids[1]
    async with (
        httpx.AsyncClient(transport=transport) as http,
        _async_client(sandbox, http_client=http) as client,
    ):

        async def no_sleep(seconds: float) -> None:
            return None

        client._kernel.sleep = no_sleep
        uploads = [(await client.uploads.create(kind=k, file=JPEG)).id for k in TILL_PHOTO_KINDS]
        ids = []
        for index, code in enumerate(codes):
            certificate = await client.certificates.retrieve(code)
            reg = await client.ebike_registrations.create(
                vehicle=EbikeVehicle.from_certificate(certificate),
                certificate=certificate,
                uploads=uploads if index == 0 else [],
                **sale_inputs(code, store_id, index=200 + index),
            )
            ids.append(reg.id)
        assert len(set(ids)) == sales

        first = ids[0]
        await client.ebike_registrations.upload_photo(first, kind="plate_fitted", file=JPEG)
        reg = await client.ebike_registrations.wait(first, timeout=20, poll_interval=0.05)
        assert reg.status == "approved"
        cancelled = await client.ebike_registrations.cancel(ids[1], reason="customer changed mind")
        assert cancelled.status == "cancelled"
        seen = [r.vehicle.vehicle_code async for r in client.ebike_registrations.list(limit=3)]
    assert transport._sync.dropped == 6
    assert sorted(c for c in seen if c in codes) == sorted(codes)
