"""Plate selection over real HTTP on loopback: draws, the daily limit, races and expiry."""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sandbox.conftest import FakeClock, Signer

from vehreg_sdk.rules.code_tables import PlateKind
from vehreg_sdk.rules.plates import plate_pattern
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.car_seed import demo_car_registration_body, unused_car_certificates
from vehreg_sdk.sandbox.clock import shanghai_date


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(sandbox_db: Path | str, clock: FakeClock) -> Iterator[SandboxServer]:
    with SandboxServer(sandbox_db, clock=clock) as running:
        yield running


def client(server: SandboxServer, clock: FakeClock, dealer: int = 0) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url, auth=Signer(DEMO_DEALERS[dealer], clock), timeout=10
    )


def post(http: httpx.Client, path: str, body: Any) -> httpx.Response:
    return http.post(
        path,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())},
    )


def test_a_draw_offers_at_least_five_free_numbers_of_the_kind(
    server: SandboxServer, clock: FakeClock
) -> None:
    (petrol,) = unused_car_certificates(1, categories=("sedan_petrol",))
    (electric,) = unused_car_certificates(1, categories=("nev_bev",))
    (bus,) = unused_car_certificates(1, categories=("city_bus",))
    with client(server, clock) as http:
        for certificate, kind in ((petrol, "02"), (electric, "52"), (bus, "51")):
            drawn = post(
                http, "/v1/plate-selections", {"vin": certificate["vin"], "plate_kind": kind}
            )
            assert drawn.status_code == 201, drawn.text
            candidates = drawn.json()["candidates"]
            assert len(set(candidates)) >= 5
            pattern = plate_pattern(PlateKind(kind))
            assert pattern is not None
            assert all(
                re.fullmatch(pattern, number) and number.startswith("苏G") for number in candidates
            )
            if kind == "52":
                assert all(number[2] == "D" for number in candidates)  # battery-electric
            if kind == "51":
                assert all(number[-1] == "D" for number in candidates)
        wrong = post(http, "/v1/plate-selections", {"vin": petrol["vin"], "plate_kind": "52"})
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["code"] == "plate_kind.mismatch"


def test_draws_per_vin_per_day_are_limited(server: SandboxServer, clock: FakeClock) -> None:
    (certificate,) = unused_car_certificates(1, categories=("sedan_petrol",))
    body = {"vin": certificate["vin"], "plate_kind": "02"}
    with client(server, clock) as http, client(server, clock, 1) as other:
        assert [post(http, "/v1/plate-selections", body).status_code for _ in range(3)] == [201] * 3
        over = post(other, "/v1/plate-selections", body)  # per VIN, whoever asks
        assert over.status_code == 422 and over.json()["code"] == "plate_selection.draw_limit"
        assert over.json()["detail_zh"]
        clock.advance(24 * 3600)
        assert post(http, "/v1/plate-selections", body).status_code == 201


def test_two_dealers_racing_for_one_self_composed_number_exactly_one_wins(
    server: SandboxServer, clock: FakeClock
) -> None:
    first, second = unused_car_certificates(2, categories=("sedan_petrol",))
    for round_number in range(5):
        number = f"苏GK{round_number}7{round_number}5"
        barrier = threading.Barrier(2)
        answers: list[httpx.Response] = []

        def race(
            dealer: int,
            vin: str,
            barrier: threading.Barrier = barrier,
            answers: list[httpx.Response] = answers,
            number: str = number,
        ) -> None:
            with client(server, clock, dealer) as http:
                barrier.wait()
                answers.append(
                    post(
                        http,
                        "/v1/plate-selections",
                        {
                            "vin": vin,
                            "plate_kind": "02",
                            "method": "self_composed",
                            "number": number,
                        },
                    )
                )

        threads = [
            threading.Thread(target=race, args=(0, first["vin"])),
            threading.Thread(target=race, args=(1, second["vin"])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [201, 409], [a.text for a in answers]
        loser = next(a for a in answers if a.status_code == 409)
        assert loser.json()["code"] == "plate_number.taken"


def test_a_reservation_expires_and_frees_its_number(
    server: SandboxServer, clock: FakeClock
) -> None:
    mine, theirs = unused_car_certificates(2, categories=("sedan_petrol",))
    with client(server, clock) as http, client(server, clock, 1) as other:
        drawn = post(http, "/v1/plate-selections", {"vin": mine["vin"], "plate_kind": "02"}).json()
        number = drawn["candidates"][0]
        chosen = post(http, f"/v1/plate-selections/{drawn['id']}/choose", {"number": number})
        assert chosen.status_code == 200 and chosen.json()["status"] == "reserved"
        blocked = post(
            other,
            "/v1/plate-selections",
            {"vin": theirs["vin"], "plate_kind": "02", "method": "self_composed", "number": number},
        )
        # Drawn numbers obey the self-compose rules too, so only the hold stops this.
        assert blocked.status_code == 409, blocked.text
        clock.advance(599)
        assert http.get(f"/v1/plate-selections/{drawn['id']}").json()["status"] == "reserved"
        clock.advance(2)
        assert http.get(f"/v1/plate-selections/{drawn['id']}").json()["status"] == "expired"
        listed = http.get("/v1/plate-selections", params={"vin": mine["vin"]}).json()["data"]
        assert [item["status"] for item in listed] == ["expired"]
        taken = post(
            other,
            "/v1/plate-selections",
            {"vin": theirs["vin"], "plate_kind": "02", "method": "self_composed", "number": number},
        )
        assert taken.status_code == 201, taken.text
        body = demo_car_registration_body(
            mine,
            DEMO_DEALERS[0].store_ids[0],
            selection_id=drawn["id"],
            invoice_date=shanghai_date(clock()),
        )
        post(
            http,
            f"/v1/test-helpers/purchase-tax/{mine['vin']}/pay",
            {"price_fen": 100, "invoice_date": body["invoice"]["date"]},
        )
        late = post(http, "/v1/vehicle-registrations", body)
        assert late.status_code == 409 and late.json()["code"] == "plate_selection.invalid_state"
