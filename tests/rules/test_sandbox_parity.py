"""What the SDK rejects locally, the sandbox bureau rejects with the same codes.

Both run :func:`vehreg_sdk.rules.check_ebike_registration`; this test drives
the sandbox's judging functions in-process with broken bodies and checks
that every local error code appears in the bureau's 422 ``errors[]``. The
last tests POST broken bodies, signed, to a sandbox on a real loopback port
and compare its 422 with the local check on the certificate fetched from it.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, cast

import pytest

from vehreg_sdk.rules import check_ebike_registration, errors_only
from vehreg_sdk.sandbox import catalogue, problems, seed
from vehreg_sdk.sandbox import validation as sandbox

TODAY = date(2025, 12, 10)


def _sandbox_errors(body: dict[str, Any]) -> set[tuple[str, str]]:
    """(field, code) of every error in the sandbox's 422, or nothing when it accepts."""
    try:
        parsed = sandbox.parse_registration(body, today=TODAY)
        sandbox.check_business(parsed, today=TODAY)
    except problems.ProblemError as problem:
        return {(item.field, item.code) for item in problem.errors}
    return set()


def _sandbox_codes(body: dict[str, Any]) -> set[str]:
    return {code for _, code in _sandbox_errors(body)}


def _local_errors(body: dict[str, Any]) -> set[tuple[str, str]]:
    vehicle = body.get("vehicle") or {}
    code = vehicle.get("vehicle_code") if isinstance(vehicle, dict) else None
    certificate = catalogue.certificate_for(code) if isinstance(code, str) else None
    found = check_ebike_registration(
        vehicle, body.get("owner") or {}, body.get("sale") or {}, certificate, on=TODAY
    )
    return {(item.field, item.code) for item in errors_only(found)}


def _local_codes(body: dict[str, Any]) -> set[str]:
    return {code for _, code in _local_errors(body)}


def _valid_body() -> dict[str, Any]:
    (code,) = seed.sellable_vehicle_codes(1, start=4000, on=TODAY)
    body: dict[str, Any] = seed.demo_registration_body(
        code, "st_demo_haizhou_1", invoice_date=date(2025, 12, 8)
    )
    return body


BREAKAGES = [
    pytest.param("vehicle", "vehicle_code", "11732", id="vehicle_code"),
    pytest.param("vehicle", "motor_code", "电机#", id="motor_code"),
    pytest.param("vehicle", "battery_voltage_v", 60, id="battery_voltage"),
    pytest.param("vehicle", "battery_chemistry", "lead_acid", id="battery_chemistry"),
    pytest.param("vehicle", "product_model", "TDT0000X", id="product_model"),
    pytest.param("owner", "id_number", "110105194912310021", id="id_checksum"),
    pytest.param("owner", "id_number", "320706201501010010", id="child_with_bad_checksum"),
    pytest.param("owner", "mobile", "12345", id="mobile"),
    pytest.param("owner", "id_type", "Q", id="id_type"),
    pytest.param("owner", "name", "", id="name"),
    pytest.param("sale", "invoice_date", "2025-12-31", id="future_invoice"),
    pytest.param("sale", "invoice_number", "", id="invoice_number"),
]
FIELDS = [pytest.param(*case.values, id=case.id) for case in BREAKAGES]


def test_a_valid_body_passes_both() -> None:
    body = _valid_body()
    assert _local_codes(body) == set()
    assert _sandbox_codes(body) == set()


@pytest.mark.parametrize(("part", "field", "value"), BREAKAGES)
def test_every_local_error_code_is_a_sandbox_error_code(part: str, field: str, value: Any) -> None:
    body = copy.deepcopy(_valid_body())
    body[part][field] = value
    local = _local_codes(body)
    assert local, "the breakage must be caught locally"
    assert local <= _sandbox_codes(body)


@pytest.mark.parametrize(("part", "field", "value"), FIELDS)
def test_every_field_refused_locally_is_refused_by_the_sandbox(
    part: str, field: str, value: Any
) -> None:
    body = copy.deepcopy(_valid_body())
    body[part][field] = value
    local_fields = {path for path, _ in _local_errors(body)}
    assert local_fields
    assert local_fields <= {path for path, _ in _sandbox_errors(body)}


