"""The fast paths give exactly what the full checks give.

``check_ebike_registration`` decides the common case (clean values, nothing to
report) in one pass (``registration._nothing_to_report``) and memoises the
judgement of a catalogue model and battery (``sale._JUDGED``); the models skip
work for clean input and leave stripping to their own validators. None of this
may change a result: every test here compares a fast path with the full one,
on many generated rows, clean and broken, as typed models and as plain dicts.
Violations are compared by ``repr``, so ``60`` and ``60.0`` count as different.
"""

from __future__ import annotations

import copy
import enum
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from vehreg_sdk.rules import (
    check_ebike_registration,
    check_ebike_sale,
    people,
    registration,
    sale,
    validate_vehicle_code,
)
from vehreg_sdk.rules._text import normalize, normalize_code
from vehreg_sdk.testing import fake_certificate, fake_ebike_model, fake_sale_row
from vehreg_sdk.types import BatteryChemistry, EbikeVehicle, Owner, Sale
from vehreg_sdk.types import ebike_registrations as models

from .conftest import resident_id
from .ebike_fixtures import certificate, model, vehicle

DAYS = [date(2025, 10, 15), date(2025, 11, 21), date(2025, 12, 15), date(2026, 3, 1)]

# Values a clerk, a scanner or a careless integrator may put in any field.
ODD_VALUES: list[Any] = [
    " x ",
    "\u3000白\u3000",
    "ＡＢＣ１２３",
    "abc",
    "",
    " ",
    "a\x00b",
    "白\u200b",
    "x" * 65,
    "x" * 300,
    "ß",
    "\ud800",
    " A ",
    "a",
    "N",
    "Q",
    "+8613812341234",
    "138-1234-1234",
    "12812341234",
    b" by ",
    b"\xff",
    None,
    5,
    5.0,
    True,
    float("nan"),
    ["x"],
]
VOLTAGES: list[Any] = [48, 48.0, 60, 60.0, 48.04, 48.1, True, float("inf"), "48", None]
DATES: list[Any] = [
    date(2025, 11, 20),
    date(2025, 11, 22),
    date(2025, 12, 1),
    "2025-11-20",
    None,
    datetime(2025, 11, 20, 23, 0, tzinfo=UTC),
]


def _codes(rng: random.Random) -> list[str]:
    base = "".join(rng.choice("0123456789") for _ in range(15))
    return [
        base,
        base[:4] + "1" + base[5:],  # kind digit: a warning
        base[:5] + "26" + base[7:],  # a future year on some days
        base[:5] + "99" + base[7:],
        " " + base + " ",
        base[:14],
        "１" + base[1:],
        "AB-12",
        "ab-12",
        "-AB",
        "A" * 33,
    ]


def _ids(rng: random.Random) -> list[str]:
    area = rng.choice(["320700", "110105", "999999"])  # 999999: unknown area, a warning
    born = rng.choice(["19761003", "20100101", "20121121", "20251122", "17991231", "20000229"])
    good = resident_id(area + born + f"{rng.randrange(1000):03d}")
    return [good, good.lower(), " " + good + " ", good[:17], good[:-1] + "0", "91110000600037341L"]


