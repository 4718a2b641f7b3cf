"""Every boundary the mutation run of ``rules/`` found unpinned, pinned at the boundary.

Each test sits exactly on a bound and one step past it, so changing an operator
(``<`` to ``<=``) or a constant (0.05 to 0.5, 2001 to 2002) fails it. The run
itself: ``python tools/mutate_rules.py`` (docs/rules.md, "Mutation testing").
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from vehreg_sdk.rules import (
    RuleConfig,
    check_ccc,
    check_ebike_registration,
    check_ebike_sale,
    check_owner,
    validate_ebike_plate,
    validate_id_document,
    validate_mobile,
    validate_plate,
    validate_resident_id,
    validate_temporary_plate,
    validate_vin,
)
from vehreg_sdk.rules.temporary_plates import add_months

from .conftest import codes, resident_id
from .ebike_fixtures import STANDARD_2024, certificate, model, vehicle

ON = date(2025, 10, 15)
SOLD = date(2025, 10, 15)


class TestBatteryVoltageAgainstTheCertificate:
    """The bike's battery voltage may differ from the certified one by rounding (0.05 V)."""

    @pytest.mark.parametrize(("bike_v", "mismatch"), [(48.04, False), (48.1, True), (47.9, True)])
    def test_tolerance(self, bike_v: float, mismatch: bool) -> None:
        cert = certificate(model(STANDARD_2024))
        found = codes(check_ebike_sale(vehicle(cert, battery_voltage_v=bike_v), cert, SOLD))
        assert ("vehicle.battery_voltage_mismatch" in found) is mismatch

    def test_binary_exact_bound(self) -> None:
        # 0.0625 is exact in binary: 0.05 < 0.0625, so it is a mismatch; 0.03125 is not.
        cert = certificate(model(STANDARD_2024, battery_voltage_v=47.9375))
        found = codes(check_ebike_sale(vehicle(cert, battery_voltage_v=48), cert, SOLD))
        assert "vehicle.battery_voltage_mismatch" in found
        cert = certificate(model(STANDARD_2024, battery_voltage_v=47.96875))
        assert check_ebike_sale(vehicle(cert, battery_voltage_v=48), cert, SOLD) == []


class TestCcc:
    def test_mandatory_from_15_april_2019(self) -> None:
        assert codes(check_ccc(None, SOLD, date(2019, 4, 15))) == ["ccc.missing"]
        assert check_ccc(None, SOLD, date(2019, 4, 14)) == []

    @pytest.mark.parametrize(("year", "ok"), [("2000", False), ("2001", True), ("2025", True)])
    def test_earliest_issue_year_2001(self, year: str, ok: bool) -> None:
        record = {"number": f"{year}011119123456", "state": "valid", "expiry": date(2030, 1, 1)}
        assert (check_ccc(record, SOLD) == []) is ok

    def test_latest_issue_year_is_the_sale_year(self) -> None:
        record = {"number": "2026011119123456", "state": "valid", "expiry": date(2030, 1, 1)}
        assert codes(check_ccc(record, date(2025, 12, 31))) == ["ccc_number.year"]
        assert check_ccc(record, date(2026, 1, 1)) == []


def _person(birth: date, **changes: Any) -> dict[str, Any]:
    data = {"name": "王芳", "id_type": "A", "mobile": "13812341234", "consent": True}
    data["id_number"] = resident_id(f"320706{birth:%Y%m%d}001")
    data.update(changes)
    return data


class TestGuardianAge:
    def test_a_guardian_of_exactly_18_is_an_adult(self) -> None:
        owner = _person(date(2009, 1, 1), guardian=_person(date(2007, 10, 15)))
        assert check_owner(owner, ON) == []

    def test_a_guardian_one_day_short_of_18_is_not(self) -> None:
        owner = _person(date(2009, 1, 1), guardian=_person(date(2007, 10, 16)))
        assert codes(check_owner(owner, ON)) == ["owner.guardian_under_18"]


