"""Plate numbers (GA 36-2018), e-bike plates, and temporary-plate rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from vehreg_sdk.rules import (
    PlateKind,
    TemporaryPlateSituation,
    latest_valid_to,
    validate_ebike_plate,
    validate_plate,
    validate_temporary_plate,
)

from .conftest import codes


@pytest.mark.parametrize(
    ("kind", "plate"),
    [
        (PlateKind.SMALL, "苏GA1234"),
        ("02", "苏G12345"),
        ("02", "苏gab123"),  # lower case is normalised
        (PlateKind.LARGE, "苏G1234A"),
        (PlateKind.TRAILER, "苏G1234挂"),
        (PlateKind.COACH, "苏GA123学"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GD12345"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GFA1234"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GA12345"),  # extended letters since about 2021
        (PlateKind.LARGE_NEW_ENERGY, "苏G12345D"),
        (PlateKind.TEMPORARY, "苏G12345"),
        (PlateKind.TEMPORARY, "苏GA12345"),
        (PlateKind.EMBASSY, "123456使"),  # no known format: length only
    ],
)
def test_valid_plates(kind: object, plate: str) -> None:
    assert validate_plate(plate, kind) == []


@pytest.mark.parametrize(
    ("kind", "plate"),
    [
        (PlateKind.SMALL, "苏GI1234"),  # I is never used
        (PlateKind.SMALL, "苏GO1234"),  # nor O
        (PlateKind.SMALL, "苏IA1234"),
        (PlateKind.SMALL, "XXA1234"),
        (PlateKind.SMALL, "苏GA12345"),  # 8 characters is new-energy
        (PlateKind.SMALL_NEW_ENERGY, "苏GZ12345"),
        (PlateKind.SMALL_NEW_ENERGY, "苏GD1234A"),
        (PlateKind.LARGE_NEW_ENERGY, "苏G1234DD"),
        (PlateKind.TRAILER, "苏G12345"),
    ],
)
def test_invalid_plates(kind: object, plate: str) -> None:
    assert codes(validate_plate(plate, kind)) == ["plate_number.format"]


def test_strict_new_energy_letters() -> None:
    assert validate_plate("苏GA12345", "52", strict_new_energy=True) != []
    assert validate_plate("苏GD12345", "52", strict_new_energy=True) == []


def test_issuing_authority() -> None:
    assert validate_plate("苏GA1234", "02", authority="苏G") == []
    assert codes(validate_plate("苏AA1234", "02", authority="苏G")) == ["plate_number.authority"]


@pytest.mark.parametrize("kind", ["00", "X", None, 2])
def test_unknown_plate_kind(kind: object) -> None:
    assert codes(validate_plate("苏GA1234", kind)) == ["plate_kind.unknown"]


async def _plate_issued_by_a_real_sandbox() -> str:
    """Register one bike on an in-process sandbox bureau (default settings); its plate."""
    import json
    import uuid

    import httpx

    from vehreg_sdk import _signing
    from vehreg_sdk.sandbox import DEMO_DEALERS, create_app
    from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

    app = create_app()  # the default plate pattern, as ``vehreg sandbox serve`` runs it
    dealer = DEMO_DEALERS[0]
    (code,) = sellable_vehicle_codes(1)
    body = json.dumps(demo_registration_body(code, dealer.store_ids[0])).encode()
    path = "/v1/ebike-registrations"
    headers = {
        "Content-Type": "application/json",
        "Idempotency-Key": str(uuid.uuid4()),
        **_signing.signature_headers(
            app_key=dealer.app_key,
            secret=dealer.app_secret,
            method="POST",
            path=path,
            query="",
            body=body,
            timestamp=int(app.state.bureau.clock()),
        ),
    }
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test"
        ) as client:
            response = await client.post(path, content=body, headers=headers)
    finally:
        await app.state.bureau.aclose()
    assert response.status_code == 201, response.text
    plate: str = response.json()["plate_number"]
    return plate


class TestEbikePlate:
    async def test_default_is_what_the_sandbox_issues(self) -> None:
        plate = await _plate_issued_by_a_real_sandbox()
        assert plate == "苏G000001"  # the first plate of a fresh bureau
        assert validate_ebike_plate(plate) == []
        # and every plate the default allocator can hand out, to its last serial
        from vehreg_sdk.sandbox.bureau import Settings

        settings = Settings()
        for serial in (1, 2, 99_999, 100_000, settings.plate_capacity):
            issued = settings.plate_format.format(serial=serial)
            assert validate_ebike_plate(issued) == [], issued
        assert validate_ebike_plate("苏G12345A") == []
        assert validate_ebike_plate("苏g12345a") == []
        assert codes(validate_ebike_plate("苏G1234")) == ["plate_number.format"]
        assert codes(validate_ebike_plate("苏A123456")) == ["plate_number.format"]

    def test_pattern_of_another_authority(self) -> None:
        xinjiang = r"新[A-Z][A-Z0-9]{6}"
        assert validate_ebike_plate("新AA12345", xinjiang) == []
        assert codes(validate_ebike_plate("苏G12345A", xinjiang)) == ["plate_number.format"]


class TestTemporaryPlate:
    START = date(2025, 10, 1)

    def judge(self, days: int, insurance_days: int = 365, **kwargs: object) -> list[str]:
        return codes(
            validate_temporary_plate(
                valid_from=self.START,
                valid_to=self.START + timedelta(days=days),
                insurance_end=self.START + timedelta(days=insurance_days),
                **kwargs,  # type: ignore[arg-type]
            )
        )

    def test_thirty_days_at_most_for_a_sale(self) -> None:
        assert self.judge(29) == []
        assert self.judge(30) == []
        assert self.judge(31) == ["temporary_plate.validity_too_long"]

    def test_never_past_the_compulsory_insurance(self) -> None:
        assert self.judge(20, insurance_days=20) == []
        assert self.judge(20, insurance_days=19) == ["temporary_plate.beyond_insurance"]

    def test_three_issues_per_vehicle(self) -> None:
        assert self.judge(10, previous_issues=2) == []
        assert self.judge(10, previous_issues=3) == ["temporary_plate.too_many_issues"]

    def test_export_once(self) -> None:
        assert self.judge(10, situation="export") == []
        assert self.judge(10, situation="export", previous_issues=1) == [
            "temporary_plate.too_many_issues"
        ]

    @pytest.mark.parametrize(
        ("situation", "days"),
        [
            (TemporaryPlateSituation.OVERSIZE, 90),
            (TemporaryPlateSituation.RESEARCH_TEST, 182),  # 6 calendar months from 2025-10-01
            (TemporaryPlateSituation.PLATE_PRODUCTION, 15),
        ],
    )
    def test_other_situations(self, situation: TemporaryPlateSituation, days: int) -> None:
        assert self.judge(days, previous_issues=9, situation=situation) == []
        assert self.judge(days + 1, situation=situation) == ["temporary_plate.validity_too_long"]

    def test_dates(self) -> None:
        assert self.judge(-1) == ["temporary_plate.dates"]
        found = validate_temporary_plate(valid_from=None, valid_to="x", insurance_end=None)
        assert codes(found) == ["temporary_plate.dates", "temporary_plate.insurance_required"]

    def test_plate_number_is_checked_when_given(self) -> None:
        found = validate_temporary_plate(
            "苏GI2345",
            valid_from=self.START,
            valid_to=self.START,
            insurance_end=self.START,
        )
        assert codes(found) == ["plate_number.format"]

    def test_unknown_situation(self) -> None:
        assert self.judge(1, situation="holiday") == ["temporary_plate.situation"]


def test_latest_valid_to_is_the_earlier_of_30_days_and_the_insurance_end() -> None:
    start = date(2025, 10, 1)
    assert latest_valid_to(start, date(2026, 1, 1)) == date(2025, 10, 31)
    assert latest_valid_to(start, date(2025, 10, 20)) == date(2025, 10, 20)
    assert latest_valid_to(start, date(2026, 1, 1), TemporaryPlateSituation.OVERSIZE) == date(
        2025, 12, 30
    )
