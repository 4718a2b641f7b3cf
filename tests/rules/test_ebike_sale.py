"""Standard selection, the sale-date rules, CCC, and bike-versus-certificate checks."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vehreg_sdk.rules import (
    GB17761_2018,
    GB17761_2024,
    RuleConfig,
    check_ebike_sale,
    select_standard,
)

from .conftest import codes, error_codes
from .ebike_fixtures import STANDARD_2018, STANDARD_2024, certificate, model, vehicle


def _sale(standard: str, made: date, sold: date, **model_changes: Any) -> list[Any]:
    cert = certificate(model(standard, **model_changes), made=made)
    return check_ebike_sale(vehicle(cert), cert, sold)


class TestSaleDates:
    """GB 17761-2024 in force 2025-09-01; 2018 stock sellable until 2025-11-30 (§1.1)."""

    @pytest.mark.parametrize(
        ("made", "sold", "expected"),
        [
            (date(2025, 8, 31), date(2025, 8, 31), set()),
            (date(2025, 8, 31), date(2025, 11, 30), set()),
            (date(2025, 8, 31), date(2025, 12, 1), {"ebike.standard_not_sellable"}),
            (date(2024, 3, 1), date(2026, 1, 5), {"ebike.standard_not_sellable"}),
            (date(2025, 9, 1), date(2025, 9, 1), {"ebike.standard_superseded"}),
            (
                date(2025, 9, 1),
                date(2025, 12, 1),
                {"ebike.standard_superseded", "ebike.standard_not_sellable"},
            ),
        ],
    )
    def test_2018_standard_bike(self, made: date, sold: date, expected: set[str]) -> None:
        assert error_codes(_sale(STANDARD_2018, made, sold)) == expected

    @pytest.mark.parametrize(
        ("made", "sold"),
        [
            (date(2025, 9, 1), date(2025, 9, 1)),
            (date(2025, 9, 1), date(2025, 12, 1)),
            (date(2025, 11, 30), date(2029, 12, 31)),  # the last day of the CCC
            (date(2025, 6, 1), date(2025, 6, 2)),  # built to the new standard early: allowed
        ],
    )
    def test_2024_standard_bike_is_sellable(self, made: date, sold: date) -> None:
        assert _sale(STANDARD_2024, made, sold) == []

    def test_sold_before_it_was_made(self) -> None:
        found = _sale(STANDARD_2024, date(2025, 10, 2), date(2025, 10, 1))
        assert codes(found) == ["sale.before_manufacture"]

    def test_missing_sale_date(self) -> None:
        cert = certificate()
        assert "invoice_date.required" in codes(check_ebike_sale(vehicle(cert), cert, None))

    def test_a_city_may_extend_the_sell_off(self) -> None:
        from dataclasses import replace

        extended = RuleConfig().with_standard(
            replace(GB17761_2018, sellable_until=date(2026, 6, 30))
        )
        cert = certificate(model(STANDARD_2018), made=date(2025, 8, 1))
        assert check_ebike_sale(vehicle(cert), cert, date(2026, 6, 30), config=extended) == []
        assert codes(check_ebike_sale(vehicle(cert), cert, date(2026, 7, 1), config=extended)) == [
            "ebike.standard_not_sellable"
        ]


class TestStandardSelection:
    def test_the_certified_standard_decides(self) -> None:
        ruleset, found = select_standard(certificate(model(STANDARD_2018), made=date(2025, 1, 1)))
        assert (ruleset, found) == (GB17761_2018, [])

    @pytest.mark.parametrize(
        ("made", "expected"), [(date(2025, 8, 31), GB17761_2018), (date(2025, 9, 1), GB17761_2024)]
    )
    def test_unknown_standard_falls_back_to_the_one_in_force(
        self, made: date, expected: Any
    ) -> None:
        ruleset, found = select_standard(certificate(model("GB17761-2099"), made=made))
        assert ruleset is expected
        assert codes(found) == ["ebike.standard_unknown"]

    def test_unknown_standard_still_checks_limits(self) -> None:
        found = _sale("", date(2025, 10, 1), date(2025, 10, 2), max_speed_kmh=30, beidou=True)
        assert error_codes(found) == {"ebike.standard_unknown", "ebike.max_speed_exceeded"}

    def test_without_a_certificate_the_standard_in_force_on_the_sale_date(self) -> None:
        assert select_standard(None, date(2025, 8, 31)) == (GB17761_2018, [])
        assert select_standard(None, date(2025, 9, 1)) == (GB17761_2024, [])


class TestCcc:
    @pytest.mark.parametrize(
        ("state", "code"),
        [
            ("suspended", "ccc.suspended"),
            ("暂停", "ccc.suspended"),
            ("revoked", "ccc.revoked"),
            ("撤销", "ccc.revoked"),
            ("cancelled", "ccc.cancelled"),
            ("注销", "ccc.cancelled"),
            ("expired", "ccc.expired"),
            ("过期", "ccc.expired"),
            ("lost", "ccc.state_unknown"),
        ],
    )
    def test_state(self, state: str, code: str) -> None:
        ccc = {"number": "2024011119123456", "state": state, "expiry": date(2029, 1, 1)}
        assert codes(_sale(STANDARD_2024, date(2025, 10, 1), date(2025, 10, 2), ccc=ccc)) == [code]

    @pytest.mark.parametrize("state", ["valid", "有效", " Valid "])
    def test_valid_state(self, state: str) -> None:
        ccc = {"number": "2024011119123456", "state": state, "expiry": date(2029, 1, 1)}
        assert _sale(STANDARD_2024, date(2025, 10, 1), date(2025, 10, 2), ccc=ccc) == []

    def test_expiry_against_the_sale_date(self) -> None:
        ccc = {"number": "2024011119123456", "state": "valid", "expiry": date(2025, 10, 2)}
        assert _sale(STANDARD_2024, date(2025, 10, 1), date(2025, 10, 2), ccc=ccc) == []
        found = _sale(STANDARD_2024, date(2025, 10, 1), date(2025, 10, 3), ccc=ccc)
        assert [(v.code, v.field) for v in found] == [
            ("ccc.expired", "certificate.model.ccc.expiry")
        ]

    def test_bad_ccc_number(self) -> None:
        ccc = {"number": "20240111", "state": "valid", "expiry": date(2029, 1, 1)}
        found = _sale(STANDARD_2024, date(2025, 10, 1), date(2025, 10, 2), ccc=ccc)
        assert [(v.code, v.field) for v in found] == [
            ("ccc_number.format", "certificate.model.ccc.number")
        ]

    def test_missing_ccc(self) -> None:
        found = _sale(STANDARD_2024, date(2025, 10, 1), date(2025, 10, 2), ccc=None)
        assert codes(found) == ["ccc.missing"]
        # Before CCC became mandatory (2019-04-15) a bike without one is fine.
        assert _sale(STANDARD_2018, date(2019, 4, 14), date(2019, 5, 1), ccc=None) == []


class TestBikeAgainstCertificate:
    @pytest.mark.parametrize(
        ("field", "value", "code"),
        [
            ("vehicle_code", "117322500000244", "vehicle.vehicle_code_mismatch"),
            ("motor_code", "DJ24A0123457", "vehicle.motor_code_mismatch"),
            ("product_model", "TDT9999Z", "vehicle.product_model_mismatch"),
            ("battery_chemistry", "lead_acid", "vehicle.battery_chemistry_mismatch"),
            ("battery_voltage_v", 36, "vehicle.battery_voltage_mismatch"),
        ],
    )
    def test_mismatch(self, field: str, value: object, code: str) -> None:
        cert = certificate()
        (found,) = check_ebike_sale(vehicle(cert, **{field: value}), cert, date(2025, 10, 2))
        assert (found.code, found.field, found.severity) == (code, f"vehicle.{field}", "error")

    def test_codes_compare_after_normalisation(self) -> None:
        cert = certificate()
        bike = vehicle(cert, motor_code=" dj24a0123456 ", product_model="ｔｄｔ1234ｚ")
        assert check_ebike_sale(bike, cert, date(2025, 10, 2)) == []

    @pytest.mark.parametrize(
        ("attribute", "certified", "tolerance"),
        [
            ("max_speed_kmh", 25, 1.0),
            ("mass_kg", 50, 1.5),
            ("length_mm", 1700, 20),
            ("width_mm", 420, 20),
            ("height_mm", 1050, 20),
            ("wheel_centre_distance_mm", 1200, 20),
            ("saddle_height_mm", 700, 20),
            ("saddle_length_mm", 300, 10),
        ],
    )
    def test_measured_against_certificate_beyond_tolerance_is_a_warning(
        self, attribute: str, certified: float, tolerance: float
    ) -> None:
        cert = certificate()

        def judged(value: float) -> list[Any]:
            bike = vehicle(cert, measured={attribute: value})
            return check_ebike_sale(bike, cert, date(2025, 10, 2))

        assert judged(certified - tolerance) == []
        (found,) = judged(certified - tolerance - 0.5)
        assert (found.code, found.severity) == ("ebike.measured_mismatch", "warning")
        assert found.field == f"vehicle.measured.{attribute}"

    def test_tolerances_are_configuration(self) -> None:
        strict = RuleConfig(measured_tolerance={"mass_kg": 0.1})
        cert = certificate()
        bike = vehicle(cert, measured={"mass_kg": 50.5, "length_mm": 1800})
        assert codes(check_ebike_sale(bike, cert, date(2025, 10, 2), config=strict)) == [
            "ebike.measured_mismatch"
        ]


class TestCityOverrides:
    def test_a_limit_can_be_changed_and_made_a_warning(self) -> None:
        config = RuleConfig().with_standard(
            GB17761_2024.with_limit("width_mm", 400, severity="error")
        )
        cert = certificate(model(STANDARD_2024, width_mm=420))
        (found,) = check_ebike_sale(vehicle(cert), cert, date(2025, 10, 2), config=config)
        assert (found.code, found.severity) == ("ebike.width_exceeded", "error")

    def test_a_limit_can_be_dropped(self) -> None:
        config = RuleConfig().with_standard(GB17761_2024.without_limit("plastics_share_pct"))
        cert = certificate(model(STANDARD_2024, plastics_share_pct=9))
        assert check_ebike_sale(vehicle(cert), cert, date(2025, 10, 2), config=config) == []

    def test_unknown_limit_cannot_be_overridden(self) -> None:
        with pytest.raises(KeyError):
            GB17761_2018.with_limit("plastics_share_pct", 5)

    def test_the_defaults_are_not_changed_by_an_override(self) -> None:
        GB17761_2024.with_limit("max_speed_kmh", 20)
        assert GB17761_2024.limit("max_speed_kmh").bound == 25  # type: ignore[union-attr]


def test_judging_the_same_model_twice_gives_the_same_answer_and_fresh_lists() -> None:
    cert = certificate(model(STANDARD_2024, max_speed_kmh=30))
    first = check_ebike_sale(vehicle(cert), cert, date(2025, 10, 2))
    first.clear()
    second = check_ebike_sale(vehicle(cert), cert, date(2025, 10, 2))
    assert codes(second) == ["ebike.max_speed_exceeded"]


def test_pydantic_certificate_and_model_objects_work() -> None:
    from vehreg_sdk.types import EbikeCertificate

    data = certificate(model(STANDARD_2024, brand="b", maker="m"), brand="b", maker="m", color="白")
    cert = EbikeCertificate.model_validate(data)
    assert check_ebike_sale(vehicle(certificate()), cert, date(2025, 10, 2)) == []
