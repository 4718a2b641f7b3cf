"""A standard's name and a battery chemistry, however written; never judged as another."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from vehreg_sdk.rules import battery_chemistry, check_ebike_sale, select_standard

from .conftest import codes
from .ebike_fixtures import STANDARD_2018, STANDARD_2024, certificate, model, vehicle

SOLD = date(2025, 10, 15)


def _written(standard: str, written: str) -> dict[str, Any]:
    """A catalogue model of ``standard`` whose name is printed as ``written``."""
    return {**model(standard), "standard": written}


class TestStandardAsPrinted:
    @pytest.mark.parametrize(
        "written",
        [
            "GB 17761-2024",
            " GB17761-2024 ",
            "gb17761-2024",
            "GB 17761—2024",
            "ＧＢ１７７６１－２０２４",
        ],
    )
    def test_the_same_standard(self, written: str) -> None:
        cert = certificate(_written(STANDARD_2024, written))
        ruleset, found = select_standard(cert, SOLD)
        assert (ruleset.standard, found) == (STANDARD_2024, [])
        assert check_ebike_sale(vehicle(cert), cert, SOLD) == []

    def test_2018_written_with_a_space_still_closes_in_2025(self) -> None:
        cert = certificate(_written(STANDARD_2018, "GB 17761-2018"), made=date(2025, 9, 2))
        assert codes(check_ebike_sale(vehicle(cert), cert, SOLD)) == ["ebike.standard_superseded"]

    def test_another_standard_is_still_unknown(self) -> None:
        cert = certificate(_written(STANDARD_2024, "GB 17761-2019"))
        assert "ebike.standard_unknown" in codes(check_ebike_sale(vehicle(cert), cert, SOLD))


class TestBatteryChemistry:
    @pytest.mark.parametrize(
        ("written", "chemistry"),
        [
            ("lead_acid", "lead_acid"),
            ("lead-acid", "lead_acid"),
            ("LEAD_ACID", "lead_acid"),
            ("Lead Acid", "lead_acid"),
            ("铅酸", "lead_acid"),
            ("铅酸蓄电池", "lead_acid"),
            ("lithium", "lithium"),
            ("Li-ion", "lithium"),
            ("锂离子", "lithium"),
            ("磷酸铁锂", "lithium"),
            ("other", "other"),
            ("", None),
            (None, None),
            ("graphene", "unrecognised"),
            ("石墨烯", "unrecognised"),
            (48, "unrecognised"),
        ],
    )
    def test_spellings(self, written: object, chemistry: str | None) -> None:
        assert battery_chemistry(written) == chemistry

    @pytest.mark.parametrize("written", ["lead-acid", "LEAD_ACID", "铅酸", "Lead Acid"])
    def test_a_legal_60kg_lead_acid_bike_is_sold(self, written: str) -> None:
        cert = certificate(model(STANDARD_2024, battery_chemistry=written, mass_kg=60))
        assert check_ebike_sale(vehicle(cert), cert, SOLD) == []
        bike = vehicle(cert, battery_chemistry="lead_acid")  # the till's spelling differs
        assert check_ebike_sale(bike, cert, SOLD) == []

    def test_over_63kg_lead_acid_is_still_refused(self) -> None:
        cert = certificate(model(STANDARD_2024, battery_chemistry="铅酸", mass_kg=63.5))
        assert codes(check_ebike_sale(vehicle(cert), cert, SOLD)) == ["ebike.mass_exceeded"]

    def test_an_unknown_chemistry_is_refused_by_name_not_as_a_mass(self) -> None:
        cert = certificate(model(STANDARD_2024, battery_chemistry="graphene", mass_kg=60))
        found = check_ebike_sale(vehicle(cert), cert, SOLD)
        assert [(v.code, v.field) for v in found] == [
            ("battery_chemistry.unknown", "certificate.model.battery_chemistry"),
            ("battery_chemistry.unknown", "vehicle.battery_chemistry"),
        ]

    def test_an_unknown_chemistry_still_meets_the_most_lenient_mass_limit(self) -> None:
        cert = certificate(model(STANDARD_2024, battery_chemistry="graphene", mass_kg=64))
        assert "ebike.mass_exceeded" in codes(check_ebike_sale(vehicle(cert), cert, SOLD))

    def test_lithium_is_not_lead_acid(self) -> None:
        cert = certificate(model(STANDARD_2024, battery_chemistry="锂离子", mass_kg=60))
        assert codes(check_ebike_sale(vehicle(cert), cert, SOLD)) == ["ebike.mass_exceeded"]
        bike = vehicle(cert, battery_chemistry="lead-acid")
        assert "vehicle.battery_chemistry_mismatch" in codes(check_ebike_sale(bike, cert, SOLD))
