"""``vehreg_sdk.testing``: reproducible fictional data that passes the rules."""

from __future__ import annotations

import random
from datetime import date

from vehreg_sdk import rules
from vehreg_sdk.rules import PlateKind
from vehreg_sdk.testing import (
    fake_ccc_number,
    fake_ebike_plate,
    fake_mobile,
    fake_motor_code,
    fake_name,
    fake_plate,
    fake_resident_id,
    fake_uscc,
    fake_vehicle_code,
    fake_vin,
)


def test_same_seed_same_data() -> None:
    first = [
        fake_resident_id(random.Random(5)),
        fake_vin(random.Random(5)),
        fake_name(random.Random(5)),
    ]
    again = [
        fake_resident_id(random.Random(5)),
        fake_vin(random.Random(5)),
        fake_name(random.Random(5)),
    ]
    assert first == again


def test_generated_values_pass_their_rules() -> None:
    rng = random.Random(99)
    on = date(2025, 10, 1)
    for _ in range(200):
        assert rules.validate_resident_id(fake_resident_id(rng), on) == []
        assert rules.validate_resident_id(fake_resident_id(rng, date(2010, 2, 28)), on) == []
        assert rules.validate_uscc(fake_uscc(rng)) == []
        assert rules.validate_vin(fake_vin(rng)) == []
        assert rules.validate_mobile(fake_mobile(rng)) == []
        assert rules.validate_name(fake_name(rng)) == []
        assert rules.validate_vehicle_code(fake_vehicle_code(rng, year=2025), on=on) == []
        assert rules.validate_motor_code(fake_motor_code(rng)) == []
        assert rules.validate_ccc_number(fake_ccc_number(rng), on=on) == []
        assert rules.validate_ebike_plate(fake_ebike_plate(rng)) == []
        for kind in (PlateKind.SMALL, PlateKind.SMALL_NEW_ENERGY, PlateKind.LARGE_NEW_ENERGY):
            assert rules.validate_plate(fake_plate(rng, kind), kind) == []


def test_birth_date_is_honoured() -> None:
    number = fake_resident_id(random.Random(1), date(2008, 2, 29))
    assert number[6:14] == "20080229"
    assert rules.age_on(number, date(2025, 10, 1)) == 17
