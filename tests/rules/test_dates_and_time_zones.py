"""Dates as people write them, and time-zone-aware datetimes everywhere a rule takes a date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from vehreg_sdk import rules
from vehreg_sdk.rules import (
    UNREADABLE,
    age_on,
    check_ebike_registration,
    check_ebike_sale,
    check_owner,
    read_date,
    validate_id_document,
    validate_resident_id,
)

from .conftest import codes, error_codes, resident_id
from .ebike_fixtures import STANDARD_2018, STANDARD_2024, certificate, model, vehicle

SHANGHAI = timezone(timedelta(hours=8))


class TestReadDate:
    @pytest.mark.parametrize(
        "text",
        [
            "2025-09-15",
            "2025/09/15",
            "2025/9/15",
            "2025.09.15",
            "20250915",
            "2025-09-15 00:00:00",
            "2025-09-15 23:59:59",
            "2025-09-15T10:00",
            "2025-09-15 8:00",
            "2025/9/15 0:00:00",
            "2025年09月15日",
            "2025年9月15日",
            "2025 年 9 月 15 日",
            "2025年09月15日 08:00:00",
            "２０２５－０９－１５",  # full-width, as an IME types it
            " 2025-09-15 ",
            "2025-09-15T08:00:00+08:00",
            "2025-09-14T16:00:00Z",  # midnight in Shanghai
            "2025-09-14T23:30:00.5+00:00",
            "2025-09-15T09:00:00+0900",
        ],
    )
    def test_every_way_people_write_a_day(self, text: str) -> None:
        assert read_date(text) == date(2025, 9, 15)

    def test_an_iso_datetime_is_its_shanghai_date(self) -> None:
        assert read_date("2025-09-14T15:59:59Z") == date(2025, 9, 14)
        assert read_date("2025-09-14T16:00:00Z") == date(2025, 9, 15)
        assert read_date("2025-09-15T07:00:00-05:00") == date(2025, 9, 15)  # 20:00 Shanghai
        assert read_date("2025-09-14T20:00:00-05:00") == date(2025, 9, 15)  # the sign counts

    @pytest.mark.parametrize(
        "value",
        ["2025-13-01", "2025-02-30", "2025/009/15", "2025/09/015", "2025年009月15日",
         "2025-09-15T10:00:00.1234567890Z", "2025-09-15 100:00", "15/09/2025", "next Monday",
         "2025-09", "45915", 45915,
         20250915, 1.5, True, b"2025-09-15", "2025-09-15T24:00", "2025-09-15 25:00:00", "x" * 70],
    )  # fmt: skip
    def test_unreadable_is_not_absent(self, value: object) -> None:
        assert read_date(value) is UNREADABLE

    @pytest.mark.parametrize("value", [None, "", "   ", "\u3000"])
    def test_absent(self, value: object) -> None:
        assert read_date(value) is None

    def test_offsets_to_the_minute(self) -> None:
        # 01:05 at +09:00 is 00:05 in Shanghai; nine minutes less would be the day before.
        assert read_date("2025-09-15T01:05:00+09:00") == date(2025, 9, 15)
        assert read_date("2025-09-15T00:05:00+0930") == date(2025, 9, 14)
        assert read_date("2025-09-14T23:05:00-00:56") == date(2025, 9, 15)
        # An offset of whole hours: 01:00 at +09 is midnight in Shanghai.
        assert read_date("2025-09-15T01:00:00+09") == date(2025, 9, 15)

    def test_fractions_of_a_second(self) -> None:
        assert read_date("2025-09-14T16:00:00.123456789Z") == date(2025, 9, 15)
        assert read_date("2025-09-14T15:59:59.999999Z") == date(2025, 9, 14)

    def test_datetimes(self) -> None:
        assert read_date(datetime(2025, 9, 14, 17, 0, tzinfo=UTC)) == date(2025, 9, 15)
        assert read_date(datetime(2025, 9, 15, 23, 0)) == date(2025, 9, 15)  # naive: as written


def _sale_2018(made: object, sold: object) -> list[str]:
    cert = certificate(model(STANDARD_2018), made=made)  # type: ignore[arg-type]
    return codes(check_ebike_sale(vehicle(cert), cert, sold))


class TestManufactureDate:
    """A 2018-standard bike built after 2025-08-31 is refused however its date is written."""

    @pytest.mark.parametrize(
        "made", ["2025/09/15", "2025-09-15 00:00:00", "2025年09月15日", "2025-09-15T00:00:00+08:00"]
    )
    def test_written_another_way_is_still_read(self, made: str) -> None:
        assert _sale_2018(made, date(2025, 10, 1)) == ["ebike.standard_superseded"]

    def test_an_aware_datetime_is_its_shanghai_date(self) -> None:
        # 2025-08-31 17:00 UTC is 2025-09-01 01:00 in Shanghai: already the new standard.
        made = datetime(2025, 8, 31, 17, 0, tzinfo=UTC)
        assert _sale_2018(made, date(2025, 10, 1)) == ["ebike.standard_superseded"]
        assert _sale_2018(made - timedelta(hours=2), date(2025, 10, 1)) == []

    @pytest.mark.parametrize("made", ["15.09.2025", "September 2025", 45915])
    def test_unreadable_is_refused_naming_the_field(self, made: object) -> None:
        cert = certificate(model(STANDARD_2018), made=made)  # type: ignore[arg-type]
        found = check_ebike_sale(vehicle(cert), cert, date(2025, 10, 1))
        (unreadable,) = [v for v in found if v.code == "manufacture_date.format"]
        assert unreadable.field == "certificate.manufacture_date"
        assert unreadable.is_error and unreadable.message_zh

    def test_an_unreadable_date_is_not_a_missing_ccc_exemption(self) -> None:
        cert = certificate(model(STANDARD_2024, ccc=None), made="2019年4月")  # type: ignore[arg-type]
        found = codes(check_ebike_sale(vehicle(cert), cert, date(2025, 10, 1)))
        assert "manufacture_date.format" in found
        assert "ccc.missing" in found


class TestInvoiceDate:
    def test_written_another_way_is_read(self) -> None:
        cert = certificate(model(STANDARD_2024), made=date(2025, 9, 1))
        for sold in ("2025/10/01", "2025年10月1日", "2025-10-01T09:30:00+08:00"):
            assert check_ebike_sale(vehicle(cert), cert, sold) == []

    def test_an_iso_datetime_is_read_as_its_shanghai_date(self) -> None:
        # 2025-11-30T20:00Z is 2025-12-01 in Shanghai: 2018 stock may no longer be sold.
        assert _sale_2018(date(2025, 8, 1), "2025-11-30T20:00:00Z") == [
            "ebike.standard_not_sellable"
        ]
        assert _sale_2018(date(2025, 8, 1), "2025-11-30T15:59:59Z") == []

    def test_unreadable_is_refused_not_reported_as_required(self) -> None:
        cert = certificate()
        found = check_ebike_sale(vehicle(cert), cert, "30/11/2025")
        assert "invoice_date.format" in codes(found)
        assert "invoice_date.required" not in codes(found)


ID_2008 = resident_id("32070620080301001")  # born 2008-03-01


class TestOnAcceptsDatetimes:
    """Every ``on=`` takes an aware datetime and uses its Asia/Shanghai date."""

    # 2026-02-28 17:00 UTC is 2026-03-01 01:00 in Shanghai: the owner's 18th birthday.
    BIRTHDAY_IN_SHANGHAI = datetime(2026, 2, 28, 17, 0, tzinfo=UTC)

    def test_age_on(self) -> None:
        assert age_on(ID_2008, self.BIRTHDAY_IN_SHANGHAI) == 18
        assert age_on(ID_2008, datetime(2026, 2, 28, 15, 59, tzinfo=UTC)) == 17
        assert age_on(ID_2008, datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI)) == 18

    def test_naive_datetime_is_its_own_date(self) -> None:
        assert age_on(ID_2008, datetime(2026, 2, 28, 23, 59)) == 17
        assert age_on(ID_2008, datetime(2026, 3, 1, 0, 0)) == 18

    def test_check_owner(self) -> None:
        owner = {"id_type": "A", "id_number": ID_2008}
        assert check_owner(owner, self.BIRTHDAY_IN_SHANGHAI) == []
        before = datetime(2026, 2, 28, 15, 0, tzinfo=UTC)
        assert codes(check_owner(owner, before)) == ["owner.guardian_required"]

    def test_validate_resident_id(self) -> None:
        born_today = resident_id("32070620260301001")
        assert validate_resident_id(born_today, self.BIRTHDAY_IN_SHANGHAI) == []
        found = validate_resident_id(born_today, datetime(2026, 2, 28, 15, 0, tzinfo=UTC))
        assert codes(found) == ["id_number.birth_date"]
        assert validate_id_document("A", born_today, self.BIRTHDAY_IN_SHANGHAI) == []

    def test_check_ebike_registration_takes_an_aware_datetime(self) -> None:
        cert = certificate(made=date(2025, 10, 1))
        owner = {
            "name": "张三",
            "id_type": "A",
            "id_number": resident_id("32070619900101001"),
            "mobile": "13912345678",
            "address": "江苏省连云港市海州区",
        }
        sale = {"invoice_number": "00000001", "invoice_date": date(2025, 10, 16)}
        # 2025-10-15T18:00Z is 2025-10-16 in Shanghai: the invoice is not in the future.
        now = datetime(2025, 10, 15, 18, 0, tzinfo=UTC)
        assert check_ebike_registration(vehicle(cert), owner, sale, cert, on=now) == []
        earlier = datetime(2025, 10, 15, 15, 0, tzinfo=UTC)
        found = check_ebike_registration(vehicle(cert), owner, sale, cert, on=earlier)
        assert error_codes(found) == {"sale.invoice_date_future"}
        sale["invoice_date"] = "2025年10月16日"  # type: ignore[assignment]
        assert check_ebike_registration(vehicle(cert), owner, sale, cert, on=now) == []
        sale["invoice_date"] = "16/10/2025"  # type: ignore[assignment]
        found = check_ebike_registration(vehicle(cert), owner, sale, cert, on=now)
        assert error_codes(found) == {"invoice_date.format"}

    def test_validators_with_on(self) -> None:
        assert rules.validate_vehicle_code("117322600000243", on=self.BIRTHDAY_IN_SHANGHAI) == []
        assert rules.validate_ccc_number("2026011119123456", on=self.BIRTHDAY_IN_SHANGHAI) == []

    def test_an_unusable_on_is_a_programming_error(self) -> None:
        with pytest.raises(TypeError):
            age_on(ID_2008, 20260301)
        with pytest.raises(TypeError):
            check_owner({"id_number": ID_2008}, "tomorrow")
