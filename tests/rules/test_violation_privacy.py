"""No violation carries an unmasked ID number or mobile, whichever field it was typed into."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from vehreg_sdk import rules
from vehreg_sdk.rules import Violation
from vehreg_sdk.testing import fake_resident_id

from .ebike_fixtures import certificate, vehicle

ON = date(2025, 10, 15)
ID_18 = fake_resident_id(random.Random(10))
OLD_ID_15 = ID_18[:6] + ID_18[8:17]
MOBILE = "13912345678"
TYPED = [ID_18, ID_18.lower()[:17] + "x", OLD_ID_15, ID_18[:16], ID_18[:17], MOBILE]

VALIDATORS: list[Callable[[object], list[Violation]]] = [
    rules.validate_vehicle_code,
    rules.validate_motor_code,
    rules.validate_ccc_number,
    rules.validate_certificate_number,
    rules.validate_vin,
    rules.validate_resident_id,
    rules.validate_uscc,
    rules.validate_mobile,
    rules.validate_name,
    rules.validate_ebike_plate,
    lambda v: rules.validate_plate(v, "02"),
    lambda v: rules.validate_plate(v, "03"),
    lambda v: rules.validate_plate(v, v),
    *(lambda v, t=t: rules.validate_id_document(t, v, ON) for t in "ABCHMNP"),
    lambda v: rules.validate_id_document(v, v, ON),
    lambda v: rules.validate_temporary_plate(
        v,
        valid_from=ON,
        valid_to=ON,
        insurance_end=ON,
        situation=v,  # type: ignore[arg-type]
    ),
]


def _exposed(found: list[Violation]) -> str:
    return " ".join(f"{v.value} {v.allowed} {v.message} {v.message_zh} {v}" for v in found)


def _assert_hidden(raw: str, found: list[Violation]) -> None:
    text = _exposed(found)
    assert raw not in text
    assert raw.upper() not in text
    if len(raw) >= 15:
        birth = raw[6:12] if len(raw) == 15 else raw[6:14]
        assert birth not in text, text


@pytest.mark.parametrize("raw", TYPED)
@pytest.mark.parametrize("validate", VALIDATORS)
def test_every_validator_masks_what_it_echoes(
    validate: Callable[[object], list[Violation]], raw: str
) -> None:
    _assert_hidden(raw, validate(raw))
    _assert_hidden(raw, validate(f" {raw} "))


SALE_FIELDS = ("invoice_number", "invoice_date")
OWNER_FIELDS = ("name", "id_type", "id_number", "mobile", "address")
VEHICLE_FIELDS = ("vehicle_code", "motor_code", "product_model", "battery_chemistry")
CERT_FIELDS = ("vehicle_code", "motor_code", "product_model", "manufacture_date")
MODEL_FIELDS = ("standard", "battery_chemistry")


@pytest.mark.parametrize("raw", [ID_18, OLD_ID_15, MOBILE])
@pytest.mark.parametrize(
    ("part", "name"),
    [
        *(("vehicle", n) for n in VEHICLE_FIELDS),
        *(("owner", n) for n in OWNER_FIELDS),
        *(("sale", n) for n in SALE_FIELDS),
        *(("certificate", n) for n in CERT_FIELDS),
        *(("model", n) for n in MODEL_FIELDS),
        ("ccc", "number"),
        ("ccc", "state"),
    ],
)
def test_a_registration_masks_an_id_typed_into_any_field(part: str, name: str, raw: str) -> None:
    cert: dict[str, Any] = certificate()
    parts: dict[str, dict[str, Any]] = {
        "certificate": cert,
        "model": cert["model"],
        "ccc": cert["model"]["ccc"],
        "vehicle": vehicle(cert),
        "owner": {
            "name": "张三",
            "id_type": "A",
            "id_number": fake_resident_id(random.Random(3)),
            "mobile": "13800000000",
            "address": "连云港市海州区",
        },
        "sale": {"invoice_number": "00000001", "invoice_date": ON},
    }
    parts[part][name] = raw
    found = rules.check_ebike_registration(
        parts["vehicle"], parts["owner"], parts["sale"], cert, on=ON
    )
    _assert_hidden(raw, found)
