"""What the SDK rejects locally, the sandbox bureau rejects with the same codes.

Both run :func:`vehreg_sdk.rules.check_ebike_registration`; this test drives
the sandbox's judging functions in-process with broken bodies and checks
that every local error code appears in the bureau's 422 ``errors[]``.
(The raw-HTTP contract tests in tests/sandbox cover the wire form.)
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from vehreg_sdk.rules import check_ebike_registration, errors_only

sandbox = pytest.importorskip("vehreg_sdk.sandbox.validation")
seed = pytest.importorskip("vehreg_sdk.sandbox.seed")
catalogue = pytest.importorskip("vehreg_sdk.sandbox.catalogue")
problems = pytest.importorskip("vehreg_sdk.sandbox.problems")

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