def _registration(**changes: Any) -> list[str]:
    cert = certificate(made=date(2025, 9, 1))
    owner = {
        "name": "张三",
        "id_type": "A",
        "id_number": changes.pop("id_number", resident_id("32070619900101001")),
        "mobile": "13912345678",
        "address": changes.pop("address", "连云港市海州区"),
    }
    if "guardian" in changes:
        owner["guardian"] = changes.pop("guardian")
    sale = {
        "invoice_number": changes.pop("invoice_number", "00000001"),
        "invoice_date": changes.pop("invoice_date", ON),
    }
    bike = vehicle(cert)
    if "product_model" in changes:
        bike["product_model"] = cert["product_model"] = changes.pop("product_model")
    config = changes.pop("config", RuleConfig())
    return codes(check_ebike_registration(vehicle(cert), owner, sale, cert, on=ON, config=config))


class TestRegistrationDeadline:
    """``registration_deadline_days=15``: day 15 after the sale is in time, day 16 is not."""

    CONFIG = RuleConfig(registration_deadline_days=15)

    @pytest.mark.parametrize(("days", "late"), [(14, False), (15, False), (16, True)])
    def test_fast_and_full_paths(self, days: int, late: bool) -> None:
        sold = ON - timedelta(days=days)
        fast = _registration(invoice_date=sold, config=self.CONFIG)
        # A guardian record sends the same row down the full checks.
        full = _registration(invoice_date=sold, config=self.CONFIG, guardian=_person(ON))
        assert ("sale.registration_overdue" in fast) is late
        assert ("sale.registration_overdue" in full) is late

    def test_off_by_default(self) -> None:
        assert _registration(invoice_date=ON - timedelta(days=44)) == []


class TestAddressLength:
    """The owner's address: 200 characters pass, 201 do not, on the fast and the full path."""

    @pytest.mark.parametrize("guardian", [None, _person(ON)], ids=["fast", "full"])
    def test_200_pass(self, guardian: dict[str, Any] | None) -> None:
        extra = {} if guardian is None else {"guardian": guardian}
        assert _registration(address="连" * 200, **extra) == []
        assert _registration(address=" 连" * 100, **extra) == []  # inner spaces count

    @pytest.mark.parametrize("guardian", [None, _person(ON)], ids=["fast", "full"])
    def test_201_do_not(self, guardian: dict[str, Any] | None) -> None:
        extra = {} if guardian is None else {"guardian": guardian}
        assert _registration(address="连" * 201, **extra) == ["address.required"]


class TestPlateLengthWithoutAFormat:
    """Kinds with no known format (embassy 03, military 32 …) need 6–8 characters."""

    @pytest.mark.parametrize(
        ("plate", "ok"),
        [("使1234", False), ("使12345", True), ("使1234567", True), ("使12345678", False)],
    )
    def test_six_to_eight(self, plate: str, ok: bool) -> None:
        assert (validate_plate(plate, "03") == []) is ok


class TestOtherIdDocuments:
    """Documents other than A and N: 3–40 letters, digits, Chinese characters, - or ()."""

    @pytest.mark.parametrize(
        ("number", "ok"),
        [("AB", False), ("ABC", True), ("A" * 40, True), ("A" * 41, False), ("-AB", False)],
    )
    def test_three_to_forty(self, number: str, ok: bool) -> None:
        assert (validate_id_document("C", number) == []) is ok


class TestVinModelYear:
    VALID = "LSVAU2180N2183456"

    @staticmethod
    def with_year(letter: str) -> str:
        from vehreg_sdk.rules import vin_check_digit

        body = "LSVAU2180" + letter + "2183456"
        return body[:8] + vin_check_digit(body) + body[9:]

    @pytest.mark.parametrize("letter", ["U", "Z", "0"])
    def test_never_used_letters_warn(self, letter: str) -> None:
        assert codes(validate_vin(self.with_year(letter))) == ["vin.model_year"]

    @pytest.mark.parametrize("letter", ["A", "N", "Y", "1", "9"])
    def test_used_letters_do_not(self, letter: str) -> None:
        assert validate_vin(self.with_year(letter)) == []


