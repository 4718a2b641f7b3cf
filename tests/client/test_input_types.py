"""The client's input models refuse what the bureau refuses, before anything is sent.

Strict JSON types (a boolean or a numeric string is not a number) and the one
``client_reference`` rule, each with a bilingual error naming the field.
"""

from __future__ import annotations

from typing import Any

import pytest
import respx

from vehreg_sdk import LocalValidationError, VehregClient
from vehreg_sdk.types import EbikeRegistrationCreate, Sale
from vehreg_sdk.types.ebike_registrations import Guardian, MeasuredValues

from .conftest import BASE_URL, ID_NUMBER, MOBILE, registration_json, sale_kwargs


@pytest.mark.parametrize("price", [True, False, "299900", "2999.00", 2999.5, None])
@respx.mock(base_url=BASE_URL, assert_all_called=False)
def test_price_must_be_a_json_integer(
    respx_mock: respx.MockRouter, client: VehregClient, price: Any
) -> None:
    route = respx_mock.post("/v1/ebike-registrations").respond(201, json=registration_json())
    kwargs = sale_kwargs()
    kwargs["sale"] = {**kwargs["sale"], "price_fen": price}
    with pytest.raises(LocalValidationError) as caught:
        client.ebike_registrations.create(**kwargs)
    assert not route.called
    (violation,) = [v for v in caught.value.violations if v.field == "sale.price_fen"]
    assert violation.code == "field.type"
    assert "price_fen" in violation.message and "price_fen" in violation.message_zh
    assert "整数" in violation.message_zh


def test_integral_numbers_are_integers() -> None:
    sale = Sale(invoice_number="INV1", invoice_date="2026-11-26", price_fen=299900.0,  # type: ignore[arg-type]
                clerk_id="C001")  # fmt: skip
    assert sale.price_fen == 299900 and type(sale.price_fen) is int


@pytest.mark.parametrize(
    ("field", "value"),
    [("length_mm", True), ("length_mm", "1800"), ("mass_kg", False), ("mass_kg", "55"),
     ("max_speed_kmh", "25"), ("pedals", 1), ("pedals", "true")],
)  # fmt: skip
def test_measured_values_are_strict(field: str, value: Any) -> None:
    with pytest.raises(ValueError) as caught:
        MeasuredValues.model_validate({field: value})
    (error,) = caught.value.errors()  # type: ignore[attr-defined]
    assert error["type"] == "field.type" and error["loc"] == (field,)
    assert error["ctx"]["message_zh"] and field in error["ctx"]["message_en"]


def test_guardian_consent_is_a_json_boolean() -> None:
    with pytest.raises(ValueError, match="consent"):
        Guardian.model_validate(
            {"name": "王大明", "id_number": ID_NUMBER, "mobile": MOBILE, "consent": "yes"}
        )


@pytest.mark.parametrize(
    "reference",
    ["", "POS-1\r\n", "\tPOS-1", "POS\u202e1", "参考号", "ＰＯＳ１", "x" * 256, 42],
    ids=repr,
)
def test_client_reference_follows_the_bureau_rule(reference: Any) -> None:
    kwargs = sale_kwargs()
    body = {**kwargs, "client_reference": reference}
    with pytest.raises(ValueError) as caught:
        EbikeRegistrationCreate.model_validate(body)
    errors = caught.value.errors()  # type: ignore[attr-defined]
    (error,) = [e for e in errors if e["loc"] == ("client_reference",)]
    assert error["type"] == "reference.invalid"
    assert "printable ASCII" in error["ctx"]["message_en"] and error["ctx"]["message_zh"]


def test_client_reference_is_kept_as_given() -> None:
    for reference in (" POS 42 ", "x" * 255, None):
        body = {**sale_kwargs(), "client_reference": reference}
        assert EbikeRegistrationCreate.model_validate(body).client_reference == reference


@respx.mock(base_url=BASE_URL, assert_all_called=False)
def test_create_batch_checks_references_before_sending(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.post("/v1/ebike-registration-batches").respond(202, json={})
    item = {k: v for k, v in sale_kwargs().items() if k != "store_id"}
    items = [
        {**item, "client_reference": "row-1"},
        {**item, "client_reference": "row-2\n"},
        {**item, "client_reference": "row-1"},
        {**item},
    ]
    with pytest.raises(LocalValidationError) as caught:
        client.bulk.create_batch(store_id="st_0001", items=items)
    assert not route.called
    found = {(v.field, v.code) for v in caught.value.violations}
    assert found == {
        ("items.1.client_reference", "batch.reference_invalid"),
        ("items.2.client_reference", "batch.duplicate_reference"),
        ("items.3.client_reference", "batch.reference_invalid"),
    }
    assert all(v.message_zh for v in caught.value.violations)
