"""Key vehicles (重点车辆): a school bus and a dangerous-goods truck go through the key-vehicle
path (on-site inspection, safety test, supervision enrolment) against the sandbox on loopback."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from tests.bulk.support import Signer

from vehreg_sdk import LocalValidationError, VehregClient, rules
from vehreg_sdk.rules import KeyVehicleClass, KeyVehicleRules
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.car_seed import demo_unit_owner, unused_car_certificates
from vehreg_sdk.testing.fleet import BusCompany, bus_company

from .conftest import DEALER, STORE, inspected, onsite_body, pay_unit_tax, wait_final

KEY_EVENT = "vehicle_registration.key_vehicle_enrolled"


def _operator(name: str, index: int) -> BusCompany:
    unit = demo_unit_owner(index, name=name)
    base = bus_company(index)
    return BusCompany(unit["name"], unit["id_number"], unit["mobile"], unit["address"],
                      base.agent_name, base.agent_id_number, base.agent_mobile,
                      "钱安全", "13900000088")  # fmt: skip


def _enrolment(company: BusCompany, licence: str | None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "operating_enterprise_credit_code": company.credit_code,
        "safety_officer": {"name": company.safety_officer_name,
                           "mobile": company.safety_officer_mobile},
    }  # fmt: skip
    if licence is not None:
        found["road_transport_licence_number"] = licence
    return found


def _certificate_of_type(category: str, vehicle_type: str) -> dict[str, Any]:
    """An unused pool certificate of the category with this GA 802 type (not pool order)."""
    for certificate in unused_car_certificates(12, categories=(category,)):
        if certificate["vehicle_type"] == vehicle_type:
            return certificate
    raise AssertionError(f"no {vehicle_type} {category} in the next 12 pool certificates")


@pytest.mark.parametrize(
    ("category", "vehicle_type", "use", "key_class", "licence"),
    [
        # no 道路运输证 for a school bus; the 19-seat K38 takes a large plate by its seats
        ("school_bus", "K18", "S", KeyVehicleClass.SCHOOL_BUS, None),
        ("school_bus", "K38", "S", KeyVehicleClass.SCHOOL_BUS, None),
        ("tanker", "H14", "R", KeyVehicleClass.DANGEROUS_GOODS, "苏交运管320700009901"),
    ],
    ids=["large school bus", "small school bus", "dangerous-goods truck"],
)
def test_a_key_vehicle_goes_through_the_key_vehicle_path_with_its_enrolment(
    client: VehregClient, today: date, category: str, vehicle_type: str, use: str,
    key_class: KeyVehicleClass, licence: str | None,
) -> None:  # fmt: skip
    certificate = _certificate_of_type(category, vehicle_type)
    operator = _operator(f"连云港演示{category}运输有限公司", 300 + len(category))
    why = rules.explain_key_vehicle(use, certificate["vehicle_type"])
    assert why is not None and why.key_class is key_class
    assert "key vehicle" in why.message and "重点车辆" in why.message_zh

    # Never on the station's one-stop path: refused locally, with the routing on site.
    body = onsite_body(client, operator, certificate, today, use_nature=use,
                       supervision=_enrolment(operator, licence))  # fmt: skip
    station_body = {**body, "plate": {"kind": body["plate"]["kind"], "source": "selection",
                                      "selection_id": "ps_x"}}  # fmt: skip
    with pytest.raises(LocalValidationError) as refused:
        client.vehicle_registrations.create(store_id=STORE, **station_body)
    station = next(v for v in refused.value.violations if v.code == "station.not_eligible")
    assert station.extra["routing"]["kind"] in (
        "onsite_inspection_request",
        "vehicle_office_appointment",
    )
    # Never inspection-exempt.
    assert rules.car_safety_test(body["vehicle"], certificate, today) == "required"

    inspection = inspected(client, operator, [certificate["vin"]], today)
    assert inspection.passed_vins() == [certificate["vin"]]
    pay_unit_tax(client, certificate, today)

    without = {k: v for k, v in body.items() if k != "supervision"}
    with pytest.raises(LocalValidationError) as missing:
        client.vehicle_registrations.create(onsite_inspection_id=inspection.id, **without)
    assert [v.code for v in missing.value.violations] == ["supervision.required"]
    assert missing.value.violations[0].extra["key_vehicle"]["class"] == key_class.value

    created = client.vehicle_registrations.create(onsite_inspection_id=inspection.id, **body)
    assert created.channel == "onsite_inspection" and created.key_vehicle
    enrolment = created.supervision
    assert enrolment is not None
    assert enrolment.key_vehicle_class == key_class.value
    assert enrolment.operating_enterprise_credit_code == operator.credit_code
    assert enrolment.road_transport_licence_number == licence
    assert enrolment.safety_officer_mobile == "139****0088"  # masked by the bureau
    assert "*" in enrolment.safety_officer_name
    assert enrolment.reason_zh == why.message_zh and enrolment.enrolled_at is not None
    assert created.safety_test == "required"

    final = wait_final(client, created.id)
    assert final.status == "approved", final.review
    assert final.plate_number and final.plate_kind == body["plate"]["kind"]
    events = [e for e in client.events.list(limit=100) if e.type == KEY_EVENT]
    mine = [e for e in events if e.data["object"]["id"] == created.id]
    assert len(mine) == 1
    assert mine[0].data["object"]["supervision"]["key_vehicle_class"] == key_class.value


def test_the_bureau_refuses_a_key_vehicle_without_its_enrolment(
    client: VehregClient, server: SandboxServer, today: date
) -> None:
    """The bureau's own check, past the client's (raw body through ``_request``)."""
    (certificate,) = unused_car_certificates(1, categories=("tanker",))
    operator = _operator("连云港演示危货运输有限公司", 377)
    inspection = inspected(client, operator, [certificate["vin"]], today)
    pay_unit_tax(client, certificate, today)
    body = onsite_body(client, operator, certificate, today, use_nature="R",
                       supervision=_enrolment(operator, None))  # fmt: skip
    with pytest.raises(LocalValidationError) as local:
        client.vehicle_registrations.create(onsite_inspection_id=inspection.id, **body)
    assert [v.code for v in local.value.violations] == ["supervision.licence_required"]
    raw = {**{k: v for k, v in body.items() if k != "supervision"},
           "onsite_inspection_id": inspection.id}  # fmt: skip
    with httpx.Client(base_url=server.base_url, auth=Signer(DEALER)) as signed:
        answer = signed.post("/v1/vehicle-registrations", json=raw,
                             headers={"Idempotency-Key": uuid.uuid4().hex})  # fmt: skip
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["code"] == "supervision.required"
    assert problem["detail_zh"] and problem["errors"][0]["message_zh"]


def test_explanations_are_bilingual_and_the_tables_configurable() -> None:
    for use, kind in (("B", "K11"), ("E", "K21"), ("L", "K11"), ("C", "K11"), ("A", "H11"),
                      ("F", "Q11"), ("A", "K38")):  # fmt: skip
        why = rules.explain_key_vehicle(use, kind)
        assert why is not None, (use, kind)
        assert why.message.startswith("A key vehicle") and "不能在登记服务站办理" in why.message_zh
        assert why.code in (use, kind) and why.basis in ("use_nature", "vehicle_type")
    assert rules.explain_key_vehicle("A", "K33") is None
    # A city that also supervises taxis (D) says so in data, not code.
    taxis = KeyVehicleRules(use_natures={"D": KeyVehicleClass.PASSENGER_TRANSPORT})
    assert rules.classify_key_vehicle("D", "K33") is None
    assert (
        rules.classify_key_vehicle("D", "K33", rules=taxis) is KeyVehicleClass.PASSENGER_TRANSPORT
    )
    config = rules.DEFAULT_CAR_CONFIG.replace(key_vehicles=taxis)
    body = {"store_id": "st_x", "vehicle": {"use_nature": "D", "vehicle_type": "K33"}}
    codes = {v.code for v in rules.check_car_registration(body, on=date(2026, 12, 1),
                                                          config=config)}  # fmt: skip
    assert "station.not_eligible" in codes


def test_enrolment_rules_name_each_field() -> None:
    on = date(2026, 12, 1)
    base = {"onsite_inspection_id": "osi_x", "vehicle": {"use_nature": "R", "vehicle_type": "H14"}}
    bad = {**base, "supervision": {
        "operating_enterprise_credit_code": "91320700000000000X",
        "road_transport_licence_number": "!",
        "safety_officer": {"name": "", "mobile": "123"},
    }}  # fmt: skip
    found = {v.field: v.code for v in rules.check_car_registration(bad, on=on)
             if v.field.startswith("supervision")}  # fmt: skip
    assert found["supervision.road_transport_licence_number"] == "supervision.licence_format"
    assert found["supervision.safety_officer.name"] == "supervision.safety_officer_required"
    assert found["supervision.safety_officer.mobile"].startswith("mobile.")
    assert found["supervision.operating_enterprise_credit_code"].startswith("uscc.")
    ordinary = {"onsite_inspection_id": "osi_x", "vehicle": {"use_nature": "A",
                                                              "vehicle_type": "K33"}}  # fmt: skip
    assert not [v for v in rules.check_car_registration(ordinary, on=on)
                if v.code.startswith("supervision")]  # fmt: skip