class TestBeidou:
    """GB 17761-2024 requires the module in the certified model; the owner may switch it off.

    So a certified model without Beidou is an error, and a bike measured or seen at
    the till with it switched off (``measured.beidou`` or ``vehicle.beidou`` False)
    is not: the rule reads the certificate only.
    """

    def test_the_certified_model_must_have_it(self) -> None:
        cert = certificate(model(STANDARD_2024, beidou=False))
        found = check_ebike_sale(vehicle(cert), cert, SOLD)
        assert [(v.code, v.field) for v in found] == [
            ("ebike.beidou_required", "certificate.model.beidou")
        ]

    def test_switched_off_at_the_till_is_not_a_violation(self) -> None:
        cert = certificate(model(STANDARD_2024))
        bike = vehicle(cert, beidou=False, measured={"beidou": False, "max_speed_kmh": 25})
        assert check_ebike_sale(bike, cert, SOLD) == []

    def test_without_a_certificate_nothing_is_claimed(self) -> None:
        bike = {"battery_voltage_v": 48, "beidou": False, "measured": {"beidou": False}}
        assert check_ebike_sale(bike, None, SOLD) == []


class TestMobilePrefix:
    @pytest.mark.parametrize(
        ("mobile", "ok"),
        [
            ("8613812341234", True),  # 13 digits: 86 + mobile
            ("+8613812341234", True),
            ("861381234123", False),  # 12
            ("86138123412345", False),  # 14
            ("8613812341234"[2:], True),
            ("0013812341234", False),
        ],
    )
    def test_the_86_prefix(self, mobile: str, ok: bool) -> None:
        assert (validate_mobile(mobile) == []) is ok


class TestResidentIdStartingWithZero:
    def test_is_an_error(self) -> None:
        number = resident_id("02070619900101001")
        (found,) = validate_resident_id(number, ON)
        assert (found.code, found.severity) == ("id_number.format", "error")
        assert number not in str(found)

    def test_one_is_fine(self) -> None:
        assert validate_resident_id(resident_id("11010519491231002"), ON) == []


class TestTemporaryPlateMonths:
    """Research tests: 6 calendar months, inclusive (公安部令第164号 art. 49)."""

    @pytest.mark.parametrize(
        ("start", "end", "ok"),
        [
            (date(2026, 3, 1), date(2026, 9, 1), True),
            (date(2026, 3, 1), date(2026, 9, 2), False),
            (date(2026, 8, 31), date(2027, 2, 28), True),  # no 31 February: the month's end
            (date(2026, 8, 31), date(2027, 3, 1), False),
            (date(2027, 8, 31), date(2028, 2, 29), True),
        ],
    )
    def test_six_calendar_months(self, start: date, end: date, ok: bool) -> None:
        found = validate_temporary_plate(
            valid_from=start,
            valid_to=end,
            insurance_end=date(2030, 1, 1),
            situation="research_test",
        )
        assert (found == []) is ok, found

    def test_add_months(self) -> None:
        assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
        assert add_months(date(2026, 12, 15), 6) == date(2027, 6, 15)
        assert add_months(date(2026, 3, 1), 6) == date(2026, 9, 1)


class TestEbikePlateFromConfig:
    LOCAL = RuleConfig(ebike_plate_pattern=r"苏G[0-9]{5}")

    def test_the_configured_pattern_is_read(self) -> None:
        assert validate_ebike_plate("苏G12345", config=self.LOCAL) == []
        assert codes(validate_ebike_plate("苏G123456", config=self.LOCAL)) == [
            "plate_number.format"
        ]

    @pytest.mark.parametrize(
        "typed", ["苏G·12345", "苏G•12345", "苏G.12345", "苏G-12345", "苏g・12345"]
    )
    def test_the_printed_separator_dot_is_dropped(self, typed: str) -> None:
        assert validate_ebike_plate(typed, config=self.LOCAL) == []

    def test_the_argument_wins_over_the_config(self) -> None:
        assert validate_ebike_plate("新AA12345", r"新[A-Z][A-Z0-9]{6}", config=self.LOCAL) == []

    def test_motor_vehicle_plates_too(self) -> None:
        assert validate_plate("苏G·A1234", "02") == []