def test_a_minor_without_guardian_is_refused_by_both() -> None:
    from .conftest import resident_id

    body = _valid_body()
    body["owner"]["id_number"] = resident_id("32070620120101001")
    local = _local_codes(body)
    assert {"owner.under_16", "owner.guardian_required"} <= local
    assert local <= _sandbox_codes(body)


# --- breakages that need a whole other bike: the standard, the CCC, measured values


def _body_for(code: str, on: date = TODAY) -> dict[str, Any]:
    body: dict[str, Any] = seed.demo_registration_body(code, "st_demo_haizhou_1", invoice_date=on)
    return body


def _unsellable(reason: str) -> Callable[[date], dict[str, Any]]:
    def build(on: date) -> dict[str, Any]:
        (code,) = seed.unsellable_vehicle_codes(reason)
        return _body_for(code, on)

    return build


def _measured(start: int, chemistry: str, **measured: Any) -> Callable[[date], dict[str, Any]]:
    """A bike of ``chemistry``, made and sellable by ``on``, with these measured values."""

    def build(on: date) -> dict[str, Any]:
        for code in seed.sellable_vehicle_codes(200, start=start, on=on):
            certificate = catalogue.certificate_for(code)
            assert certificate is not None
            made = date.fromisoformat(str(certificate["manufacture_date"]))
            if certificate["model"]["battery_chemistry"] == chemistry and made <= on:
                body = _body_for(code, on)
                body["vehicle"]["measured"] = dict(measured)
                return body
        raise AssertionError(f"no sellable {chemistry} bike from pool index {start}")

    return build


#: (builder of the broken body on a business date, the error code it must give)
BIKE_BREAKAGES = [
    pytest.param(_unsellable("gb2018"), "ebike.standard_not_sellable", id="gb2018_after_sell_off"),
    pytest.param(_unsellable("ccc_suspended"), "ccc.suspended", id="ccc_suspended"),
    pytest.param(_unsellable("ccc_expired"), "ccc.expired", id="ccc_expired"),
    pytest.param(
        _measured(4100, "lithium", max_speed_kmh=31.5),
        "ebike.max_speed_exceeded",
        id="measured_speed",
    ),
    pytest.param(
        _measured(4200, "lithium", mass_kg=56), "ebike.mass_exceeded", id="measured_mass_lithium"
    ),
    pytest.param(
        _measured(4300, "lead_acid", mass_kg=63.5),
        "ebike.mass_exceeded",
        id="measured_mass_lead_acid",
    ),
    pytest.param(
        _measured(4400, "lithium", max_speed_kmh=250, mass_kg=80),
        "ebike.max_speed_exceeded",
        id="measured_beyond_the_model_bounds",
    ),
]


def test_the_bike_breakages_start_from_bikes_that_pass() -> None:
    """Each measured breakage's bike, without its measured values, passes both."""
    for case in BIKE_BREAKAGES:
        build = cast(Callable[[date], dict[str, Any]], case.values[0])
        body = build(TODAY)
        if "measured" not in body["vehicle"]:
            continue
        del body["vehicle"]["measured"]
        assert _local_codes(body) == set(), case.id
        assert _sandbox_codes(body) == set(), case.id


@pytest.mark.parametrize(("build", "expected"), BIKE_BREAKAGES)
def test_bike_breakages_are_refused_by_both_with_the_same_codes(
    build: Callable[[date], dict[str, Any]], expected: str
) -> None:
    body = build(TODAY)
    local = _local_errors(body)
    assert expected in {code for _, code in local}, local
    assert local <= _sandbox_errors(body)


def test_measured_values_within_the_limits_pass_both() -> None:
    lead_acid = _measured(4300, "lead_acid", mass_kg=63, max_speed_kmh=25)(TODAY)
    assert _local_codes(lead_acid) == set()
    assert _sandbox_codes(lead_acid) == set()


