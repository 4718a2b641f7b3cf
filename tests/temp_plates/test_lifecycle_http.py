"""A temporary plate's life at the sandbox bureau over loopback HTTP: issue with its token, the
mail for other stores, expiry, voiding 3 days after the metal plates, events and the status list."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from tests.labels.independent import cose_claims
from tests.sandbox.conftest import FakeClock
from tests.sandbox.test_webhooks import Receiver, verify
from tests.temp_plates.conftest import (
    DAY,
    SHOP,
    STATION,
    fresh_vin,
    issued,
    plate_body,
    post,
    today,
    upload,
)

from vehreg_sdk import plates, rules
from vehreg_sdk.sandbox.car_catalogue import model_of
from vehreg_sdk.sandbox.car_seed import demo_car_registration_body, unused_car_certificates
from vehreg_sdk.sandbox.clock import SHANGHAI

PATH = "/v1/temporary-plates"


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).timestamp()


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def test_an_issued_plate_carries_its_validity_in_the_signed_token(bureau: httpx.Client) -> None:
    start = today(bureau) + timedelta(days=2)
    plate = issued(bureau, post(bureau, PATH, plate_body(bureau, start=start, days=30)).json())
    assert plate["status"] == "issued" and plate["plate_number"].startswith("苏GL")
    assert plate["delivery"] == {
        "method": "print_at_store",
        "status": "printable",
        "tracking_number": None,
        "mailed_at": None,
        "delivered_at": None,
    }
    token = plate["plate_credential"]
    assert len(token) <= 221  # a version-8 QR code at level M (plate-tokens.md)
    jwks = bureau.get("/v1/keys").json()
    nbf, exp = _midnight(start), _midnight(start + timedelta(days=31))
    # The rules, the document and the token count the 30 days the same way: valid_to inclusive.
    assert rules.validity_window(start, start + timedelta(days=30)) == (nbf, exp)
    assert plate["not_before"] == _at(nbf).strftime("%Y-%m-%dT%H:%M:%SZ")
    claims = plates.verify_token(token, jwks, now=_at(nbf), vin=plate["vin"])
    assert claims.plate == plate["plate_number"] and claims.plate_kind == 22
    assert claims.registration_id == plate["id"]
    assert (claims.not_before, claims.expires_at) == (_at(nbf), _at(exp))
    with pytest.raises(plates.TokenNotYetValidError):
        plates.verify_token(token, jwks, now=_at(nbf - 1))
    assert plates.verify_token(token, jwks, now=_at(exp - 1)).plate == plate["plate_number"]
    with pytest.raises(plates.TokenExpiredError):
        plates.verify_token(token, jwks, now=_at(exp))
    with pytest.raises(plates.VinMismatchError) as other_car:
        plates.verify_token(token, jwks, now=_at(nbf), vin=fresh_vin())
    assert "车辆识别代号" in other_car.value.message_zh


def test_the_token_verifies_with_an_independent_cose_library(bureau: httpx.Client) -> None:
    plate = issued(bureau, post(bureau, PATH, plate_body(bureau)).json())
    claims = cose_claims(plate["plate_credential"], bureau.get("/v1/keys").json())
    assert claims[-1] == plate["plate_number"] and claims[-2] == 22
    vin_digest = hashlib.sha256(plate["vin"].encode("ascii")).digest()[:8]
    assert claims[-6] == vin_digest and claims[-7] == bytes.fromhex(plate["id"][3:])
    assert -4 not in claims and -5 not in claims  # no VIN text, no registration id


def test_another_store_gets_the_plate_by_mail_and_no_credential(
    bureau: httpx.Client, clock: FakeClock
) -> None:
    store = bureau.get(f"/v1/stores/{SHOP}").json()
    assert store["temporary_plate_issuer"] is False
    assert bureau.get(f"/v1/stores/{STATION}").json()["temporary_plate_issuer"] is True
    plate = issued(bureau, post(bureau, PATH, plate_body(bureau, store_id=SHOP)).json())
    assert plate["status"] == "issued" and plate["plate_credential"] is None
    assert plate["delivery"]["method"] == "mail" and plate["delivery"]["status"] == "mailed"
    assert plate["delivery"]["tracking_number"]
    clock.advance(DAY - 1)
    assert issued(bureau, plate)["delivery"]["status"] == "mailed"
    clock.advance(1)
    assert issued(bureau, plate)["delivery"]["status"] == "delivered"


def test_a_plate_expires_after_its_last_day(bureau: httpx.Client, clock: FakeClock) -> None:
    start = today(bureau)
    plate = issued(bureau, post(bureau, PATH, plate_body(bureau, days=1)).json())
    clock.now = _midnight(start + timedelta(days=2)) - 1  # 23:59:59 of valid_to
    assert issued(bureau, plate)["status"] == "issued"
    clock.now += 1
    assert issued(bureau, plate)["status"] == "expired"
    types = [
        event["type"] for event in _events(bureau) if event["data"]["object"]["id"] == plate["id"]
    ]
    assert types == [
        "temporary_plate.requested",
        "temporary_plate.issued",
        "temporary_plate.expired",
    ]


def _events(client: httpx.Client) -> list[dict[str, Any]]:
    return list(client.get("/v1/events", params={"limit": 100}).json()["data"])


def _plated_car(bureau: httpx.Client) -> tuple[str, dict[str, Any]]:
    """A car registered at the station with its plate assigned: (VIN, registration)."""
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    vin, day = certificate["vin"], today(bureau)
    paid = post(
        bureau,
        f"/v1/test-helpers/purchase-tax/{vin}/pay",
        {"price_fen": model_of(certificate).price_fen, "invoice_date": day.isoformat()},
    )
    assert paid.status_code == 200, paid.text
    drawn = post(bureau, "/v1/plate-selections", {"vin": vin, "plate_kind": "02"}).json()
    chosen = post(
        bureau, f"/v1/plate-selections/{drawn['id']}/choose", {"number": drawn["candidates"][0]}
    )
    assert chosen.status_code == 200, chosen.text
    kinds = ("invoice", "insurance_policy", "id_front", "vin_rubbing", "vehicle_photo")
    body = demo_car_registration_body(
        certificate,
        STATION,
        selection_id=drawn["id"],
        invoice_date=day,
        uploads=[upload(bureau, kind) for kind in kinds],
    )
    created = post(bureau, "/v1/vehicle-registrations", body)
    assert created.status_code == 201, created.text
    registration = bureau.get(f"/v1/vehicle-registrations/{created.json()['id']}").json()
    assert registration["status"] == "plate_assigned", registration
    return vin, registration


def test_the_plate_is_void_three_days_after_the_metal_plates(
    bureau: httpx.Client, clock: FakeClock
) -> None:
    vin, registration = _plated_car(bureau)
    start = today(bureau)
    plate = issued(bureau, post(bureau, PATH, plate_body(bureau, vin=vin)).json())
    assert plate["last_valid_day"] == (start + timedelta(days=30)).isoformat()
    handover = f"/v1/vehicle-registrations/{registration['id']}/plates-handed-over"
    recorded = post(bureau, handover, {"handed_over_on": start.isoformat()})
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["plates_handed_over_on"] == start.isoformat()
    assert post(bureau, handover, {"handed_over_on": start.isoformat()}).status_code == 200
    other_day = post(bureau, handover, {"handed_over_on": (start - timedelta(days=1)).isoformat()})
    assert other_day.json()["code"] == "registration.plates_already_handed_over"
    shortened = issued(bureau, plate)
    last = start + timedelta(days=3)
    assert shortened["last_valid_day"] == last.isoformat() and shortened["status"] == "issued"
    assert shortened["void"]["reason"] == "plates_handed_over"
    assert shortened["void"]["registration_id"] == registration["id"]
    again = post(bureau, PATH, plate_body(bureau, vin=vin, start=start + timedelta(days=1)))
    assert again.json()["code"] == "temporary_plate.plates_handed_over"
    clock.now = _midnight(last + timedelta(days=1)) - 1  # the third day's last second
    assert issued(bureau, plate)["status"] == "issued"
    clock.now += 1
    voided = issued(bureau, plate)
    assert voided["status"] == "voided"
    status = bureau.get("/v1/plate-status").json()
    assert {"registration_id": plate["id"], "reason": "voided"}.items() <= {
        **status["revoked"][-1]
    }.items()
    jwks = bureau.get("/v1/keys").json()
    checked = plates.verify_status(status, jwks)
    with pytest.raises(plates.TokenRevokedError) as revoked:
        plates.verify_token(
            plate["plate_credential"], jwks, status=checked, now=_at(clock.now - 3600)
        )
    assert revoked.value.reason == "voided" and "作废" in revoked.value.message_zh
    types = {event["type"] for event in _events(bureau)}
    assert "temporary_plate.voided" in types


def test_plates_handed_over_needs_a_plate_and_a_real_day(bureau: httpx.Client) -> None:
    _, registration = _plated_car(bureau)
    path = f"/v1/vehicle-registrations/{registration['id']}/plates-handed-over"
    tomorrow = today(bureau) + timedelta(days=1)
    for bad in ({"handed_over_on": tomorrow.isoformat()}, {"handed_over_on": "2026-13-01"},
                {"handed_over_on": 20261201}, {"when": "today"}):  # fmt: skip
        refused = post(bureau, path, bad)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["errors"][0]["message_zh"]
    missing = post(bureau, "/v1/vehicle-registrations/vr_nope/plates-handed-over", {})
    assert missing.status_code == 404
    assert post(bureau, path, None).status_code == 200  # no body: today


def test_temporary_plate_events_reach_a_webhook_signed(bureau: httpx.Client) -> None:
    receiver = Receiver()
    try:
        created = post(
            bureau,
            "/v1/webhook-endpoints",
            {
                "url": receiver.url,
                "events": ["temporary_plate.requested", "temporary_plate.issued"],
            },
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        plate = post(bureau, PATH, plate_body(bureau)).json()
        issued(bureau, plate)
        receiver.wait_for(2)
        delivered = []
        for headers, body, _ in receiver.received:
            verify(headers["Vehreg-Signature"], body, secret)
            event = json.loads(body)
            assert event["data"]["object"]["id"] == plate["id"]
            delivered.append(event["type"])
        assert sorted(delivered) == ["temporary_plate.issued", "temporary_plate.requested"]
    finally:
        receiver.close()