class TestCodeLengths:
    @pytest.mark.parametrize(
        ("value", "ok"), [("A" * 32, True), ("A" * 33, False), ("A", True), ("A-" * 16, True)]
    )
    def test_motor_code_1_to_32(self, value: str, ok: bool) -> None:
        from vehreg_sdk.rules import validate_motor_code

        assert (validate_motor_code(value) == []) is ok

    @pytest.mark.parametrize(
        ("value", "ok"), [("A" * 9, False), ("A" * 10, True), ("A" * 20, True), ("A" * 21, False)]
    )
    def test_certificate_number_10_to_20(self, value: str, ok: bool) -> None:
        from vehreg_sdk.rules import validate_certificate_number

        assert (validate_certificate_number(value) == []) is ok

    def test_vehicle_code_years_from_2000(self) -> None:
        from vehreg_sdk.rules import validate_vehicle_code

        assert validate_vehicle_code("117320000000243", on=ON) == []  # 2000
        assert validate_vehicle_code("117329900000243", on=ON) != []  # 2099


class TestResidentIdDates:
    def test_births_from_1800(self) -> None:
        assert validate_resident_id(resident_id("11010518000101001"), ON) == []
        assert codes(validate_resident_id(resident_id("11010517991231001"), ON)) == [
            "id_number.birth_date"
        ]

    @pytest.mark.parametrize(
        "month_day", ["0131", "0228", "0331", "0430", "0531", "0630", "0731", "0831", "0930",
                      "1031", "1130", "1231"],
    )  # fmt: skip
    def test_the_last_day_of_each_month(self, month_day: str) -> None:
        last = resident_id(f"320706{2001}{month_day}001")
        assert validate_resident_id(last, ON) == []
        month, day = int(month_day[:2]), int(month_day[2:])
        after = resident_id(f"320706{2001}{month:02d}{day + 1:02d}001")
        assert codes(validate_resident_id(after, ON)) == ["id_number.birth_date"]

    @pytest.mark.parametrize(("year", "leap"), [(2000, True), (1900, False), (2004, True)])
    def test_29_february(self, year: int, leap: bool) -> None:
        found = validate_resident_id(resident_id(f"320706{year}0229001"), ON)
        assert (found == []) is leap
        assert validate_resident_id(resident_id(f"320706{year}0301001"), ON) == []

    def test_the_zero_message_names_the_cause(self) -> None:
        (found,) = validate_resident_id(resident_id("02070619900101001"), ON)
        assert "0" in found.message and "首位不能为0" in found.message_zh


class TestNames:
    @pytest.mark.parametrize(("length", "ok"), [(64, True), (65, False)])
    def test_at_most_64_characters(self, length: int, ok: bool) -> None:
        from vehreg_sdk.rules import validate_name

        assert (validate_name("张" * length) == []) is ok


class TestStandardInForce:
    """With no known standard on the certificate, the one in force on the date judges."""

    @pytest.mark.parametrize(
        ("made", "standard"),
        [
            (date(2025, 8, 31), "GB17761-2018"),
            (date(2025, 9, 1), "GB17761-2024"),
            (date(2019, 4, 15), "GB17761-2018"),
            (date(2019, 4, 14), "GB17761-2018"),  # before every standard: the oldest
        ],
    )
    def test_by_manufacture_date(self, made: date, standard: str) -> None:
        from vehreg_sdk.rules import select_standard

        cert = certificate({**model(STANDARD_2024), "standard": "unknown"}, made=made)
        ruleset, _ = select_standard(cert, SOLD)
        assert ruleset.standard == standard


