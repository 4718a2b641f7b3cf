"""problem+json, request ids, and bad input (400, 404, 405, 413, 415, 422): no partial writes."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.sandbox.problems import PROBLEMS
from vehreg_sdk.sandbox.seed import (
    demo_registration_body,
    sellable_vehicle_codes,
    stolen_vehicle_codes,
    unsellable_vehicle_codes,
)

from .conftest import JPEG, PNG, FakeClock, create_raw, post_headers, upload

STORE = DEMO_DEALERS[0].store_ids[0]
PROBLEM_KEYS = {"type", "title", "status", "code", "detail", "detail_zh", "request_id", "errors"}


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"urn:vehreg:problem:{code}"
    assert body["detail"] and body["detail_zh"] and body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    for error in body["errors"]:
        assert {"field", "code", "message", "message_zh"} <= set(error)
        assert error["message"] and error["message_zh"]
    return body


def test_every_problem_code_has_both_languages() -> None:
    for code, kind in PROBLEMS.items():
        assert code.count(".") >= 1
        assert kind.detail and kind.detail_zh and kind.title
        assert any("\u4e00" <= ch <= "\u9fff" for ch in kind.detail_zh), code


async def _count(client: httpx.AsyncClient) -> int:
    return len(
        (await client.get("/v1/ebike-registrations", params={"limit": "100"})).json()["data"]
    )


async def test_unknown_route_and_method(bureau: httpx.AsyncClient) -> None:
    assert_problem(await bureau.get("/v1/nothing-here"), 404, "route.not_found")
    assert_problem(await bureau.get("/v1/stores/"), 404, "route.not_found")  # no slash redirects
    not_allowed = assert_problem(await bureau.put("/v1/stores"), 405, "route.method_not_allowed")
    assert not_allowed["errors"] == []


async def test_malformed_json_is_400(bureau: httpx.AsyncClient) -> None:
    for raw in (b"{", b"\xff\xfe", b'{"store_id": }'):
        response = await bureau.post(
            "/v1/ebike-registrations",
            content=raw,
            headers={"Content-Type": "application/json", **post_headers()},
        )
        assert_problem(response, 400, "body.invalid_json")
    assert await _count(bureau) == 0


async def test_json_body_over_1_mib_is_413(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    body = demo_registration_body(
        sellable_vehicle_codes(1)[0], STORE, invoice_date=shanghai_date(clock())
    )
    body["client_reference"] = "x" * (1024 * 1024)
    assert_problem(await create_raw(bureau, body), 413, "body.too_large")
    assert await _count(bureau) == 0


async def test_wrong_content_type_is_415(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    body = demo_registration_body(
        sellable_vehicle_codes(1)[0], STORE, invoice_date=shanghai_date(clock())
    )
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=gbk",
    ):
        response = await bureau.post(
            "/v1/ebike-registrations",
            content=json.dumps(body).encode(),
            headers={"Content-Type": content_type, **post_headers()},
        )
        assert_problem(response, 415, "content_type.unsupported")
    as_json = await bureau.post("/v1/uploads", json={"kind": "invoice"}, headers=post_headers())
    assert_problem(as_json, 415, "content_type.unsupported")
    assert await _count(bureau) == 0


async def test_422_lists_every_bad_field_at_once(
    bureau: httpx.AsyncClient, clock: FakeClock
) -> None:
    body = demo_registration_body(
        sellable_vehicle_codes(1)[0], STORE, invoice_date=shanghai_date(clock())
    )
    body["vehicle"]["vehicle_code"] = "12345"
    body["vehicle"]["battery_voltage_v"] = "many"
    body["owner"]["id_number"] = "320706199001010012"  # wrong check digit
    body["owner"]["mobile"] = "12345"
    body["owner"]["use"] = "racing"
    body["sale"]["price_fen"] = 12.5
    body["sale"]["invoice_date"] = "2026-13-01"
    del body["sale"]["clerk_id"]
    body["colour"] = "red"
    problem = assert_problem(await create_raw(bureau, body), 422, "validation.failed")
    fields = {e["field"] for e in problem["errors"]}
    assert {
        "vehicle.vehicle_code",
        "vehicle.battery_voltage_v",
        "owner.id_number",
        "owner.mobile",
        "owner.use",
        "sale.price_fen",
        "sale.invoice_date",
        "sale.clerk_id",
        "colour",
    } <= fields
    by_field = {e["field"]: e for e in problem["errors"]}
    assert by_field["colour"]["code"] == "field.unknown"
    assert by_field["owner.id_number"]["code"] == "id_number.checksum"
    assert "320706199001010012" not in json.dumps(problem)  # personal data is never echoed raw
    assert await _count(bureau) == 0


async def test_422_for_business_rules(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    today = shanghai_date(clock())
    stolen = demo_registration_body(stolen_vehicle_codes()[0], STORE, invoice_date=today)
    assert_problem(await create_raw(bureau, stolen), 422, "vehicle.stolen")
    unknown = demo_registration_body(sellable_vehicle_codes(1)[0], STORE, invoice_date=today)
    unknown["vehicle"]["vehicle_code"] = "999920000000001"
    problem = assert_problem(await create_raw(bureau, unknown), 422, "certificate.not_found")
    assert problem["errors"][0]["field"] == "vehicle.vehicle_code"
    no_model = demo_registration_body(sellable_vehicle_codes(1)[0], STORE, invoice_date=today)
    no_model["vehicle"]["product_model"] = "NOPE-1"
    problem = assert_problem(await create_raw(bureau, no_model), 422, "catalogue.model_not_found")
    assert "vehicle.product_model_mismatch" in {e["code"] for e in problem["errors"]}
    for reason, code in (
        ("gb2018", "ebike.standard_not_sellable"),
        ("ccc_suspended", "ccc.suspended"),
        ("ccc_expired", "ccc.expired"),
    ):
        body = demo_registration_body(
            unsellable_vehicle_codes(reason)[0], STORE, invoice_date=today
        )
        problem = assert_problem(await create_raw(bureau, body), 422, "validation.failed")
        assert code in {e["code"] for e in problem["errors"]}
    foreign_upload = demo_registration_body(
        sellable_vehicle_codes(1)[0], STORE, invoice_date=today, uploads=["up_not_mine"]
    )
    problem = assert_problem(await create_raw(bureau, foreign_upload), 422, "validation.failed")
    assert problem["errors"][0] == {
        **problem["errors"][0],
        "field": "uploads.0",
        "code": "upload.not_found",
    }
    assert await _count(bureau) == 0


async def test_foreign_store_is_404(bureau: httpx.AsyncClient, clock: FakeClock) -> None:
    body = demo_registration_body(
        sellable_vehicle_codes(1)[0],
        DEMO_DEALERS[1].store_ids[0],
        invoice_date=shanghai_date(clock()),
    )
    assert_problem(await create_raw(bureau, body), 404, "store.not_found")
    assert await _count(bureau) == 0


async def test_uploads_check_content_not_labels(bureau: httpx.AsyncClient) -> None:
    async def send(data: bytes, kind: str = "invoice", name: str = "a.jpg") -> httpx.Response:
        return await bureau.post(
            "/v1/uploads",
            data={"kind": kind},
            files={"file": (name, data, "image/jpeg")},
            headers=post_headers(),
        )

    png = await send(PNG, name="scan.jpg")
    assert png.status_code == 201
    assert png.json()["content_type"] == "image/png"
    assert png.json()["size"] == len(PNG)
    assert_problem(await send(b"%PDF-1.7 not an image"), 415, "upload.unsupported_type")
    assert_problem(await send(JPEG + b"\x00" * (5 * 1024 * 1024)), 413, "upload.too_large")
    assert (await send(JPEG + b"\x00" * (5 * 1024 * 1024 - len(JPEG)))).status_code == 201
    problem = assert_problem(await send(b"", kind="selfie"), 422, "validation.failed")
    assert {e["field"] for e in problem["errors"]} == {"kind", "file"}
    missing = await bureau.post(
        "/v1/uploads", data={"note": "x"}, files={"other": ("a", b"1")}, headers=post_headers()
    )
    assert {e["field"] for e in assert_problem(missing, 422, "validation.failed")["errors"]} == {
        "kind",
        "file",
    }
    broken = await bureau.post(
        "/v1/uploads",
        content=b"--xyz\r\nnonsense",
        headers={"Content-Type": "multipart/form-data; boundary=xyz", **post_headers()},
    )
    assert broken.status_code == 400


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/v1/ebike-registrations/reg_nope", "registration.not_found"),
        ("/v1/stores/st_nope", "store.not_found"),
        ("/v1/certificates/ebikes/123", "certificate.not_found"),
        ("/v1/catalogue/ebikes/NOPE", "catalogue.model_not_found"),
    ],
)
async def test_not_found(bureau: httpx.AsyncClient, path: str, code: str) -> None:
    assert_problem(await bureau.get(path), 404, code)


async def test_bad_query_parameters_are_listed_together(bureau: httpx.AsyncClient) -> None:
    response = await bureau.get(
        "/v1/ebike-registrations",
        params={"limit": "0", "cursor": "garbage!", "status": "lost", "created_gte": "yesterday"},
    )
    problem = assert_problem(response, 400, "query.invalid")
    assert {e["field"] for e in problem["errors"]} == {
        "query.limit",
        "query.cursor",
        "query.status",
        "query.created_gte",
    }
    events = await bureau.get("/v1/events", params={"after": "evt_unknown"})
    assert assert_problem(events, 400, "query.invalid")["errors"][0]["code"] == "event.not_found"


async def test_upload_to_a_registration_in_a_final_state_is_409(bureau: httpx.AsyncClient) -> None:
    from .conftest import register

    created = await register(bureau)
    await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/cancel",
        json={"reason": "退货"},
        headers=post_headers(),
    )
    late = await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/photos",
        data={"kind": "plate_fitted"},
        files={"file": ("p.jpg", JPEG, "image/jpeg")},
        headers=post_headers(),
    )
    assert_problem(late, 409, "registration.invalid_state")
    twice = await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/cancel", headers=post_headers()
    )
    assert_problem(twice, 409, "registration.invalid_state")
    bad_cancel = await bureau.post(
        f"/v1/ebike-registrations/{created['id']}/cancel",
        json={"reason": 5, "why": "x"},
        headers=post_headers(),
    )
    assert {e["field"] for e in assert_problem(bad_cancel, 422, "validation.failed")["errors"]} == {
        "reason",
        "why",
    }
    assert await upload(bureau, "invoice")


async def test_hostile_json_is_400_not_500(bureau: httpx.AsyncClient) -> None:
    for raw in (b"[" * 200_000 + b"]" * 200_000, b'{"store_id": "\\ud800"}', b"NaN"):
        response = await bureau.post(
            "/v1/ebike-registrations",
            content=raw,
            headers={"Content-Type": "application/json", **post_headers()},
        )
        assert response.status_code in (400, 422), response.text
    assert await _count(bureau) == 0
