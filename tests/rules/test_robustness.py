"""No input, however malformed, makes a rule raise: it returns violations (or ``None``).

Wrong types, control characters, lone surrogates, huge strings, duck-typed
objects whose properties raise: every public validator and check is fed them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vehreg_sdk import rules
from vehreg_sdk.rules import Violation

ON = date(2025, 10, 15)

# Characters that break naive code: controls, surrogates, full-width forms, digits, letters.
nasty_text = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Cs", "Co", "Zs", "Nd", "Lu", "Ll", "Lo", "Po"]),
    max_size=40,
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=20),
    nasty_text,
    st.dates(),
)
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)

SINGLE_VALUE_VALIDATORS = [
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
]
FIELD_NAMES = [
    "vehicle_code", "motor_code", "product_model", "battery_chemistry", "battery_voltage_v",
    "measured", "max_speed_kmh", "mass_kg", "name", "id_type", "id_number", "mobile", "address",
    "guardian", "consent", "invoice_number", "invoice_date", "model", "standard", "ccc", "number",
    "state", "expiry", "manufacture_date", "pedals", "beidou",
]  # fmt: skip
duck = st.recursive(
    st.dictionaries(st.sampled_from(FIELD_NAMES), scalars, max_size=8),
    lambda inner: st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=6),
    max_leaves=20,
)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_violations(result: Any) -> None:
    assert isinstance(result, list)
    for item in result:
        assert isinstance(item, Violation)
        assert item.code and item.message and item.message_zh
        assert item.severity in ("error", "warning")


@pytest.mark.parametrize("validator", SINGLE_VALUE_VALIDATORS, ids=lambda f: f.__name__)
@fast
@given(value=anything)
def test_single_value_validators_never_raise(validator: Any, value: object) -> None:
    _assert_violations(validator(value))


@fast
@given(id_type=anything, id_number=anything)
def test_id_document_never_raises(id_type: object, id_number: object) -> None:
    _assert_violations(rules.validate_id_document(id_type, id_number, ON))


@fast
@given(value=anything, kind=anything)
def test_plate_never_raises(value: object, kind: object) -> None:
    _assert_violations(rules.validate_plate(value, kind))


@fast
@given(number=anything, start=anything, end=anything, insured=anything, situation=anything)
def test_temporary_plate_never_raises(
    number: object, start: object, end: object, insured: object, situation: object
) -> None:
    result = rules.validate_temporary_plate(
        number,
        valid_from=start,
        valid_to=end,
        insurance_end=insured,
        situation=situation,  # type: ignore[arg-type]
    )
    _assert_violations(result)


@fast
@given(text=anything, use=anything, kind=anything, who=anything)
def test_parsers_and_classifiers_never_raise(
    text: object, use: object, kind: object, who: object
) -> None:
    assert rules.parse_certificate_qr(text) is None or len(rules.parse_certificate_qr(text)) == 15
    assert rules.classify_key_vehicle(use, kind) in (None, *rules.KeyVehicleClass)
    age = rules.age_on(who, ON)
    assert age is None or isinstance(age, int)


@fast
@given(vehicle=duck, owner=duck, sale=duck, certificate=st.one_of(st.none(), duck))
def test_whole_registration_check_never_raises(
    vehicle: object, owner: object, sale: object, certificate: object
) -> None:
    _assert_violations(rules.check_ebike_registration(vehicle, owner, sale, certificate, on=ON))
    _assert_violations(rules.check_ebike_sale(vehicle, certificate, sale))
    _assert_violations(rules.check_owner(owner, ON))


class _Hostile:
    """An object whose every attribute access fails in a different way."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("m"):
            raise RuntimeError(name)
        if name.startswith("i"):
            raise KeyError(name)
        return _Hostile()


def test_hostile_objects() -> None:
    hostile = _Hostile()
    _assert_violations(rules.check_ebike_registration(hostile, hostile, hostile, hostile, on=ON))


@pytest.mark.parametrize("validator", SINGLE_VALUE_VALIDATORS, ids=lambda f: f.__name__)
def test_ten_megabyte_strings_are_rejected_quickly(validator: Any) -> None:
    huge = "1" * 10_000_000
    (found,) = validator(huge)
    assert found.code.endswith(".format")
    assert rules.parse_certificate_qr(huge) is None


def test_lone_surrogates_are_dropped_by_normalisation() -> None:
    assert rules.validate_vehicle_code("117321900000243\ud800") == []
    assert rules.validate_mobile("\udfff13812341234") == []


@fast
@given(value=st.one_of(anything, st.datetimes(), st.datetimes(timezones=st.timezones())))
def test_date_reading_never_raises(value: object) -> None:
    day = rules.read_date(value)
    assert day is None or day is rules.UNREADABLE or isinstance(day, date)


@fast
@given(value=anything)
def test_chemistry_reading_never_raises(value: object) -> None:
    assert rules.battery_chemistry(value) in (None, "lithium", "lead_acid", "other", "unrecognised")


@fast
@given(value=anything, on=st.one_of(st.dates(), st.datetimes(timezones=st.timezones())))
def test_age_and_owner_never_raise_on_any_date(value: object, on: object) -> None:
    age = rules.age_on(value, on)
    assert age is None or isinstance(age, int)
    _assert_violations(rules.check_owner({"id_number": value}, on))
    _assert_violations(rules.validate_resident_id(value, on))


@fast
@given(value=anything)
def test_masks_never_raise(value: object) -> None:
    from vehreg_sdk import privacy

    for mask in (
        privacy.mask_id_number,
        privacy.mask_mobile,
        privacy.mask_name,
        privacy.mask_address,
        privacy.mask_text,
    ):
        assert isinstance(mask(value), str)
