"""What the station refuses, and where it sends the buyer: routing in Chinese and English."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from tests.cars.conftest import pay_tax, post, register_car, upload
from tests.sandbox.conftest import JPEG, T0, post_headers

from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.car_seed import (
    demo_agent,
    demo_car_owner,
    demo_car_registration_body,
    demo_unit_owner,
    unused_car_certificates,
)
from vehreg_sdk.sandbox.clock import shanghai_date

STORE = DEMO_DEALERS[0].store_ids[0]
TODAY = shanghai_date(T0)


async def _fleet_body(client: httpx.AsyncClient, category: str) -> dict[str, Any]:
    (certificate,) = unused_car_certificates(1, categories=(category,))
    await pay_tax(client, certificate, buyer="unit")
    authorisation = await upload(client, "agent_authorisation")
    return demo_car_registration_body(
        certificate,
        STORE,
        retained_number="苏G12345",
        owner=demo_unit_owner(3, name="连云港演示校车服务有限公司"),
        agent=demo_agent(3, authorisation),
        invoice_date=TODAY,
    )


@pytest.mark.parametrize("category", ["school_bus", "tanker"])
async def test_school_bus_and_tanker_are_refused_with_routing(
    bureau: httpx.AsyncClient, category: str
) -> None:
    body = await _fleet_body(bureau, category)
    response = await post(bureau, "/v1/vehicle-registrations", body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "station.not_eligible"
    routing = problem["routing"]
    assert routing["kind"] in ("vehicle_office_appointment", "onsite_inspection_request")
    assert "vehicle office" in routing["message"] and "车管所" in routing["message_zh"]
    assert "登记服务站" in problem["detail_zh"]
    refusal = next(e for e in problem["errors"] if e["code"] == "station.not_eligible")
    assert "重点车辆" in refusal["message_zh"] and "key vehicle" in refusal["message"]
    listed = await bureau.get("/v1/vehicle-registrations")
    assert listed.json()["data"] == []  # nothing was written


async def test_imported_car_is_routed_to_the_vehicle_office(bureau: httpx.AsyncClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    body = demo_car_registration_body(
        certificate, STORE, retained_number="苏GC2345", invoice_date=TODAY
    )
    body["vehicle"].update(origin="imported", certificate_number=None)
    response = await post(bureau, "/v1/vehicle-registrations", body)
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "vehicle.imported"
    assert problem["routing"]["kind"] == "vehicle_office_import"
    assert "certificate.not_found" not in {e["code"] for e in problem["errors"]}


async def test_non_local_buyer_is_pointed_to_a_temporary_plate(bureau: httpx.AsyncClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    await pay_tax(bureau, certificate)
    body = demo_car_registration_body(
        certificate,
        STORE,
        retained_number="苏GD2345",
        owner=demo_car_owner(4, area="320102"),
        invoice_date=TODAY,
    )
    response = await post(bureau, "/v1/vehicle-registrations", body)
    assert response.status_code == 422
    assert response.json()["code"] == "owner.not_local"
    assert "临时号牌" in response.json()["routing"]["message_zh"]
    body["owner"]["residence_permit_upload"] = await upload(bureau, "residence_permit")
    accepted = await post(bureau, "/v1/vehicle-registrations", body)
    assert accepted.status_code == 201, accepted.text


async def test_a_public_transport_bus_fleet_goes_to_onsite_inspection(
    bureau: httpx.AsyncClient,
) -> None:
    body = await _fleet_body(bureau, "city_bus")
    body["owner"]["name"] = "连云港演示公交有限公司"
    response = await post(bureau, "/v1/vehicle-registrations", body)
    assert response.json()["routing"]["kind"] == "onsite_inspection_request"
    assert "上门查验" in response.json()["routing"]["message_zh"]


async def test_returned_review_names_the_missing_photo_and_the_retake_restarts_it(
    bureau: httpx.AsyncClient,
) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    await pay_tax(bureau, certificate)
    uploads = [
        await upload(bureau, kind)
        for kind in ("invoice", "insurance_policy", "id_front", "vehicle_photo")
    ]
    body = demo_car_registration_body(
        certificate, STORE, retained_number="苏GE2345", uploads=uploads, invoice_date=TODAY
    )
    created = (await post(bureau, "/v1/vehicle-registrations", body)).json()
    path = f"/v1/vehicle-registrations/{created['id']}"

    async def photo(kind: str) -> dict[str, Any]:
        answer = await bureau.post(
            path + "/photos",
            data={"kind": kind},
            files={"file": ("p.jpg", JPEG, "image/jpeg")},
            headers=post_headers(),
        )
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    await bureau.get(path)
    await photo("plate_fitted")
    returned = (await bureau.get(path)).json()
    assert returned["status"] == "returned"
    (reason,) = returned["review"]["reasons"]
    assert reason["photo_kind"] == "vin_rubbing" and "拓印膜" in reason["message_zh"]
    await photo("vin_rubbing")
    assert (await bureau.get(path)).json()["status"] == "approved"


async def test_rejected_at_inspection_releases_the_plate(bureau: httpx.AsyncClient) -> None:
    _, response = await register_car(bureau, invoice_number="44000098")
    path = f"/v1/vehicle-registrations/{response.json()['id']}"
    rejected = (await bureau.get(path)).json()
    assert rejected["status"] == "rejected"
    selection = (await bureau.get(f"/v1/plate-selections/{rejected['selection_id']}")).json()
    assert selection["status"] == "released"


async def test_the_create_is_idempotent(bureau: httpx.AsyncClient) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    await pay_tax(bureau, certificate)
    body = demo_car_registration_body(
        certificate, STORE, retained_number="苏GF2345", invoice_date=TODAY
    )
    first = await post(bureau, "/v1/vehicle-registrations", body, key="same-car")
    again = await post(bureau, "/v1/vehicle-registrations", body, key="same-car")
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