class TestVoltageExactlyAtTheTolerance:
    def test_a_difference_of_exactly_the_tolerance_is_rounding(self) -> None:
        # 0.05 - 0.0 is exactly the float 0.05: "more than" the tolerance is needed.
        cert = certificate(model(STANDARD_2024, battery_voltage_v=0.0))
        found = check_ebike_sale(vehicle(cert, battery_voltage_v=0.05), cert, SOLD)
        assert "vehicle.battery_voltage_mismatch" not in codes(found)


class TestAddressWithInvisibleCharacters:
    def test_200_characters_as_typed_pass_even_with_a_zero_width_space(self) -> None:
        assert _registration(address="连" * 199 + "\u200b") == []
        assert _registration(address="连" * 200 + "\u200b") == ["address.required"]


def test_a_huge_integer_is_still_a_number() -> None:
    # Beyond 2**53 an int is converted through float(): still judged, not ignored.
    cert = certificate(model(STANDARD_2024, mass_kg=2**60))
    assert "ebike.mass_exceeded" in codes(check_ebike_sale(vehicle(cert), cert, SOLD))


def test_an_expired_state_and_an_old_expiry_are_one_violation() -> None:
    record = {"number": "2024011119123456", "state": "expired", "expiry": date(2025, 1, 1)}
    found = check_ccc(record, SOLD)
    assert [(v.code, v.field) for v in found] == [("ccc.expired", "certificate.model.ccc.state")]


def test_a_parser_registered_first_wins_over_the_built_in_ones() -> None:
    from vehreg_sdk.rules import (
        parse_certificate_qr,
        register_certificate_qr_parser,
        unregister_certificate_qr_parser,
    )

    def mine(text: str) -> str | None:
        return "999921900000001" if "vinCode=" in text else None

    scan = "http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode=117321900000243"
    assert parse_certificate_qr(scan) == "117321900000243"
    register_certificate_qr_parser(mine, first=True)
    try:
        assert parse_certificate_qr(scan) == "999921900000001"
    finally:
        unregister_certificate_qr_parser(mine)


@pytest.mark.parametrize(
    ("state", "en", "zh"),
    [
        ("suspended", "The CCC certificate is suspended.", "CCC证书已暂停。"),
        ("撤销", "The CCC certificate has been revoked.", "CCC证书已撤销。"),
    ],
)
def test_a_ccc_state_speaks_both_languages(state: str, en: str, zh: str) -> None:
    record = {"number": "2024011119123456", "state": state, "expiry": date(2030, 1, 1)}
    (found,) = check_ccc(record, SOLD)
    assert (found.message, found.message_zh) == (en, zh)


def test_the_standards_dates_as_the_domain_brief_gives_them() -> None:
    """shared/domain.md §1.1 and §1.6: the dates no single rule tells apart, pinned as data."""
    from vehreg_sdk.rules import GB17761_2018, GB17761_2024
    from vehreg_sdk.rules.ebike_standards import CCC_MANDATORY_FROM

    assert (GB17761_2018.published, GB17761_2018.in_force_from) == (
        date(2018, 5, 15),
        date(2019, 4, 15),
    )
    assert (GB17761_2018.last_manufacture, GB17761_2018.sellable_until) == (
        date(2025, 8, 31),
        date(2025, 11, 30),
    )
    assert (GB17761_2024.published, GB17761_2024.in_force_from) == (
        date(2024, 12, 31),
        date(2025, 9, 1),
    )
    assert date(2019, 4, 15) == CCC_MANDATORY_FROM


def test_a_blank_name_of_64_spaces_is_missing_not_too_long() -> None:
    from vehreg_sdk.rules import validate_name

    assert codes(validate_name(" " * 64)) == ["name.required"]
    assert codes(validate_name(" " * 65)) == ["name.format"]


