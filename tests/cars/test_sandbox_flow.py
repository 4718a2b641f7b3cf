"""The car flow in the sandbox: certificates, tax, selection, registration lifecycle, events."""

from __future__ import annotations

from pathlib import Path

import httpx
from tests.cars.conftest import post, register_car, signed, upload
from tests.sandbox.conftest import JPEG, T0, FakeClock, post_headers

from vehreg_sdk.plates import verify_token
from vehreg_sdk.sandbox import DEMO_DEALERS, car_catalogue
from vehreg_sdk.sandbox.clock import shanghai_date


async def test_certificates_by_number_and_vin(bureau: httpx.AsyncClient) -> None:
    certificate = car_catalogue.car_certificate_at(5)
    by_number = await bureau.get(f"/v1/certificates/cars/{certificate['certificate_number']}")
    by_vin = await bureau.get(f"/v1/certificates/cars/by-vin/{certificate['vin'].lower()}")
    assert by_number.status_code == by_vin.status_code == 200
    assert by_number.json() == by_vin.json() == certificate
    missing = await bureau.get("/v1/certificates/cars/WLHY0099000001")
    assert missing.status_code == 404 and missing.json()["code"] == "certificate.not_found"


async def test_whole_lifecycle_to_approved(bureau: httpx.AsyncClient, app: object) -> None:
    certificate, response = await register_car(bureau)
    created = response.json()
    assert created["status"] == "submitted" and created["plate_number"] is None
    assert created["safety_test"] == "exempt"
    assert created["owner"]["id_number"].count("*") >= 8  # masked by the bureau
    current = (await bureau.get(f"/v1/vehicle-registrations/{created['id']}")).json()
    assert current["status"] == "plate_assigned"
    assert current["plate_number"].startswith("苏G")
    jwks = (await bureau.get("/v1/keys")).json()
    claims = verify_token(current["plate_token"], jwks)
    assert claims.vehicle_code == certificate["vin"] and claims.plate == current["plate_number"]
    fitted = await bureau.post(
        f"/v1/vehicle-registrations/{created['id']}/photos",
        data={"kind": "plate_fitted"},
        files={"file": ("p.jpg", JPEG, "image/jpeg")},
        headers=post_headers(),
    )
    assert fitted.status_code == 200, fitted.text
    final = (await bureau.get(f"/v1/vehicle-registrations/{created['id']}")).json()
    assert final["status"] == "approved"
    events = (await bureau.get("/v1/events")).json()["data"]
    types = [e["type"] for e in events if e["data"]["object"]["id"] == created["id"]]
    assert types == [
        "vehicle_registration.submitted",
        "vehicle_registration.plate_assigned",
        "vehicle_registration.awaiting_review",
        "vehicle_registration.approved",
    ]


async def test_a_van_needs_the_safety_test(bureau: httpx.AsyncClient) -> None:
    _, response = await register_car(bureau, categories=("van",))
    created = response.json()
    assert created["safety_test"] == "required"
    events = (await bureau.get("/v1/events")).json()["data"]
    await bureau.get(f"/v1/vehicle-registrations/{created['id']}")
    events = (await bureau.get("/v1/events")).json()["data"]
    types = [e["type"] for e in events if e["data"]["object"]["id"] == created["id"]]
    assert types[:3] == [
        "vehicle_registration.submitted",
        "vehicle_registration.awaiting_safety_test",
        "vehicle_registration.plate_assigned",
    ]