def _broken(rng: random.Random, row: dict[str, Any]) -> dict[str, Any]:
    """``row`` with one field replaced by something odd (or removed)."""
    row = copy.deepcopy(row)
    part, name = rng.choice(
        [
            ("vehicle", "vehicle_code"),
            ("vehicle", "motor_code"),
            ("vehicle", "product_model"),
            ("vehicle", "battery_chemistry"),
            ("vehicle", "battery_voltage_v"),
            ("owner", "name"),
            ("owner", "id_type"),
            ("owner", "id_number"),
            ("owner", "mobile"),
            ("owner", "address"),
            ("owner", "guardian"),
            ("sale", "invoice_number"),
            ("sale", "invoice_date"),
        ]
    )
    if name == "battery_voltage_v":
        value: Any = rng.choice(VOLTAGES)
    elif name == "battery_chemistry":
        value = rng.choice(["lithium", "lead_acid", BatteryChemistry.LEAD_ACID, "x", None])
    elif name == "invoice_date":
        value = rng.choice(DATES)
    elif name == "guardian":
        value = rng.choice(
            [
                {
                    "name": "王芳",
                    "id_number": resident_id("32070619800101001"),
                    "mobile": "13812341234",
                },
                {"name": "王", "id_number": rng.choice(_ids(rng)), "mobile": "13812341234"},
            ]
        )
    else:
        value = rng.choice(ODD_VALUES + _codes(rng) + _ids(rng))
    if rng.random() < 0.1:
        row[part].pop(name, None)
    else:
        row[part][name] = value
    return row


def _rows(count: int, seed: int) -> Iterator[tuple[dict[str, Any], Any, date]]:
    """Generated rows (about half broken somewhere), their certificates and a check day."""
    rng = random.Random(seed)
    catalogue = [
        fake_ebike_model(
            rng,
            "GB17761-2024" if i % 4 else "GB17761-2018",
            chemistry=BatteryChemistry.LEAD_ACID if i % 3 == 0 else BatteryChemistry.LITHIUM,
        )
        for i in range(6)
    ]
    for _ in range(count):
        bike_model = rng.choice(catalogue)
        made = date(2025, 10, 1) if bike_model.standard == "GB17761-2024" else date(2025, 6, 1)
        cert: Any = fake_certificate(rng, bike_model, made)
        row = fake_sale_row(rng, cert, sold_on=date(2025, 11, 20))
        for _ in range(rng.choice([0, 0, 1, 2])):
            row = _broken(rng, row)
        if rng.random() < 0.2:
            cert = None
        elif rng.random() < 0.2:
            cert = cert.model_dump()  # a plain-dict certificate
        yield row, cert, rng.choice(DAYS)


def _typed(row: dict[str, Any]) -> tuple[EbikeVehicle, Owner, Sale] | None:
    try:
        return EbikeVehicle(**row["vehicle"]), Owner(**row["owner"]), Sale(**row["sale"])
    except ValidationError:
        return None


def _full(*args: Any, **kwargs: Any) -> list[str]:
    """``check_ebike_registration`` with the one-pass shortcut off and no memo."""
    original = registration._nothing_to_report
    registration._nothing_to_report = lambda *_: False
    sale._JUDGED.clear()
    try:
        return [repr(v) for v in check_ebike_registration(*args, **kwargs)]
    finally:
        registration._nothing_to_report = original
        sale._JUDGED.clear()


def _fast(*args: Any, **kwargs: Any) -> list[str]:
    return [repr(v) for v in check_ebike_registration(*args, **kwargs)]


def test_the_fast_paths_agree_with_the_full_checks_on_generated_rows() -> None:
    fast_taken = 0
    for row, cert, on in _rows(1500, seed=20251120):
        parts = (row["vehicle"], row["owner"], row["sale"])
        assert _fast(*parts, cert, on=on) == _full(*parts, cert, on=on)
        typed = _typed(row)
        if typed is not None:
            found = _fast(*typed, cert, on=on)
            assert found == _full(*typed, cert, on=on)
            fast_taken += not found
    assert fast_taken > 300  # the clean rows did take the fast path


def test_typed_models_and_their_dicts_give_the_same_violations() -> None:
    for row, cert, on in _rows(600, seed=7):
        typed = _typed(row)
        if typed is None:
            continue
        as_dicts = [dict(part.__dict__) for part in typed]
        assert _fast(*typed, cert, on=on) == _fast(*as_dicts, cert, on=on)


