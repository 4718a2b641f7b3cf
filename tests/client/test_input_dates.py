"""Business dates in the input models: a ``date`` or ``YYYY-MM-DD`` text, never a number.

pydantic's lax mode read ``1735689600`` (a Unix time) as 2025-01-01. :data:`JsonDate`
refuses numbers, booleans and other text forms with a bilingual ``field.type`` naming
the field, before anything is sent. A ``datetime`` object is its business date as the
rules read it: aware, its Asia/Shanghai date; naive, its own date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import respx
from pydantic import BaseModel, ValidationError

from vehreg_sdk import LocalValidationError, VehregClient
from vehreg_sdk.rules import Violation
from vehreg_sdk.rules._dates import read_date
from vehreg_sdk.types import Sale
from vehreg_sdk.types._strict import JsonDate
from vehreg_sdk.types.temporary_plates import TemporaryPlateCreate
from vehreg_sdk.types.vehicle_registrations import Insurance, Invoice

from .conftest import BASE_URL, registration_json, sale_kwargs

NOT_DATES = [
    *(1735689600, 1735689600.0, 20250101, "1735689600", True, False, None),
    *("2025/01/01", "2025-01-01T00:00:00", "2025-1-1", "2025-02-30", "", [2025, 1, 1]),
]


class _Day(BaseModel):
    day: JsonDate


@pytest.mark.parametrize("bad", NOT_DATES, ids=repr)
def test_json_date_refuses_what_is_not_wire_text(bad: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _Day.model_validate({"day": bad})
    (error,) = caught.value.errors()
    assert error["type"] == "field.type" and error["loc"] == ("day",)
    assert "day" in error["ctx"]["message_en"] and "YYYY-MM-DD" in error["ctx"]["message_en"]
    assert "day" in error["ctx"]["message_zh"] and "日期" in error["ctx"]["message_zh"]


def test_json_date_takes_a_date_and_its_wire_text() -> None:
    assert _Day.model_validate({"day": "2025-01-01"}).day == date(2025, 1, 1)
    assert _Day.model_validate({"day": date(2025, 1, 1)}).day == date(2025, 1, 1)
    assert _Day.model_validate_json('{"day": "2024-02-29"}').day == date(2024, 2, 29)
    assert _Day(day=date(2025, 1, 1)).model_dump(mode="json") == {"day": "2025-01-01"}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2025, 8, 31, 17, 0, tzinfo=UTC),  # 01:00 the next day in Shanghai
        datetime(2025, 8, 31, 15, 59, tzinfo=UTC),
        datetime(2025, 8, 31, 23, 30),  # naive: as written
        datetime(2025, 8, 31, 0, 0),
    ],
    ids=str,
)
def test_a_datetime_is_its_business_date_as_the_rules_read_it(moment: datetime) -> None:
    assert _Day(day=moment).day == read_date(moment)
    assert type(_Day(day=moment).day) is date


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (Sale, {"invoice_number": "INV1", "price_fen": 1, "clerk_id": "C1"}, "invoice_date"),
        (Invoice, {"number": "INV1", "price_fen": 1}, "date"),
        (Insurance, {"policy_number": "P1", "ends_on": "2026-01-01"}, "starts_on"),
        (Insurance, {"policy_number": "P1", "starts_on": "2025-01-01"}, "ends_on"),
    ],
)
def test_every_input_date_field_is_strict(
    model: type[BaseModel], data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate({**data, field: 1735689600})
    errors = [e for e in caught.value.errors() if e["loc"] == (field,)]
    assert [e["type"] for e in errors] == ["field.type"]
    assert model.model_validate({**data, field: "2025-01-01"}).model_dump()[field] == date(
        2025, 1, 1
    )


@pytest.mark.parametrize("field", ["valid_from", "valid_to"])
def test_temporary_plate_dates_are_strict(field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TemporaryPlateCreate.model_validate({field: 1735689600})
    errors = [e for e in caught.value.errors() if e["loc"] == (field,)]
    assert [e["type"] for e in errors] == ["field.type"]


def _refused_invoice_dates(
    respx_mock: respx.MockRouter, client: VehregClient, invoice_date: Any
) -> list[Violation]:
    """``create`` with this ``invoice_date``: refused with nothing sent; what names the field."""
    route = respx_mock.post("/v1/ebike-registrations").respond(201, json=registration_json())
    kwargs = sale_kwargs()
    kwargs["sale"] = {**kwargs["sale"], "invoice_date": invoice_date}
    with pytest.raises(LocalValidationError) as caught:
        client.ebike_registrations.create(**kwargs)
    assert not route.called
    return [v for v in caught.value.violations if v.field == "sale.invoice_date"]


@pytest.mark.parametrize("bad", [1735689600, "1735689600", 1735689600.0], ids=repr)
@respx.mock(base_url=BASE_URL, assert_all_called=False)
def test_create_refuses_a_number_for_the_invoice_date_before_sending(
    respx_mock: respx.MockRouter, client: VehregClient, bad: Any
) -> None:
    named = _refused_invoice_dates(respx_mock, client, bad)
    assert named and all(v.is_error and v.message_zh for v in named)


@respx.mock(base_url=BASE_URL, assert_all_called=False)
def test_create_refuses_another_text_form_before_sending(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    written = sale_kwargs()["sale"]["invoice_date"].strftime("%Y/%m/%d")  # readable, not wire
    (violation,) = _refused_invoice_dates(respx_mock, client, written)
    assert violation.code == "field.type" and "日期" in violation.message_zh


@respx.mock(base_url=BASE_URL, assert_all_called=False)
def test_create_sends_a_date_as_wire_text(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.post("/v1/ebike-registrations").respond(201, json=registration_json())
    kwargs = sale_kwargs()
    client.ebike_registrations.create(**kwargs)
    sent = route.calls.last.request.content.decode()
    assert f'"invoice_date":"{kwargs["sale"]["invoice_date"].isoformat()}"' in sent.replace(" ", "")