def test_the_2018_standard_was_sellable_before_the_sell_off() -> None:
    body = _unsellable("gb2018")(date(2025, 11, 30))
    day = date(2025, 11, 30)
    vehicle, owner, sale = body["vehicle"], body["owner"], body["sale"]
    certificate = catalogue.certificate_for(vehicle["vehicle_code"])
    found = check_ebike_registration(vehicle, owner, sale, certificate, on=day)
    assert "ebike.standard_not_sellable" not in {v.code for v in errors_only(found)}


# --- the same over real HTTP: a signed POST to a running sandbox


@pytest.fixture(scope="module")
def http_sandbox() -> Iterator[Any]:
    from vehreg_sdk.sandbox import SandboxServer

    with SandboxServer(review_delay=0) as server:
        yield server


def _post_signed(server: Any, body: dict[str, Any]) -> Any:
    """POST ``body`` as the till would, signed by dealer 1 (no client-side pre-check)."""
    import httpx

    from vehreg_sdk import _signing

    dealer = server.dealers[0]
    path = "/v1/ebike-registrations"
    content = json.dumps(body, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": f"parity-{uuid.uuid4()}",
        **_signing.signature_headers(
            app_key=dealer.app_key,
            secret=dealer.app_secret,
            method="POST",
            path=path,
            query="",
            body=content,
            timestamp=int(time.time()),
        ),
    }
    return httpx.post(server.base_url + path, content=content, headers=headers, timeout=30)


def _local_over_http(server: Any, body: dict[str, Any], on: date) -> set[tuple[str, str]]:
    """The local check as a till runs it: on the certificate fetched from the bureau."""
    from vehreg_sdk import VehregClient

    dealer = server.dealers[0]
    with VehregClient(
        base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        certificate = client.certificates.retrieve(body["vehicle"]["vehicle_code"])
    found = check_ebike_registration(
        body["vehicle"], body["owner"], body["sale"], certificate, on=on
    )
    return {(item.field, item.code) for item in errors_only(found)}


@pytest.mark.parametrize(("build", "expected"), BIKE_BREAKAGES)
def test_over_http_every_local_error_is_in_the_sandbox_422(
    http_sandbox: Any, build: Callable[[date], dict[str, Any]], expected: str
) -> None:
    from vehreg_sdk.resources._ebike_submit import business_date

    today = business_date()  # the sandbox judges on today's Asia/Shanghai date too
    body = build(today)
    local = _local_over_http(http_sandbox, body, today)
    assert expected in {code for _, code in local}, local
    response = _post_signed(http_sandbox, body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["status"] == 422 and problem["request_id"]
    remote = {(item["field"], item["code"]) for item in problem["errors"]}
    assert all(item["message"] and item["message_zh"] for item in problem["errors"])
    assert local <= remote, (local, remote)


def test_over_http_with_the_client_and_an_idempotency_key(http_sandbox: Any) -> None:
    """The client sends what its pre-check passes; the bureau's 422 holds the local codes.

    Without the certificate the client cannot see the standard, so a 2018-standard bike
    reaches the bureau; with it, the same codes are refused locally before any request.
    """
    from vehreg_sdk import LocalValidationError, UnprocessableEntityError, VehregClient
    from vehreg_sdk.resources._ebike_submit import business_date

    today = business_date()
    body = _unsellable("gb2018")(today)
    dealer = http_sandbox.dealers[0]
    key = f"parity-client-{uuid.uuid4()}"
    with VehregClient(
        base_url=http_sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        certificate = client.certificates.retrieve(body["vehicle"]["vehicle_code"])
        parts = {k: body[k] for k in ("store_id", "vehicle", "owner", "sale")}
        with pytest.raises(LocalValidationError) as refused:
            client.ebike_registrations.create(**parts, certificate=certificate)
        with pytest.raises(UnprocessableEntityError) as caught:
            client.ebike_registrations.create(**parts, idempotency_key=key)
    local = {(v.field, v.code) for v in refused.value.violations}
    remote = {(v.field, v.code) for v in caught.value.errors}
    assert "ebike.standard_not_sellable" in {code for _, code in local}
    assert local <= remote, (local, remote)
    assert local == _local_over_http(http_sandbox, body, today)
