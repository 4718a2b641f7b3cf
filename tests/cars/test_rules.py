"""The car rules: purchase tax at its bounds, plate kinds, station scope, safety test, selection."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

import pytest

from vehreg_sdk import rules
from vehreg_sdk.rules import (
    CarRuleConfig,
    EnergyType,
    PlateKind,
    PurchaseTaxRules,
    SizeClass,
    StationScope,
    check_car_registration,
    expected_plate_kind,
    expected_purchase_tax,
    size_class_of,
    validate_self_composed,
)
from vehreg_sdk.testing.people import fake_resident_id, fake_uscc


def fictional_id_number(seed: int, *, area: str = "320706") -> str:
    return fake_resident_id(random.Random(seed), date(1990, 5, 1), area=area)


def fictional_uscc(seed: int) -> str:
    return fake_uscc(random.Random(seed))


TODAY = date(2026, 11, 26)


# --------------------------------------------------------------------------- purchase tax


def test_base_is_price_over_1_13_rounded_half_up_and_tax_is_ten_percent() -> None:
    due = expected_purchase_tax(11_300_000, TODAY, "ICE")
    assert (due.base_fen, due.tax_fen, due.relief_fen, due.due_fen) == (
        10_000_000,
        1_000_000,
        0,
        1_000_000,
    )
    # 100.00 yuan incl. VAT: 88.495... yuan -> 8850 fen (half up), tax 885 fen.
    assert expected_purchase_tax(10_000, TODAY, "ICE").base_fen == 8850
    assert expected_purchase_tax(10_000, TODAY, "ICE").tax_fen == 885
    # The invoice's own price excluding VAT wins.
    assert expected_purchase_tax(
        11_300_000, TODAY, "ICE", price_excl_vat_fen=9_000_000
    ).tax_fen == (900_000)


def test_new_energy_exempt_through_2025_12_31_and_halved_from_2026_01_01() -> None:
    price = 22_600_000  # 200,000 yuan excl. VAT: tax 20,000 yuan
    last_exempt = expected_purchase_tax(price, date(2025, 12, 31), EnergyType.BEV)
    first_halved = expected_purchase_tax(price, date(2026, 1, 1), EnergyType.BEV)
    assert (last_exempt.relief_fen, last_exempt.due_fen) == (2_000_000, 0)
    assert last_exempt.expected_status == "exempt"
    assert last_exempt.relief_kind == "new_energy_exemption"
    assert (first_halved.relief_fen, first_halved.due_fen) == (1_000_000, 1_000_000)
    assert first_halved.expected_status == "reduced"
    before = expected_purchase_tax(price, date(2023, 12, 31), EnergyType.BEV)
    after = expected_purchase_tax(price, date(2028, 1, 1), EnergyType.BEV)
    assert before.relief_fen == after.relief_fen == 0


def test_the_cap_starts_to_bite_at_30000_yuan_of_tax() -> None:
    at_cap = expected_purchase_tax(33_900_000, date(2025, 6, 1), "PHEV")
    assert (at_cap.tax_fen, at_cap.relief_fen, at_cap.due_fen) == (3_000_000, 3_000_000, 0)
    above = expected_purchase_tax(33_900_010, date(2025, 6, 1), "PHEV")
    assert (above.tax_fen, above.relief_fen, above.due_fen) == (3_000_001, 3_000_000, 1)
    halved_cap = expected_purchase_tax(33_900_010, date(2026, 6, 1), "PHEV")
    assert (halved_cap.relief_fen, halved_cap.due_fen) == (1_500_000, 1_500_001)


def test_hybrids_without_a_plug_and_petrol_cars_pay_in_full() -> None:
    for energy in ("HEV", "ICE"):
        due = expected_purchase_tax(22_600_000, date(2025, 6, 1), energy)
        assert due.relief_fen == 0 and due.expected_status == "full"


def test_a_bus_bought_by_a_public_transport_company_is_exempt() -> None:
    bus = expected_purchase_tax(180_000_000, TODAY, "ICE", "bus", "public_transport")
    assert bus.due_fen == 0 and bus.relief_kind == "public_transport_exemption"
    other_buyer = expected_purchase_tax(180_000_000, TODAY, "ICE", "bus", "unit")
    assert other_buyer.due_fen == other_buyer.tax_fen


def test_uncertain_parts_are_configuration() -> None:
    bus = dict(vehicle_class="bus", buyer="unit")
    uncapped = expected_purchase_tax(226_000_000, date(2025, 6, 1), "BEV", **bus)  # type: ignore[arg-type]
    assert uncapped.due_fen == 0
    capped = expected_purchase_tax(
        226_000_000,
        date(2025, 6, 1),
        "BEV",
        rules=PurchaseTaxRules(cap_commercial_vehicles=True),
        **bus,  # type: ignore[arg-type]
    )
    assert capped.relief_fen == 3_000_000
    unlisted = expected_purchase_tax(
        22_600_000,
        date(2025, 6, 1),
        "BEV",
        rules=PurchaseTaxRules(in_nev_catalogue=lambda model: False),
    )
    assert unlisted.relief_fen == 0


# --------------------------------------------------------------------------- plates


@pytest.mark.parametrize(
    ("energy", "size", "kind"),
    [
        ("ICE", SizeClass.SMALL, PlateKind.SMALL),
        ("HEV", SizeClass.SMALL, PlateKind.SMALL),
        ("PHEV", SizeClass.SMALL, PlateKind.SMALL_NEW_ENERGY),
        ("EREV", SizeClass.SMALL, PlateKind.SMALL_NEW_ENERGY),
        ("BEV", SizeClass.SMALL, PlateKind.SMALL_NEW_ENERGY),
        ("FCEV", SizeClass.LARGE, PlateKind.LARGE_NEW_ENERGY),
        ("ICE", SizeClass.LARGE, PlateKind.LARGE),
    ],
)
def test_plate_kind_follows_energy_and_size(energy: str, size: SizeClass, kind: PlateKind) -> None:
    assert expected_plate_kind(energy, size) is kind


def test_size_class_by_type_seats_length_and_mass() -> None:
    assert size_class_of("K33", seats=5, length_mm=4800) is SizeClass.SMALL
    assert size_class_of("K31", seats=10) is SizeClass.LARGE
    assert size_class_of("K31", length_mm=6000) is SizeClass.LARGE
    assert size_class_of("H31", total_mass_kg=4495) is SizeClass.SMALL
    assert size_class_of("H31", total_mass_kg=4500) is SizeClass.LARGE
    assert size_class_of("K11") is SizeClass.LARGE
    assert size_class_of("Q11") is SizeClass.LARGE


def test_new_energy_letters() -> None:
    assert rules.new_energy_letter("BEV") == "D"
    assert rules.new_energy_letter("PHEV") == rules.new_energy_letter("FCEV") == "F"
    assert rules.new_energy_letter("HEV") is None


def test_self_composed_numbers() -> None:
    assert validate_self_composed("苏GA2345", "02") == []
    assert validate_self_composed("苏GD23456", "52", energy_type="BEV") == []
    codes = {v.code for v in validate_self_composed("苏GF23456", "52", energy_type="BEV")}
    assert codes == {"plate_number.energy_letter"}
    assert {v.code for v in validate_self_composed("苏GABC12", "02")} == {
        "plate_number.too_many_letters"
    }
    assert {v.code for v in validate_self_composed("苏GA8888", "02")} == {"plate_number.reserved"}
    assert {v.code for v in validate_self_composed("苏AA2345", "02")} == {"plate_number.authority"}
    assert {v.code for v in validate_self_composed("苏GAI234", "02")} == {"plate_number.format"}
    relaxed = rules.PlateSelectionRules(max_letters=3)
    assert validate_self_composed("苏GABC12", "02", rules=relaxed) == []


# --------------------------------------------------------------------------- registrations


def body(**changes: Any) -> dict[str, Any]:
    """A valid registration of a small petrol car for a local buyer."""
    data: dict[str, Any] = {
        "store_id": "st_demo",
        "vehicle": {
            "vin": "LSVAU218XN2183456",
            "certificate_number": "WLA0126000001",
            "origin": "domestic",
            "vehicle_type": "K33",
            "use_nature": "A",
            "fuel_type": "A",
            "energy_type": "ICE",
        },
        "owner": {
            "kind": "person",
            "name": "王晓明",
            "id_type": "A",
            "id_number": fictional_id_number(1),
            "mobile": "19900000001",
            "address": "江苏省连云港市海州区演示路 1 号",
        },
        "invoice": {"number": "04400001", "date": "2026-11-20", "price_fen": 15_000_000},
        "insurance": {
            "policy_number": "PDZA2026000001",
            "starts_on": "2026-11-20",
            "ends_on": "2027-11-19",
        },
        "plate": {"kind": "02", "source": "selection", "selection_id": "ps_1"},
    }
    for part, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(part), dict):
            data[part] = {**data[part], **value}
        else:
            data[part] = value
    return data


def codes(found: list[rules.Violation]) -> set[str]:
    return {v.code for v in found if v.is_error}


def test_a_valid_small_car_passes() -> None:
    vin = "LSVAU218XN2183456"
    assert rules.vin_check_digit(vin) == vin[8]
    assert codes(check_car_registration(body(), on=TODAY)) == set()


@pytest.mark.parametrize(
    ("use", "kind"),
    [("S", "K18"), ("R", "H14")],
    ids=["school bus", "dangerous-goods tanker"],
)
def test_school_bus_and_tanker_are_refused_at_the_station_with_routing(use: str, kind: str) -> None:
    unit = {
        "kind": "unit",
        "name": "连云港演示运输有限公司",
        "id_type": "N",
        "id_number": fictional_uscc(1),
        "mobile": "19900000002",
    }
    agent = {
        "name": "李建国",
        "id_type": "A",
        "id_number": fictional_id_number(2),
        "mobile": "19900000003",
        "authorisation_upload": "up_auth",
    }
    found = check_car_registration(
        body(
            vehicle={"vehicle_type": kind, "use_nature": use, "fuel_type": "B"},
            owner=unit,
            agent=agent,
            plate={"kind": "01"},
        ),
        on=TODAY,
    )
    refusal = [v for v in found if v.code == "station.not_eligible"]
    assert len(refusal) == 1, found
    where = refusal[0].extra["routing"]
    assert where["kind"] in ("vehicle_office_appointment", "onsite_inspection_request")
    assert "车管所" in where["message_zh"] and "vehicle office" in where["message"]
    assert codes(found) == {"station.not_eligible"}


def test_operating_and_out_of_scope_vehicles_are_refused_by_configurable_scope() -> None:
    taxi = check_car_registration(body(vehicle={"use_nature": "D"}), on=TODAY)
    assert "station.not_eligible" in codes(taxi)
    wide = CarRuleConfig(station=StationScope(use_natures=frozenset({"A", "D"})))
    assert "station.not_eligible" not in codes(
        check_car_registration(body(vehicle={"use_nature": "D"}), on=TODAY, config=wide)
    )


def test_imported_car_is_routed_not_told_about_certificates() -> None:
    found = check_car_registration(
        body(vehicle={"origin": "imported", "certificate_number": None}), on=TODAY
    )
    assert codes(found) == {"vehicle.imported"}
    assert found[-1].extra["routing"]["kind"] == "vehicle_office_import"


def test_non_local_buyer_is_pointed_to_a_temporary_plate() -> None:
    outsider = {"id_number": fictional_id_number(3, area="320102")}
    found = check_car_registration(body(owner=outsider), on=TODAY)
    (refusal,) = [v for v in found if v.code == "owner.not_local"]
    assert refusal.extra["routing"]["kind"] == "temporary_plate"
    assert "临时号牌" in refusal.extra["routing"]["message_zh"]
    permitted = body(owner={**outsider, "residence_permit_upload": "up_permit"})
    assert "owner.not_local" not in codes(check_car_registration(permitted, on=TODAY))


def test_plate_kind_insurance_invoice_and_certificate() -> None:
    assert "plate_kind.mismatch" in codes(
        check_car_registration(body(vehicle={"energy_type": "BEV", "fuel_type": "C"}), on=TODAY)
    )
    assert "insurance.not_covering" in codes(
        check_car_registration(body(insurance={"starts_on": "2026-11-27"}), on=TODAY)
    )
    assert "invoice.date_future" in codes(
        check_car_registration(body(invoice={"date": "2026-11-27"}), on=TODAY)
    )
    assert "vehicle.fuel_energy_mismatch" in codes(
        check_car_registration(body(vehicle={"fuel_type": "C"}), on=TODAY)
    )
    certificate = {"vin": "LSVAU218XN2183456", "vehicle_type": "K32", "fuel_type": "A"}
    found = check_car_registration(body(), certificate, on=TODAY)
    assert [v.field for v in found if v.code == "certificate.mismatch"] == ["vehicle.vehicle_type"]


def test_unknown_ga24_codes() -> None:
    found = check_car_registration(
        body(vehicle={"vehicle_type": "K3Z", "use_nature": "Y", "fuel_type": "W"}), on=TODAY
    )
    assert {"vehicle_type.unknown", "use_nature.unknown", "fuel_type.unknown"} <= codes(found)


def test_use_nature_against_owner_type() -> None:
    found = check_car_registration(
        body(vehicle={"use_nature": "C", "vehicle_type": "K11"}, plate={"kind": "01"}), on=TODAY
    )
    assert "owner.unit_required" in codes(found)


def test_tax_record_unpaid_is_an_error_and_a_difference_a_warning() -> None:
    unpaid = check_car_registration(body(), on=TODAY, tax={"status": "unpaid"})
    assert "tax.unpaid" in codes(unpaid)
    differs = check_car_registration(body(), on=TODAY, tax={"status": "paid", "paid_fen": 1})
    (warning,) = [v for v in differs if v.code == "tax.amount_differs"]
    assert warning.severity == "warning" and warning.allowed == 1_327_434
    exact = check_car_registration(body(), on=TODAY, tax={"status": "paid", "paid_fen": 1_327_434})
    assert exact == []


def test_safety_test_exemption() -> None:
    car = {"use_nature": "A", "vehicle_type": "K33"}
    made = {"manufacture_date": "2025-01-10"}
    assert rules.car_safety_test(car, made, TODAY) == "exempt"
    assert rules.car_safety_test(car, {"manufacture_date": "2024-11-25"}, TODAY) == "required"
    assert rules.car_safety_test({**car, "vehicle_type": "K39"}, made, TODAY) == "required"
    assert rules.car_safety_test({**car, "use_nature": "G"}, made, TODAY) == "required"


def test_rules_never_raise_on_garbage() -> None:
    for junk in (
        None,
        3,
        "x",
        {"vehicle": 5, "owner": [1], "plate": "02"},
        {"vehicle": {"vin": b"\x00"}},
    ):
        assert isinstance(check_car_registration(junk, junk, on=TODAY, tax=junk), list)


def test_car_parties_are_masked_in_repr_and_errors() -> None:
    from vehreg_sdk import LocalValidationError
    from vehreg_sdk.resources._car_submit import build_create
    from vehreg_sdk.types import Agent, CarOwner

    id_number = fictional_id_number(5)
    owner = CarOwner(
        name="王晓明",
        id_number=id_number,
        mobile="19912345678",
        address="连云港市海州区演示路 5 号",
    )
    agent = Agent(
        name="李建国",
        id_number=fictional_id_number(6),
        mobile="19987654321",
        authorisation_upload="up_1",
    )
    for party, raw in ((owner, id_number), (agent, agent.id_number)):
        text = repr(party)
        assert raw not in text and "晓明" not in text and "19912345678" not in text
    refused = body(owner={"id_number": fictional_id_number(7, area="320102")})
    with pytest.raises(LocalValidationError) as error:
        build_create(refused, on=TODAY)
    assert fictional_id_number(7, area="320102") not in str(error.value)


def test_plate_size_is_left_to_the_bureau_until_the_certificate_gives_the_figures() -> None:
    """A 19-seat K38 school bus takes a large plate (GA 36: 10 seats or more); its type alone
    reads small. Without the certificate the till accepts either size of the right energy;
    with it, the size is checked, and the energy always is."""
    bus = {"vehicle_type": "K38"}
    without = check_car_registration(
        body(vehicle=bus, plate={"kind": "01", "source": "sequence"}), on=TODAY
    )
    assert "plate_kind.mismatch" not in codes(without)
    green = check_car_registration(
        body(vehicle=bus, plate={"kind": "51", "source": "sequence"}), on=TODAY
    )
    assert "plate_kind.mismatch" in codes(green)
    certificate = {"vin": "LSVAU218XN2183456", "vehicle_type": "K38", "fuel_type": "A", "seats": 19}
    large = body(vehicle=bus, plate={"kind": "01", "source": "sequence"})
    assert "plate_kind.mismatch" not in codes(check_car_registration(large, certificate, on=TODAY))
    small = body(vehicle=bus, plate={"kind": "02", "source": "sequence"})
    refused = [
        v
        for v in check_car_registration(small, certificate, on=TODAY)
        if v.code == "plate_kind.mismatch"
    ]
    assert refused and refused[0].allowed == "01"


@pytest.mark.parametrize("written", [20261120, 1763568000, "2026-13-40", True])
def test_an_invoice_date_that_is_not_a_date_is_a_format_error_not_missing(written: object) -> None:
    found = [v for v in check_car_registration(body(invoice={"date": written}), on=TODAY)
             if v.field == "invoice.date"]  # fmt: skip
    assert [v.code for v in found] == ["invoice.date_format"]
    assert "YYYY-MM-DD" in found[0].message and "YYYY-MM-DD" in found[0].message_zh


def test_a_missing_invoice_date_is_still_required() -> None:
    found = check_car_registration(body(invoice={"date": None}), on=TODAY)
    assert "invoice.date_required" in codes(found)
