"""On-site inspections (上门查验) against the sandbox on loopback: the lifecycle through the test
helpers, its refusals, its events, and what a registration on this channel is checked against."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest

from vehreg_sdk import AsyncVehregClient, LocalValidationError, VehregClient
from vehreg_sdk._errors import ConflictError, NotFoundError, UnprocessableEntityError
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.car_seed import fleet_bus_certificates
from vehreg_sdk.testing.fleet import BusCompany, bus_company

from .conftest import DEALER, inspected, onsite_body, window


def _request(client: VehregClient, company: BusCompany, vins: list[str], on: date) -> str:
    return client.onsite_inspections.create(
        owner=company.owner(), contact={"name": company.agent_name, "mobile": company.agent_mobile},
        depot_address=company.address, window=window(on), vins=vins,
    ).id  # fmt: skip


def test_lifecycle_requested_scheduled_inspected_with_events(
    client: VehregClient, company: BusCompany, today: date
) -> None:
    buses = fleet_bus_certificates(3)
    vins = [b["vin"] for b in buses]
    inspection_id = _request(client, company, vins, today)
    requested = client.onsite_inspections.retrieve(inspection_id)
    assert requested.status == "requested" and requested.scheduled_at is None
    assert [v.vin for v in requested.vehicles] == vins
    assert all(v.inspection is None and v.safety_test is None for v in requested.vehicles)
    assert requested.contact["mobile"].count("*") == 4  # masked by the bureau
    assert requested.owner["id_number"] == company.credit_code  # a unit's code is not PII

    with pytest.raises(ConflictError) as early:
        client.onsite_inspections.test_helpers.inspect(inspection_id)
    assert early.value.code == "onsite_inspection.invalid_state"

    scheduled = client.onsite_inspections.test_helpers.schedule(inspection_id)
    assert scheduled.status == "scheduled" and scheduled.scheduled_at is not None
    done = client.onsite_inspections.test_helpers.inspect(
        inspection_id,
        results=[{"vin": vins[1], "inspection": "passed", "safety_test": "failed",
                  "remarks": "制动力不合格"}],
    )  # fmt: skip
    assert done.status == "inspected" and done.inspected_at is not None
    assert done.counts == {"total": 3, "passed": 2, "failed": 1}
    assert done.passed_vins() == [vins[0], vins[2]]
    assert done.vehicles[1].remarks == "制动力不合格"
    with pytest.raises(ConflictError):
        client.onsite_inspections.cancel(inspection_id)

    mine = [e.type for e in client.events.list(limit=100)
            if e.data["object"].get("id") == inspection_id]  # fmt: skip
    assert mine == [
        "onsite_inspection.requested",
        "onsite_inspection.scheduled",
        "onsite_inspection.inspected",
    ]
    listed = [i.id for i in client.onsite_inspections.list(status="inspected")]
    assert inspection_id in listed
    raw = client.with_raw_response.onsite_inspections.retrieve(inspection_id)
    assert raw.headers["X-Request-Id"] and raw.parse().status == "inspected"


def test_cancel_before_the_inspection(
    client: VehregClient, company: BusCompany, today: date
) -> None:
    inspection_id = _request(client, company, [fleet_bus_certificates(1)[0]["vin"]], today)
    client.onsite_inspections.test_helpers.schedule(inspection_id)
    cancelled = client.onsite_inspections.cancel(inspection_id, reason="车辆延期交付")
    assert cancelled.status == "cancelled" and cancelled.cancellation
    with pytest.raises(ConflictError):
        client.onsite_inspections.test_helpers.inspect(inspection_id)


def test_refusals_are_typed_and_bilingual(
    client: VehregClient, company: BusCompany, today: date
) -> None:
    (bus,) = fleet_bus_certificates(1)
    person = {**company.owner(), "kind": "person", "id_type": "A"}
    with pytest.raises(LocalValidationError):  # a fleet owner is a unit (nothing sent)
        client.onsite_inspections.create(
            owner=person, contact={"name": "张三", "mobile": "13900000001"},
            depot_address="场站", window=window(today), vins=[bus["vin"]],
        )  # fmt: skip
    with pytest.raises(LocalValidationError):  # a VIN twice
        _request(client, company, [bus["vin"], bus["vin"]], today)
    unknown = bus["vin"][:11] + "009999"  # past the fleet series
    from vehreg_sdk.rules import vin_check_digit

    unknown = unknown[:8] + vin_check_digit(unknown) + unknown[9:]
    with pytest.raises(UnprocessableEntityError) as missing:
        _request(client, company, [bus["vin"], unknown], today)
    assert missing.value.code == "certificate.not_found"
    assert missing.value.message_zh
    inspection_id = _request(client, company, [bus["vin"]], today)
    late = (today + timedelta(days=3)).isoformat() + "T08:00:00+08:00"
    with pytest.raises(UnprocessableEntityError) as outside:
        client.onsite_inspections.test_helpers.schedule(inspection_id, scheduled_at=late)
    assert outside.value.code == "validation.failed"
    with pytest.raises(NotFoundError):
        client.onsite_inspections.retrieve("osi_nope")


def test_another_dealer_cannot_see_it(
    client: VehregClient, server: SandboxServer, company: BusCompany, today: date
) -> None:
    from vehreg_sdk.sandbox import DEMO_DEALERS

    inspection_id = _request(client, company, [fleet_bus_certificates(1)[0]["vin"]], today)
    other = DEMO_DEALERS[1]
    theirs = VehregClient(
        base_url=server.base_url, app_key=other.app_key, app_secret=other.app_secret
    )
    with theirs, pytest.raises(NotFoundError):
        theirs.onsite_inspections.retrieve(inspection_id)


def test_a_registration_needs_a_passed_inspection_of_its_vin_and_owner(
    client: VehregClient, company: BusCompany, today: date
) -> None:
    buses = fleet_bus_certificates(3)
    vins = [b["vin"] for b in buses]
    for vin in vins:
        client.purchase_tax.test_helpers.exempt(vin, exemption="public_transport")
    pending = _request(client, company, vins[:1], today)
    done = inspected(client, company, vins[1:], today,
                     results=[{"vin": vins[2], "safety_test": "failed"}])  # fmt: skip
    enrolment = {"operating_enterprise_credit_code": company.credit_code,
                 "road_transport_licence_number": "苏交运管320700000777",
                 "safety_officer": {"name": company.safety_officer_name,
                                    "mobile": company.safety_officer_mobile}}  # fmt: skip

    def refused(inspection_id: str, index: int, **changes: object) -> set[str]:
        body = {**onsite_body(client, company, buses[index], today, supervision=enrolment,
                              index=index), **changes}  # fmt: skip
        with pytest.raises(UnprocessableEntityError) as error:
            client.vehicle_registrations.create(onsite_inspection_id=inspection_id, **body)
        assert error.value.code == "onsite_inspection.not_passed"
        return {v.code for v in error.value.errors}

    assert "onsite_inspection.not_inspected" in refused(pending, 0)  # not inspected yet
    assert "onsite_inspection.vin_not_listed" in refused(done.id, 0)  # not in this inspection
    assert "onsite_inspection.not_passed" in refused(done.id, 2)  # its safety test failed
    other = bus_company(8)
    stranger = {**other.owner()}
    assert "onsite_inspection.owner_mismatch" in refused(done.id, 1, owner=stranger)
    created = client.vehicle_registrations.create(
        onsite_inspection_id=done.id,
        **onsite_body(client, company, buses[1], today, supervision=enrolment, index=1),
    )
    assert created.onsite_inspection_id == done.id and created.store_id is None
    # Plates in sequence need the on-site channel.
    body = onsite_body(client, company, buses[2], today, supervision=enrolment, index=2)
    with pytest.raises(LocalValidationError) as local:
        client.vehicle_registrations.create(store_id=DEALER.store_ids[0], **body)
    assert "plate.sequence_needs_onsite" in {v.code for v in local.value.violations}


def test_the_async_client_walks_the_same_lifecycle(
    server: SandboxServer, company: BusCompany, today: date
) -> None:
    (bus,) = fleet_bus_certificates(1)

    async def walk() -> str:
        async with AsyncVehregClient(base_url=server.base_url, app_key=DEALER.app_key,
                                     app_secret=DEALER.app_secret) as client:  # fmt: skip
            made = await client.onsite_inspections.create(
                owner=company.owner(),
                contact={"name": company.agent_name, "mobile": company.agent_mobile},
                depot_address=company.address, window=window(today), vins=[bus["vin"]],
            )  # fmt: skip
            await client.onsite_inspections.test_helpers.schedule(made.id)
            done = await client.onsite_inspections.test_helpers.inspect(made.id)
            listed = [i.id async for i in client.onsite_inspections.list(limit=5)]
            assert made.id in listed
            again = await client.onsite_inspections.retrieve(made.id)
            assert again.status == done.status
            return str(done.status)

    assert asyncio.run(walk()) == "inspected"
