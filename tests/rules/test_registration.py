"""``check_ebike_registration``: everything at once, prefixed paths, the models' codes."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from vehreg_sdk.rules import RuleConfig, check_ebike_registration, errors_only
from vehreg_sdk.testing import fake_certificate, fake_ebike_model, fake_sale_row
from vehreg_sdk.types import EbikeVehicle, Owner, Sale

from .conftest import codes, error_codes, resident_id
from .ebike_fixtures import certificate, vehicle

ON = date(2025, 10, 20)


def _row(seed: int = 1) -> tuple[dict[str, Any], Any]:
    rng = random.Random(seed)
    cert = fake_certificate(rng, fake_ebike_model(rng), date(2025, 10, 1))
    return fake_sale_row(rng, cert, sold_on=date(2025, 10, 18)), cert


def test_a_generated_row_passes_as_dicts_and_as_models() -> None:
    row, cert = _row()
    assert check_ebike_registration(row["vehicle"], row["owner"], row["sale"], cert, on=ON) == []
    models = EbikeVehicle(**row["vehicle"]), Owner(**row["owner"]), Sale(**row["sale"])
    assert check_ebike_registration(*models, cert, on=ON) == []


def test_everything_wrong_is_reported_at_once_with_prefixed_paths() -> None:
    cert = certificate()
    bike = vehicle(cert, vehicle_code="1173225", motor_code="电机")
    owner = {"name": "", "id_type": "A", "id_number": "110105194912310021", "mobile": "123"}
    sale = {"invoice_number": "", "invoice_date": date(2025, 10, 25)}
    found = check_ebike_registration(bike, owner, sale, cert, on=ON)
    assert {(v.code, v.field) for v in found} >= {
        ("vehicle_code.format", "vehicle.vehicle_code"),
        ("motor_code.format", "vehicle.motor_code"),
        ("name.required", "owner.name"),
        ("id_number.checksum", "owner.id_number"),
        ("mobile.format", "owner.mobile"),
        ("address.required", "owner.address"),
        ("invoice_number.required", "sale.invoice_number"),
        ("sale.invoice_date_future", "sale.invoice_date"),
        ("vehicle.vehicle_code_mismatch", "vehicle.vehicle_code"),
        ("vehicle.motor_code_mismatch", "vehicle.motor_code"),
    }
    assert len({(v.code, v.field) for v in found}) == len(found)  # no duplicates


def test_minor_owner_and_guardian_fields() -> None:
    row, cert = _row()
    row["owner"]["id_number"] = resident_id("32070620120101001")  # 13 on ON
    row["owner"]["guardian"] = {"name": "王", "id_number": "bad", "mobile": "13812341234"}
    found = check_ebike_registration(row["vehicle"], row["owner"], row["sale"], cert, on=ON)
    assert {(v.code, v.field) for v in found} == {
        ("owner.under_16", "owner.id_number"),
        ("owner.guardian_consent_required", "owner.guardian.consent"),
        ("id_number.format", "owner.guardian.id_number"),
    }


def test_without_certificate_the_bike_is_judged_by_the_standard_in_force() -> None:
    row, _ = _row()
    row["vehicle"]["battery_voltage_v"] = 60
    found = check_ebike_registration(row["vehicle"], row["owner"], row["sale"], None, on=ON)
    assert codes(found) == ["ebike.battery_voltage_exceeded"]


def test_registration_deadline_is_off_by_default_and_configurable() -> None:
    row, cert = _row()
    late = date(2025, 11, 30)
    assert check_ebike_registration(row["vehicle"], row["owner"], row["sale"], cert, on=late) == []
    config = RuleConfig(registration_deadline_days=15)
    found = check_ebike_registration(
        row["vehicle"], row["owner"], row["sale"], cert, on=late, config=config
    )
    assert codes(found) == ["sale.registration_overdue"]


def test_minor_policy_comes_from_the_config() -> None:
    row, cert = _row()
    row["owner"]["id_number"] = resident_id("32070620100101001")  # 15
    guardian_id = resident_id("32070619800101001")
    row["owner"]["guardian"] = {"name": "王芳", "id_number": guardian_id, "mobile": "13812341234"}
    from vehreg_sdk.rules import MinorPolicy

    config = RuleConfig(minor_policy=MinorPolicy(under_16_severity="warning"))
    found = check_ebike_registration(
        row["vehicle"], row["owner"], row["sale"], cert, on=ON, config=config
    )
    assert [(v.code, v.severity) for v in found] == [("owner.under_16", "warning")]


# The field-level rules run twice: in the models' validators (construction fails) and
# in check_ebike_registration (the sandbox's 422). They must name the same code.
BROKEN_FIELDS = [
    ("vehicle", "vehicle_code", "11732250000024", "vehicle_code.format"),
    ("vehicle", "motor_code", "电机#1", "motor_code.format"),
    ("owner", "id_number", "110105194912310021", "id_number.checksum"),
    ("owner", "id_number", "1101051949123100", "id_number.format"),
    ("owner", "mobile", "12812341234", "mobile.format"),
    ("owner", "id_type", "Q", "id_type.unknown"),
]


@pytest.mark.parametrize(("part", "field", "value", "code"), BROKEN_FIELDS)
def test_models_and_the_registration_check_agree_on_codes(
    part: str, field: str, value: str, code: str
) -> None:
    row, cert = _row()
    row[part][field] = value
    model = {"vehicle": EbikeVehicle, "owner": Owner}[part]
    with pytest.raises(ValidationError) as raised:
        model(**row[part])
    assert code in {error["type"] for error in raised.value.errors()}
    found = check_ebike_registration(row["vehicle"], row["owner"], row["sale"], cert, on=ON)
    assert code in error_codes(found)


def test_warnings_do_not_block_construction_but_are_reported() -> None:
    row, cert = _row()
    row["vehicle"]["vehicle_code"] = cert.vehicle_code[:4] + "1" + cert.vehicle_code[5:]
    EbikeVehicle(**row["vehicle"])  # a warning only
    found = check_ebike_registration(row["vehicle"], row["owner"], row["sale"], cert, on=ON)
    assert errors_only(found) == [v for v in found if v.code == "vehicle.vehicle_code_mismatch"]
    assert "vehicle_code.kind_digit" in codes(found)