def test_a_model_changed_behind_validation_is_checked_again() -> None:
    rng = random.Random(3)
    for row, cert, on in _rows(300, seed=11):
        typed = _typed(row)
        if typed is None:
            continue
        bike, owner, sold = typed
        object.__setattr__(owner, "id_number", rng.choice(_ids(rng)))
        object.__setattr__(bike, "motor_code", rng.choice(_codes(rng)))
        assert _fast(bike, owner, sold, cert, on=on) == _full(bike, owner, sold, cert, on=on)
        copied = owner.model_copy(update={"mobile": rng.choice(ODD_VALUES[:18])})
        assert _fast(bike, copied, sold, cert, on=on) == _full(bike, copied, sold, cert, on=on)


def test_the_memo_tells_equal_values_of_different_types_apart() -> None:
    # 60 == 60.0 and 0 == False as dict keys, but not to the rules or in a violation.
    on = date(2025, 11, 1)
    for first, then in [(60.0, 60), (60, 60.0), (True, 1), (1, True)]:
        for value in (first, then):
            cert = certificate(model(battery_voltage_v=value))
            found = [repr(v) for v in check_ebike_sale(vehicle(cert), cert, on)]
            sale._JUDGED.clear()
            assert found == [repr(v) for v in check_ebike_sale(vehicle(cert), cert, on)]
    for first, then in [(False, 0), (0, False)]:
        results = []
        for value in (first, then):
            cert = certificate(model("GB17761-2018", pedals=value), made=date(2025, 6, 1))
            results.append([v.code for v in check_ebike_sale(vehicle(cert), cert, on)])
        expected = [["ebike.pedals_required"] if value is False else [] for value in (first, then)]
        assert results == expected


@pytest.mark.parametrize("on", [None, *DAYS, date(2030, 1, 1)])
def test_the_clean_vehicle_code_shortcut_matches_the_full_check(on: date | None) -> None:
    for kind in "0123456789":
        for year in range(100):
            code = f"3201{kind}{year:02d}00000001"
            slow = validate_vehicle_code(f" {code} ", on=on)  # not clean: the full path
            assert [(v.code, v.value) for v in validate_vehicle_code(code, on=on)] == [
                (v.code, v.value) for v in slow
            ]


def test_the_birth_date_arithmetic_matches_birth_date_of() -> None:
    rng = random.Random(5)
    for year in [*range(1795, 1805), 1900, 1996, 2000, 2023, 2024, 2100, 2400, 0, 9999]:
        for month in range(14):
            for day in range(33):
                number = resident_id(
                    f"320700{year:04d}{month:02d}{day:02d}{rng.randrange(1000):03d}"
                )
                born = people.birth_date_of(number)
                expected = None if born is None or born.year < 1800 else int(number[6:14])
                assert people._id_facts(number)[0] == expected, number


class _Colour(enum.Enum):
    WHITE = " 白 "


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        (b" \xe7\x99\xbd\t", "白"),  # bytes: decoded and stripped, as pydantic's strip did
        (bytearray(b"\xe3\x80\x80x "), "x"),
        (_Colour.WHITE, "白"),
        (" 白 ", "白"),
        ("\u3000白\u200b", "白"),
    ],
)
def test_text_fields_are_stripped_without_pydantics_strip(value: Any, kept: str) -> None:
    cert = certificate()
    bike = EbikeVehicle(**{**vehicle(cert), "color": value})
    assert bike.color == kept


def test_undecodable_bytes_are_still_reported_by_pydantic() -> None:
    cert = certificate()
    with pytest.raises(ValidationError) as raised:
        EbikeVehicle(**{**vehicle(cert), "color": b"\xff"})
    assert [e["type"] for e in raised.value.errors()] == ["string_unicode"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text())
def test_the_field_normalisers_are_normalize_and_normalize_code(text: str) -> None:
    assert models._text_field(text) == normalize(text)
    assert models._code_field(text) == normalize_code(text)
    for result in (models._text_field(text), models._code_field(text)):
        assert result == result.strip(models._WHITE_SPACE)  # nothing left for pydantic to strip