async def test_one_live_registration_per_vin(
    bureau: httpx.AsyncClient, other: httpx.AsyncClient
) -> None:
    certificate, response = await register_car(bureau)
    from vehreg_sdk.sandbox.car_seed import demo_car_registration_body
    from vehreg_sdk.sandbox.seed import DEMO_DEALERS

    again = demo_car_registration_body(
        certificate,
        DEMO_DEALERS[0].store_ids[0],
        retained_number="苏GA2345",
        invoice_date=shanghai_date(T0),
    )
    second = await post(bureau, "/v1/vehicle-registrations", again)
    assert second.status_code == 409
    assert second.json()["code"] == "vehicle.already_registered"
    assert second.json()["existing_id"] == response.json()["id"]
    foreign = dict(again, store_id=DEMO_DEALERS[1].store_ids[0])
    third = await post(other, "/v1/vehicle-registrations", foreign)
    assert third.status_code == 409 and third.json()["existing_id"] is None
    cancelled = await post(
        bureau, f"/v1/vehicle-registrations/{response.json()['id']}/cancel", {"reason": "退车"}
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    fourth = await post(bureau, "/v1/vehicle-registrations", again)
    assert fourth.status_code == 201, fourth.text


async def test_unpaid_tax_is_refused_and_pending_is_retryable(
    bureau: httpx.AsyncClient, clock: FakeClock
) -> None:
    from tests.cars.conftest import pay_tax

    from vehreg_sdk.sandbox.car_seed import demo_car_registration_body, unused_car_certificates
    from vehreg_sdk.sandbox.seed import DEMO_DEALERS

    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    body = demo_car_registration_body(
        certificate,
        DEMO_DEALERS[0].store_ids[0],
        retained_number="苏GB2346",
        invoice_date=shanghai_date(T0),
    )
    unpaid = await post(bureau, "/v1/vehicle-registrations", body, key="car-tax-1")
    assert unpaid.status_code == 422 and unpaid.json()["code"] == "tax.unpaid"
    assert "Idempotency-Key" in unpaid.json()["detail"]
    await pay_tax(bureau, certificate, delay_seconds=30)
    record = (await bureau.get(f"/v1/purchase-tax/{certificate['vin']}")).json()
    assert record["status"] == "unknown"
    # The old key replays the refusal; a new key is judged again: pending, retryable.
    replay = await post(bureau, "/v1/vehicle-registrations", body, key="car-tax-1")
    assert replay.json()["code"] == "tax.unpaid"
    pending = await post(bureau, "/v1/vehicle-registrations", body, key="car-tax-2")
    assert pending.status_code == 409 and pending.json()["code"] == "tax.pending"
    assert 1 <= int(pending.headers["Retry-After"]) <= 30
    clock.advance(31)
    done = await post(bureau, "/v1/vehicle-registrations", body, key="car-tax-2")
    assert done.status_code == 201, done.text
    assert done.json()["purchase_tax"]["status"] == "paid"


async def test_tax_helpers_exempt_and_reset(bureau: httpx.AsyncClient) -> None:
    vin = car_catalogue.car_certificate_at(31)["vin"]  # a city bus
    exempt = await post(
        bureau, f"/v1/test-helpers/purchase-tax/{vin}/exempt", {"exemption": "public_transport"}
    )
    assert exempt.json()["status"] == "exempt"
    assert exempt.json()["relief_kind"] == "public_transport_exemption"
    reset = await post(bureau, f"/v1/test-helpers/purchase-tax/{vin}/reset", None)
    assert reset.json()["status"] == "unpaid"
    bad = await bureau.get("/v1/purchase-tax/NOTAVIN")
    assert bad.status_code == 422


async def test_photo_requirements_are_the_review_s_list(bureau: httpx.AsyncClient) -> None:
    from vehreg_sdk.sandbox.review import REQUIRED_PHOTO_KINDS

    listed = (
        await bureau.get("/v1/photo-requirements", params={"registration_kind": "ebike"})
    ).json()
    required = [r["photo_kind"] for r in listed["data"] if r["required"]]
    assert tuple(required) == REQUIRED_PHOTO_KINDS
    cars = (await bureau.get("/v1/photo-requirements", params={"registration_kind": "car"})).json()
    assert {r["registration_kind"] for r in cars["data"]} == {"car"}
    assert all(r["label_zh"] for r in cars["data"])


async def test_missing_car_photo_returns_then_retake_approves(bureau: httpx.AsyncClient) -> None:
    from tests.cars.conftest import CAR_KINDS

    _, response = await register_car(bureau)
    registration_id = response.json()["id"]
    await bureau.get(f"/v1/vehicle-registrations/{registration_id}")
    # Drop nothing at submit, but the review still needs every kind: upload the fitted plate.
    for kind in ("plate_fitted",):
        await bureau.post(
            f"/v1/vehicle-registrations/{registration_id}/photos",
            data={"kind": kind},
            files={"file": ("p.jpg", JPEG, "image/jpeg")},
            headers=post_headers(),
        )
    final = (await bureau.get(f"/v1/vehicle-registrations/{registration_id}")).json()
    assert final["status"] == "approved", final["review"]
    assert CAR_KINDS
    assert await upload(bureau, "vin_rubbing")


async def test_concurrent_sweeps_take_each_step_once(
    sandbox_db: Path | str, clock: FakeClock
) -> None:
    import threading

    from vehreg_sdk.sandbox import car_review, create_app

    app = create_app(sandbox_db, clock=clock, review_delay=10)
    async with signed(app, DEMO_DEALERS[0]) as client:
        ids = {(await register_car(client, index=n))[1].json()["id"] for n in range(8)}
        clock.advance(11)
        bureau = app.state.bureau
        barrier = threading.Barrier(6)

        def sweep() -> None:
            barrier.wait()
            car_review.sweep(bureau, clock())

        threads = [threading.Thread(target=sweep) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        events = (await client.get("/v1/events")).json()["data"]
    await bureau.aclose()
    for registration_id in ids:
        types = [e["type"] for e in events if e["data"]["object"]["id"] == registration_id]
        assert types == ["vehicle_registration.submitted", "vehicle_registration.plate_assigned"]


async def test_a_cancelled_car_s_plate_goes_on_the_status_list(bureau: httpx.AsyncClient) -> None:
    from vehreg_sdk import plates

    _, response = await register_car(bureau)
    registration_id = response.json()["id"]
    plated = (await bureau.get(f"/v1/vehicle-registrations/{registration_id}")).json()
    assert plated["status"] == "plate_assigned"
    assert plated["plate_credential"].startswith("VP1:")
    jwks = (await bureau.get("/v1/keys")).json()
    assert plates.verify_token(plated["plate_credential"], jwks).plate == plated["plate_number"]
    cancelled = await post(bureau, f"/v1/vehicle-registrations/{registration_id}/cancel", None)
    assert cancelled.json()["status"] == "cancelled"
    listed = (await bureau.get("/v1/plate-status")).json()
    assert registration_id in str(listed)
