"""Strict JSON types on every integer, number and boolean field of the request bodies.

A boolean is not money (``"price_fen": true`` was once 1 fen), and a numeric
string is not a number: 422 ``validation.failed`` naming the field, in both
languages, on the single create and for a batch item alike.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .conftest import T0, create_raw, post_headers

STORE = DEMO_DEALERS[0].store_ids[0]

#: (path in the body, a good value): every integer, number and boolean a request carries.
INTEGERS = [
    ("sale.price_fen", 329_900),
    *((f"vehicle.measured.{name}", 1000) for name in (
        "length_mm", "width_mm", "height_mm", "wheel_centre_distance_mm",
        "saddle_height_mm", "saddle_length_mm",
    )),
]  # fmt: skip
NUMBERS = [
    ("vehicle.battery_voltage_v", 48),
    ("vehicle.battery_capacity_ah", 20),
    ("vehicle.measured.max_speed_kmh", 24),
    ("vehicle.measured.mass_kg", 50),
]
BOOLEANS = [("vehicle.measured.pedals", True), ("owner.guardian.consent", True)]


def _body(start: int = 0) -> dict[str, Any]:
    (code,) = sellable_vehicle_codes(1, start=start)
    return demo_registration_body(code, STORE, invoice_date=shanghai_date(T0))


def _put(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    *parents, leaf = path.split(".")
    target = body
    for name in parents:
        target = target.setdefault(name, {})
    if parents[-1] == "guardian":
        guardian = {"name": "王大明", "id_type": "A", "mobile": "19900000009",
                    "id_number": body["owner"]["id_number"], "relationship": "parent"}  # fmt: skip
        for name, item in guardian.items():
            target.setdefault(name, item)
    target[leaf] = value
    return body


def _assert_names(problem: dict[str, Any], path: str) -> None:
    assert problem["code"] == "validation.failed", problem
    errors = [e for e in problem["errors"] if e["field"] == path]
    assert errors, problem["errors"]
    assert errors[0]["code"] == "field.type"
    leaf = path.rsplit(".", 1)[-1]
    assert leaf in errors[0]["message"] and leaf in errors[0]["message_zh"]


BAD_INTEGERS = [True, False, "329900", "1000", 12.5, None, [1], {"fen": 1}]
BAD_NUMBERS = [True, False, "48", "4.8e1", None]
BAD_BOOLEANS = [1, 0, "true", "yes", None]


def _cases(fields: list[tuple[str, Any]], bad: list[Any]) -> list[tuple[str, Any]]:
    # null is allowed where the field is optional (the measured values).
    optional = ("vehicle.measured.",)
    return [(p, v) for p, _ in fields for v in bad if not (v is None and p.startswith(optional))]


@pytest.mark.parametrize(
    ("path", "bad"),
    _cases(INTEGERS, BAD_INTEGERS) + _cases(NUMBERS, BAD_NUMBERS) + _cases(BOOLEANS, BAD_BOOLEANS),
)
async def test_single_create_refuses_the_wrong_json_type(
    bureau: httpx.AsyncClient, path: str, bad: Any
) -> None:
    response = await create_raw(bureau, _put(_body(), path, bad))
    assert response.status_code == 422, response.text
    _assert_names(response.json(), path)
    listed = (await bureau.get("/v1/ebike-registrations")).json()["data"]
    assert listed == []  # nothing was written


@pytest.mark.parametrize(("path", "good"), INTEGERS + NUMBERS + BOOLEANS)
async def test_the_right_json_type_is_accepted(
    bureau: httpx.AsyncClient, path: str, good: Any
) -> None:
    index = [p for p, _ in INTEGERS + NUMBERS + BOOLEANS].index(path)
    body = _put(_body(start=index), path, good)
    if path.startswith("vehicle.measured"):
        body["vehicle"]["measured"] = {path.rsplit(".", 1)[-1]: good}
    response = await create_raw(bureau, body)
    assert response.status_code == 201, response.text


async def test_an_integral_json_number_is_an_integer(bureau: httpx.AsyncClient) -> None:
    # JSON Schema's integer: 329900.0 has no fractional part (C# decimals serialise so).
    raw = json.dumps(_body(), ensure_ascii=False)
    raw = raw.replace('"price_fen": 329900', '"price_fen": 329900.0')
    assert "329900.0" in raw
    response = await bureau.post(
        "/v1/ebike-registrations",
        content=raw.encode(),
        headers={"Content-Type": "application/json", **post_headers()},
    )
    assert response.status_code == 201, response.text
    assert response.json()["sale"]["price_fen"] == 329900


async def test_a_batch_item_with_a_boolean_price_is_rejected_alone(
    bureau: httpx.AsyncClient, app: Starlette
) -> None:
    from vehreg_sdk.sandbox.batches import wait_idle

    items = []
    for index in range(3):
        body = _body(start=index)
        del body["store_id"]
        items.append({"client_reference": f"strict-{index}", **body})
    items[1]["sale"]["price_fen"] = True
    items[2]["vehicle"]["battery_voltage_v"] = "48"
    created = await bureau.post(
        "/v1/ebike-registration-batches",
        json={"store_id": STORE, "items": items},
        headers=post_headers(),
    )
    assert created.status_code == 202, created.text
    batch_id = created.json()["id"]
    assert wait_idle(app.state.bureau, timeout=60)
    listed = (await bureau.get(f"/v1/ebike-registration-batches/{batch_id}/items")).json()["data"]
    assert [i["status"] for i in listed] == ["registered", "rejected", "rejected"]
    _assert_names(listed[1]["error"], "sale.price_fen")
    _assert_names(listed[2]["error"], "vehicle.battery_voltage_v")
