"""Over real HTTP: one live registration per VIN under racing creates, car events to webhooks,
and the seed pool's promises."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sandbox.conftest import JPEG, Signer
from tests.sandbox.test_webhooks import Receiver

from vehreg_sdk import rules, webhooks
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer, car_catalogue
from vehreg_sdk.sandbox.car_seed import demo_car_registration_body, unused_car_certificates
from vehreg_sdk.sandbox.clock import shanghai_date


@pytest.fixture
def server(sandbox_db: Path | str) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_db, webhook_backoff=0.05) as running:
        yield running


def _client(server: SandboxServer, dealer: int = 0) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, auth=Signer(DEMO_DEALERS[dealer], time.time), timeout=10
    )


def _post(http: httpx.Client, path: str, body: Any) -> httpx.Response:
    return http.post(
        path,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
    )


def test_racing_creates_for_one_vin_make_exactly_one_registration(server: SandboxServer) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    today = shanghai_date(time.time())
    with _client(server) as http:
        _post(
            http,
            f"/v1/test-helpers/purchase-tax/{certificate['vin']}/pay",
            {"price_fen": 100_000, "invoice_date": today.isoformat()},
        )
    bodies = [
        demo_car_registration_body(
            certificate,
            DEMO_DEALERS[dealer].store_ids[0],
            retained_number=f"苏GM{dealer}23{dealer}",
            invoice_date=today,
            index=dealer,
        )
        for dealer in (0, 1, 0, 1)
    ]
    barrier = threading.Barrier(len(bodies))
    answers: list[httpx.Response] = []

    def create(index: int) -> None:
        with _client(server, index % 2) as http:
            barrier.wait()
            answers.append(_post(http, "/v1/vehicle-registrations", bodies[index]))

    threads = [threading.Thread(target=create, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(a.status_code for a in answers) == Counter({201: 1, 409: 3}), [
        a.text for a in answers
    ]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {
        "vehicle.already_registered"
    }


def test_car_events_reach_a_webhook(server: SandboxServer) -> None:
    receiver = Receiver()
    try:
        with _client(server) as http:
            endpoint = _post(
                http,
                "/v1/webhook-endpoints",
                {"url": receiver.url, "events": ["vehicle_registration.plate_assigned"]},
            ).json()
            (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
            today = shanghai_date(time.time())
            _post(
                http,
                f"/v1/test-helpers/purchase-tax/{certificate['vin']}/pay",
                {"price_fen": 100_000, "invoice_date": today.isoformat()},
            )
            body = demo_car_registration_body(
                certificate, DEMO_DEALERS[0].store_ids[0], retained_number="苏GN2468",
                invoice_date=today,
            )  # fmt: skip
            created = _post(http, "/v1/vehicle-registrations", body).json()
            http.get(f"/v1/vehicle-registrations/{created['id']}")
            receiver.wait_for(1)
        headers, raw, _ = receiver.received[0]
        event = webhooks.verify(raw, headers["Vehreg-Signature"], endpoint["secret"])
        assert event.type == "vehicle_registration.plate_assigned"
        assert event.data["object"]["plate_number"] == "苏GN2468"
        assert JPEG  # the photos of the sandbox tests stand in for a camera
    finally:
        receiver.close()


def test_the_pool_holds_enough_valid_cars_of_every_kind() -> None:
    size = car_catalogue.car_pool_size()
    assert size >= 2000 and len(car_catalogue.CAR_MODELS) >= 30
    wmis: dict[str, set[str]] = {}
    for index in range(size):
        certificate = car_catalogue.car_certificate_at(index)
        assert rules.validate_vin(certificate["vin"]) == [], certificate["vin"]
        wmis.setdefault(certificate["maker"], set()).add(certificate["vin"][:3])
    assert all(len(codes) == 1 for codes in wmis.values())  # one WMI per maker
    assert all(next(iter(codes)).startswith("L") for codes in wmis.values())  # made in China
    categories = {model.category for model in car_catalogue.CAR_MODELS}
    assert {
        "sedan_petrol", "sedan_hev", "nev_phev", "nev_bev", "mpv", "van", "pickup",
        "light_truck", "heavy_truck", "city_bus", "coach", "school_bus", "tanker", "tractor",
    } <= categories  # fmt: skip
    seen = {c["vin"] for c in unused_car_certificates(3)} | {
        c["vin"] for c in unused_car_certificates(3)
    }
    assert len(seen) == 6  # handed out once
