"""Business dates on the wire are ``YYYY-MM-DD`` text: a JSON number is not a date.

pydantic's lax mode read ``"invoice_date": 1735689600`` as 2025-01-01 (a Unix
time), so a till that sent a timestamp registered a sale on a day nobody wrote.
The bureau answers 422 ``validation.failed`` with a bilingual ``field.type``
naming the field, for every business-date field of a request body, and writes
nothing. Over HTTP on loopback, as a till would send it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.car_seed import demo_car_registration_body, unused_car_certificates
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .conftest import FakeClock, Signer, post_headers

STORE = DEMO_DEALERS[0].store_ids[0]
#: How a till may get a date wrong: a Unix time, its float twin, a numeric string, a boolean.
NOT_DATES = [1735689600, 1735689600.0, "1735689600", True]


@pytest.fixture
def server(tmp_path: Path, clock: FakeClock) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "sandbox.db", clock=clock) as running:
        yield running


@pytest.fixture
def bureau(server: SandboxServer, clock: FakeClock) -> Iterator[httpx.Client]:
    auth = Signer(DEMO_DEALERS[0], clock)
    with httpx.Client(base_url=server.base_url, auth=auth, timeout=10.0) as client:
        yield client


def _post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    return client.post(
        path,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **post_headers()},
    )


def _put(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    *parents, leaf = path.split(".")
    target = body
    for name in parents:
        target = target[name]
    target[leaf] = value
    return body


def _refusal(response: httpx.Response, path: str) -> dict[str, Any]:
    """The error naming ``path`` in a 422; bilingual. Where a rule reads the field (and
    cannot read a number as a date) its code stands, else the type's ``field.type``."""
    assert response.status_code == 422, response.text
    return _named(response.json(), path)


def _named(problem: dict[str, Any], path: str) -> dict[str, Any]:
    assert problem["code"] == "validation.failed", problem
    errors = [e for e in problem["errors"] if e["field"] == path]
    assert errors, problem["errors"]
    assert errors[0]["message"] and errors[0]["message_zh"]
    return dict(errors[0])


def _ebike_body(clock: FakeClock) -> dict[str, Any]:
    (code,) = sellable_vehicle_codes(1)
    return demo_registration_body(code, STORE, invoice_date=shanghai_date(clock()))


def _car_body(clock: FakeClock) -> dict[str, Any]:
    (certificate,) = unused_car_certificates(1)
    return demo_car_registration_body(
        certificate, STORE, invoice_date=shanghai_date(clock()), uploads=[]
    )


@pytest.mark.parametrize("bad", NOT_DATES, ids=repr)
def test_an_ebike_invoice_date_must_be_text(
    bureau: httpx.Client, clock: FakeClock, bad: Any
) -> None:
    body = _put(_ebike_body(clock), "sale.invoice_date", bad)
    response = _post(bureau, "/v1/ebike-registrations", body)
    assert _refusal(response, "sale.invoice_date")["code"] == "invoice_date.format"
    assert bureau.get("/v1/ebike-registrations").json()["data"] == []  # nothing written


@pytest.mark.parametrize("form", ["%Y/%m/%d", "%Y-%m-%dT00:00:00", "%Y%m%d", " %Y-%m-%d"])
def test_the_wire_form_is_the_only_text_form(
    bureau: httpx.Client, clock: FakeClock, form: str
) -> None:
    # Today written another way: the rules could read it, the contract does not take it.
    written = shanghai_date(clock()).strftime(form)
    body = _put(_ebike_body(clock), "sale.invoice_date", written)
    refused = _refusal(_post(bureau, "/v1/ebike-registrations", body), "sale.invoice_date")
    assert refused["code"] == "field.type"
    assert "invoice_date" in refused["message"] and "invoice_date" in refused["message_zh"]
    assert "YYYY-MM-DD" in refused["message"] and "日期" in refused["message_zh"]
    assert bureau.get("/v1/ebike-registrations").json()["data"] == []


@pytest.mark.parametrize("path", ["invoice.date", "insurance.starts_on", "insurance.ends_on"])
def test_car_business_dates_must_be_text(bureau: httpx.Client, clock: FakeClock, path: str) -> None:
    body = _put(_car_body(clock), path, 1735689600)
    _refusal(_post(bureau, "/v1/vehicle-registrations", body), path)
    assert bureau.get("/v1/vehicle-registrations").json()["data"] == []


@pytest.mark.parametrize("path", ["valid_from", "valid_to", "insurance.starts_on"])
def test_temporary_plate_dates_must_be_text(
    bureau: httpx.Client, clock: FakeClock, path: str
) -> None:
    car = _car_body(clock)
    day = shanghai_date(clock()).isoformat()
    body = {
        "store_id": STORE,
        "situation": "purchased",
        "vin": car["vehicle"]["vin"],
        "owner": car["owner"],
        "insurance": car["insurance"],
        "valid_from": day,
        "valid_to": day,
        "uploads": [],
    }
    response = _post(bureau, "/v1/temporary-plates", _put(body, path, 1735689600))
    assert response.status_code == 422, response.text
    fields = {e["field"] for e in response.json()["errors"]}
    assert path in fields, response.json()["errors"]
    assert bureau.get("/v1/temporary-plates").json()["data"] == []


def test_a_batch_item_with_a_number_for_a_date_is_rejected_alone(
    server: SandboxServer, bureau: httpx.Client, clock: FakeClock
) -> None:
    from vehreg_sdk.sandbox.batches import wait_idle

    codes = sellable_vehicle_codes(3)
    day = shanghai_date(clock())
    items = []
    for index, code in enumerate(codes):
        body = demo_registration_body(code, STORE, index=index, invoice_date=day)
        del body["store_id"]
        items.append({"client_reference": f"dates-{index}", **body})
    items[1]["sale"]["invoice_date"] = 1735689600
    items[2]["sale"]["invoice_date"] = day.strftime("%Y/%m/%d")
    created = _post(bureau, "/v1/ebike-registration-batches", {"store_id": STORE, "items": items})
    assert created.status_code == 202, created.text
    assert wait_idle(server.bureau, timeout=60)
    listed = bureau.get(f"/v1/ebike-registration-batches/{created.json()['id']}/items")
    data = listed.json()["data"]
    assert [item["status"] for item in data] == ["registered", "rejected", "rejected"]
    assert _named(data[1]["error"], "sale.invoice_date")["code"] == "invoice_date.format"
    assert _named(data[2]["error"], "sale.invoice_date")["code"] == "field.type"


def test_the_wire_form_is_accepted(bureau: httpx.Client, clock: FakeClock) -> None:
    body = _ebike_body(clock)
    assert isinstance(body["sale"]["invoice_date"], str)
    response = _post(bureau, "/v1/ebike-registrations", body)
    assert response.status_code == 201, response.text
    assert response.json()["sale"]["invoice_date"] == body["sale"]["invoice_date"]
