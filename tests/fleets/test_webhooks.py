"""On-site inspection events and the key-vehicle enrolment event reach a webhook, signed."""

from __future__ import annotations

from datetime import date

from tests.sandbox.test_webhooks import Receiver

from vehreg_sdk import VehregClient, webhooks
from vehreg_sdk.sandbox.car_seed import fleet_bus_certificates
from vehreg_sdk.testing.fleet import BusCompany

from .conftest import inspected, onsite_body

WANTED = [
    "onsite_inspection.requested",
    "onsite_inspection.scheduled",
    "onsite_inspection.inspected",
    "vehicle_registration.key_vehicle_enrolled",
]


def test_fleet_events_are_delivered(client: VehregClient, company: BusCompany, today: date) -> None:
    receiver = Receiver()
    try:
        endpoint = client.webhook_endpoints.create(url=receiver.url, events=WANTED)
        (bus,) = fleet_bus_certificates(1)
        client.purchase_tax.test_helpers.exempt(bus["vin"], exemption="public_transport")
        inspection = inspected(client, company, [bus["vin"]], today)
        enrolment = {"operating_enterprise_credit_code": company.credit_code,
                     "road_transport_licence_number": "苏交运管320700000555",
                     "safety_officer": {"name": company.safety_officer_name,
                                        "mobile": company.safety_officer_mobile}}  # fmt: skip
        created = client.vehicle_registrations.create(
            onsite_inspection_id=inspection.id,
            **onsite_body(client, company, bus, today, supervision=enrolment, index=5),
        )
        receiver.wait_for(4)
        assert endpoint.secret is not None
        events = [
            webhooks.verify(raw, headers["Vehreg-Signature"], endpoint.secret)
            for headers, raw, _ in receiver.received
        ]
        assert sorted(e.type for e in events) == sorted(WANTED)
        enrolled = next(e for e in events if e.type == WANTED[-1])
        assert enrolled.data["object"]["id"] == created.id
        assert enrolled.data["object"]["supervision"]["key_vehicle_class"] == "public_transport"
        done = next(e for e in events if e.type == "onsite_inspection.inspected")
        assert done.data["object"]["counts"]["passed"] == 1
    finally:
        receiver.close()