def test_born_today_is_valid_on_the_default_date() -> None:
    from vehreg_sdk.rules._dates import today_shanghai

    today = today_shanghai()
    assert validate_resident_id(resident_id(f"320706{today:%Y%m%d}001")) == []
    tomorrow = today + timedelta(days=1)
    found = validate_resident_id(resident_id(f"320706{tomorrow:%Y%m%d}001"))
    assert codes(found) == ["id_number.birth_date"]


@pytest.mark.parametrize(("length", "ok"), [(0, False), (1, True), (255, True), (256, False)])
def test_client_reference_1_to_255(length: int, ok: bool) -> None:
    from vehreg_sdk.rules import is_valid_client_reference, validate_client_reference

    assert is_valid_client_reference("r" * length) is ok
    assert (validate_client_reference("r" * length) == []) is ok


@pytest.mark.parametrize("guardian", [None, _person(ON)], ids=["fast", "full"])
def test_product_model_and_invoice_number_lengths(guardian: dict[str, Any] | None) -> None:
    extra = {} if guardian is None else {"guardian": guardian}
    assert _registration(product_model="M" * 64, invoice_number="1" * 32, **extra) == []
    assert _registration(product_model="M" * 65, **extra) == ["product_model.required"]
    assert _registration(invoice_number="1" * 33, **extra) == ["invoice_number.required"]


def test_an_owner_days_short_of_18_needs_a_guardian_on_the_fast_path() -> None:
    owner_born = date(2007, 10, 20)  # 18 on 2025-10-20, five days after ON
    found = _registration(id_number=resident_id(f"320706{owner_born:%Y%m%d}001"))
    assert found == ["owner.guardian_required"]


def test_an_unsold_vehicle_gets_three_temporary_plates() -> None:
    def issues(previous: int) -> list[str]:
        return codes(
            validate_temporary_plate(
                valid_from=ON,
                valid_to=ON,
                insurance_end=ON,
                previous_issues=previous,
                situation="unsold",
            )
        )

    assert issues(2) == []
    assert issues(3) == ["temporary_plate.too_many_issues"]


@pytest.mark.parametrize(
    ("situation", "days"), [("unsold", 30), ("purchased", 30), ("export", 30), ("oversize", 90)]
)
def test_temporary_plate_days_per_situation(situation: str, days: int) -> None:
    def judged(length: int) -> list[str]:
        return codes(
            validate_temporary_plate(
                valid_from=ON,
                valid_to=ON + timedelta(days=length),
                insurance_end=date(2030, 1, 1),
                situation=situation,
            )
        )

    assert judged(days) == []
    assert judged(days + 1) == ["temporary_plate.validity_too_long"]


def test_the_vin_length_violation_says_17() -> None:
    (found,) = validate_vin("LSVAU2180N218345")
    assert (found.code, found.allowed) == ("vin.length", 17)


def test_previous_issues_that_are_not_a_number_count_as_none() -> None:
    found = validate_temporary_plate(
        valid_from=ON,
        valid_to=ON,
        insurance_end=ON,
        previous_issues=None,  # type: ignore[arg-type]
        situation="export",
    )
    assert found == []


def test_check_ccc_takes_an_aware_datetime() -> None:
    from datetime import UTC, datetime

    record = {"number": "2024011119123456", "state": "valid", "expiry": date(2025, 10, 15)}
    # 2025-10-15T17:00Z is 2025-10-16 in Shanghai: the day after the expiry.
    assert codes(check_ccc(record, datetime(2025, 10, 15, 17, 0, tzinfo=UTC))) == ["ccc.expired"]
    assert check_ccc(record, datetime(2025, 10, 15, 15, 0, tzinfo=UTC)) == []


def test_the_client_reference_message_states_the_limit() -> None:
    from vehreg_sdk.rules import validate_client_reference

    (found,) = validate_client_reference("")
    assert "1 to 255" in found.message and "1 至 255" in found.message_zh
