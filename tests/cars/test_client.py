"""The client's car resources against the sandbox on a real loopback port (sync and async),
and the parity of the local rules with the bureau's answers."""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator
from typing import Any

import pytest
from tests.support.loopback import dealer_client, loopback_sandbox

from vehreg_sdk import AsyncVehregClient, LocalValidationError, VehregClient, rules
from vehreg_sdk._errors import UnprocessableEntityError
from vehreg_sdk.plates import verify_token
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.car_catalogue import model_of
from vehreg_sdk.sandbox.car_seed import (
    demo_agent,
    demo_car_owner,
    demo_car_registration_body,
    demo_unit_owner,
    unused_car_certificates,
)
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.testing import SAMPLE_JPEG as JPEG
from vehreg_sdk.types import PurchaseTax, VehicleRegistration

STORE = DEMO_DEALERS[0].store_ids[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    yield from loopback_sandbox(tmp_path_factory, "cars")


@pytest.fixture
def client(server: SandboxServer) -> Iterator[VehregClient]:
    yield from dealer_client(server, DEMO_DEALERS[0])


def _today() -> Any:
    return shanghai_date(time.time())


def _parts(body: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in body.items() if name != "store_id"}


def test_one_car_end_to_end_with_the_sync_client(client: VehregClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("nev_bev",))
    fetched = client.car_certificates.retrieve(certificate["certificate_number"])
    by_vin = client.car_certificates.retrieve_by_vin(certificate["vin"])
    assert by_vin.model_dump() == fetched.model_dump()
    assert fetched.energy_type == "BEV" and fetched.request_id
    assert client.purchase_tax.retrieve(fetched.vin).status == "unpaid"
    paid = client.purchase_tax.test_helpers.pay(
        fetched.vin, price_fen=model_of(certificate).price_fen, invoice_date=_today()
    )
    expected = rules.expected_purchase_tax(
        model_of(certificate).price_fen, _today(), "BEV", "passenger_car"
    )
    assert paid.status == expected.expected_status
    assert (paid.tax_fen, paid.relief_fen, paid.paid_fen) == (
        expected.tax_fen,
        expected.relief_fen,
        expected.due_fen,
    )
    drawn = client.plate_selections.create(vin=fetched.vin, plate_kind="52")
    assert len(drawn.candidates) >= 5
    chosen = client.plate_selections.choose(drawn.id, number=drawn.candidates[2])
    assert chosen.status == "reserved" and chosen.reserved_until is not None
    uploads = [
        client.uploads.create(kind=kind, file=JPEG).id
        for kind in ("invoice", "insurance_policy", "id_front", "vin_rubbing", "vehicle_photo")
    ]
    body = demo_car_registration_body(
        certificate, STORE, selection_id=drawn.id, uploads=uploads, invoice_date=_today()
    )
    created = client.vehicle_registrations.create(
        store_id=STORE, certificate=fetched, tax=paid, **_parts(body)
    )
    assert isinstance(created, VehicleRegistration) and created.status == "submitted"
    assert created.local_warnings == []
    plated = client.vehicle_registrations.wait(created.id, until={"plate_assigned"}, timeout=10)
    assert plated.plate_number == drawn.candidates[2]
    claims = verify_token(plated.plate_token or "", client.keys.retrieve())
    assert claims.vehicle_code == fetched.vin
    client.vehicle_registrations.upload_photo(created.id, kind="plate_fitted", file=JPEG)
    approved = client.vehicle_registrations.wait(created.id, timeout=10)
    assert approved.status == "approved"
    assert [r.id for r in client.vehicle_registrations.list(vin=fetched.vin)] == [created.id]
    assert client.plate_selections.retrieve(drawn.id).status == "confirmed"
    requirements = client.photo_requirements.list(registration_kind="car")
    assert {r.photo_kind for r in requirements if r.required and r.condition is None} <= {
        p.kind for p in approved.photos
    }


async def test_async_client_tax_pending_is_retried_by_itself(server: SandboxServer) -> None:
    dealer = DEMO_DEALERS[0]
    async with AsyncVehregClient(
        base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
        body = demo_car_registration_body(
            certificate, STORE, retained_number="苏GH7731", invoice_date=_today()
        )
        with pytest.raises(UnprocessableEntityError) as unpaid:
            await client.vehicle_registrations.create(store_id=STORE, **_parts(body))
        assert unpaid.value.code == "tax.unpaid"
        pending = await client.purchase_tax.test_helpers.pay(
            certificate["vin"],
            price_fen=model_of(certificate).price_fen,
            invoice_date=_today(),
            delay_seconds=1,
        )
        assert isinstance(pending, PurchaseTax) and pending.status == "unknown"
        created = await client.vehicle_registrations.create(store_id=STORE, **_parts(body))
        assert created.status == "submitted" and created.purchase_tax is not None
        assert created.purchase_tax.status == "paid"
        cancelled = await client.vehicle_registrations.cancel(created.id, reason="退车")
        assert cancelled.status == "cancelled"
        pages = [r.id async for r in client.vehicle_registrations.list(status="cancelled")]
        assert created.id in pages


def test_a_school_bus_is_refused_locally_without_a_request(client: VehregClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("school_bus",))
    body = demo_car_registration_body(
        certificate,
        STORE,
        retained_number="苏G23456",
        owner=demo_unit_owner(7),
        agent=demo_agent(7, "up_local_only"),
        invoice_date=_today(),
    )
    with pytest.raises(LocalValidationError) as refused:
        client.vehicle_registrations.create(store_id=STORE, **_parts(body))
    (station,) = [v for v in refused.value.violations if v.code == "station.not_eligible"]
    assert "车管所" in station.extra["routing"]["message_zh"]
    assert "vehicle office" in station.extra["routing"]["message"]


# --------------------------------------------------------------------------- parity


def _mutations(certificate: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    base = demo_car_registration_body(
        certificate, STORE, retained_number="苏GJ5521", invoice_date=_today()
    )
    cases: list[tuple[str, dict[str, Any]]] = []

    def case(name: str, part: str, **changes: Any) -> None:
        body = copy.deepcopy(base)
        body[part].update(changes)
        cases.append((name, body))

    case("school bus use", "vehicle", use_nature="S")
    case("taxi", "vehicle", use_nature="D")
    case("wrong plate kind", "plate", kind="52")
    case("retained number of another kind", "plate", number="苏GD12345")
    case("future invoice", "invoice", date="2099-01-01")
    case("uninsured today", "insurance", starts_on="2099-01-01", ends_on="2099-12-31")
    case("non-local buyer", "owner", id_number=demo_car_owner(9, area="320102")["id_number"])
    case("fuel against energy", "vehicle", fuel_type="C")
    case("type against certificate", "vehicle", vehicle_type="K32")
    case("imported", "vehicle", origin="imported", certificate_number=None)
    case("unit owner for a taxi", "owner", kind="unit")
    return cases


def test_local_rules_and_the_sandbox_agree(client: VehregClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    fetched = client.car_certificates.retrieve(certificate["certificate_number"])
    client.purchase_tax.test_helpers.pay(
        fetched.vin, price_fen=model_of(certificate).price_fen, invoice_date=_today()
    )
    tax = client.purchase_tax.retrieve(fetched.vin)
    for name, body in _mutations(certificate):
        local: set[tuple[str, str]] = set()
        try:
            client.vehicle_registrations.create(
                store_id=STORE, certificate=fetched, tax=tax, **_parts(body)
            )
        except LocalValidationError as error:
            local = {(v.field, v.code) for v in error.violations}
        assert local, name
        bureau = _post_raw(client, body)
        assert bureau.status_code in (409, 422), (name, bureau.text)
        remote_errors = {(e["field"], e["code"]) for e in bureau.json()["errors"]}
        rule_codes = {code for _, code in local}
        # Every local error is the bureau's too, and the bureau finds nothing the
        # till could have known (same rules, same certificate, same tax record).
        assert local <= remote_errors, (name, local, remote_errors)
        assert {c for _, c in remote_errors} <= rule_codes | {"field.unknown", "field.type"}, name


def _post_raw(client: VehregClient, body: dict[str, Any]) -> Any:
    import json
    import uuid

    import httpx

    from vehreg_sdk import _signing

    raw = json.dumps(body, ensure_ascii=False).encode()
    headers = _signing.signature_headers(
        app_key=client.app_key,
        secret=DEMO_DEALERS[0].app_secret,
        method="POST",
        path="/v1/vehicle-registrations",
        query="",
        body=raw,
        timestamp=int(time.time()),
    )
    headers.update({"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())})
    return httpx.post(client.base_url + "/v1/vehicle-registrations", content=raw, headers=headers)


def test_raw_responses_of_the_car_resources(client: VehregClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    raw = client.with_raw_response.car_certificates.retrieve_by_vin(certificate["vin"])
    assert raw.status_code == 200 and raw.request_id
    assert raw.parse().vin == certificate["vin"]
    tax = client.with_raw_response.purchase_tax.retrieve(certificate["vin"])
    assert tax.parse().status == "unpaid"
    listed = client.with_raw_response.photo_requirements.list(registration_kind="car")
    assert listed.status_code == 200 and listed.parse()
    drawn = client.with_raw_response.plate_selections.create(
        vin=certificate["vin"], plate_kind="02"
    )
    assert drawn.status_code == 201 and len(drawn.parse().candidates) >= 5
    page = client.with_raw_response.vehicle_registrations.list(vin=certificate["vin"])
    assert page.status_code == 200 and list(page.parse()) == []


def test_an_assessed_tax_base_is_a_warning_not_an_error(client: VehregClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    price = model_of(certificate).price_fen
    record = client.purchase_tax.test_helpers.pay(
        certificate["vin"], price_fen=price, invoice_date=_today(), assessed_base_fen=price
    )
    assert record.status == "paid" and record.tax_base_fen == price
    body = demo_car_registration_body(
        certificate, STORE, retained_number="苏GR8642", invoice_date=_today()
    )
    created = client.vehicle_registrations.create(store_id=STORE, tax=record, **_parts(body))
    assert created.status == "submitted"
    (warning,) = created.local_warnings
    assert warning.code == "tax.amount_differs" and warning.severity == "warning"
    assert warning.value == record.paid_fen
