"""List filters by business day: instants carry their offset, days are Asia/Shanghai days."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from vehreg_sdk.sandbox.clock import SHANGHAI

from .conftest import FakeClock, register

PATH = "/v1/ebike-registrations"


def _at(clock: FakeClock, text: str) -> None:
    clock.now = datetime.fromisoformat(text).timestamp()


async def _ids(client: httpx.AsyncClient, **params: str) -> list[str]:
    response = await client.get(PATH, params={"limit": "100", **params})
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["data"]]


@pytest.fixture
async def three_days(bureau: httpx.AsyncClient, clock: FakeClock) -> dict[str, str]:
    """Registrations at 23:59 on the 25th, 00:00 and 07:59 on the 26th (Asia/Shanghai)."""
    made = {}
    for start, stamp in enumerate(
        ("2026-11-25T23:59:00+08:00", "2026-11-26T00:00:00+08:00", "2026-11-26T07:59:00+08:00")
    ):
        _at(clock, stamp)
        made[stamp] = (await register(bureau, start=start, with_uploads=False))["id"]
    _at(clock, "2026-11-26T10:00:00+08:00")
    return made


async def test_created_on_is_an_asia_shanghai_day(
    bureau: httpx.AsyncClient, three_days: dict[str, str]
) -> None:
    day_26 = await _ids(bureau, created_on="2026-11-26")
    assert set(day_26) == {
        three_days["2026-11-26T00:00:00+08:00"],
        three_days["2026-11-26T07:59:00+08:00"],
    }
    assert await _ids(bureau, created_on="2026-11-25") == [three_days["2026-11-25T23:59:00+08:00"]]
    assert await _ids(bureau, created_on="2026-11-27") == []


async def test_instants_with_an_offset_are_the_same_instant(
    bureau: httpx.AsyncClient, three_days: dict[str, str]
) -> None:
    shanghai = await _ids(bureau, created_gte="2026-11-26T00:00:00+08:00")
    utc = await _ids(bureau, created_gte="2026-11-25T16:00:00Z")
    assert set(shanghai) == set(utc) and len(shanghai) == 2
    window = await _ids(
        bureau, created_gte="2026-11-26T00:00:00+08:00", created_lt="2026-11-26T07:59:00+08:00"
    )
    assert window == [three_days["2026-11-26T00:00:00+08:00"]]
    # Filters intersect.
    both = await _ids(bureau, created_on="2026-11-26", created_lt="2026-11-26T07:00:00+08:00")
    assert both == [three_days["2026-11-26T00:00:00+08:00"]]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("created_gte", "2026-11-26"),  # a date is not an instant
        ("created_gte", "2026-11-26T00:00:00"),  # no offset: the zone would be a guess
        ("created_lt", "2026-11-26T00:00:00 08:00"),  # an unencoded + read as a space
        ("created_lt", "2026-11-26 00:00:00+08:00"),
        ("created_gte", "1764115200"),
        ("created_gte", "2026-02-30T00:00:00Z"),
        ("created_on", "2026-11-26T00:00:00+08:00"),
        ("created_on", "26/11/2026"),
        ("created_on", "2026-13-01"),
    ],
)
async def test_anything_else_is_400_naming_the_parameter(
    bureau: httpx.AsyncClient, name: str, value: str
) -> None:
    response = await bureau.get(PATH, params={name: value})
    assert response.status_code == 400
    problem = response.json()
    assert problem["code"] == "query.invalid"
    (error,) = problem["errors"]
    assert error["field"] == f"query.{name}"
    assert name in error["message"] and name in error["message_zh"]
    assert error["message_zh"] != error["message"]


def test_shanghai_midnight_is_not_utc_midnight() -> None:
    from vehreg_sdk.sandbox.clock import parse_rfc3339, parse_shanghai_day

    start, end = parse_shanghai_day("2026-11-26")
    assert start == datetime(2026, 11, 26, tzinfo=SHANGHAI).timestamp()
    assert end - start == 86_400
    assert parse_rfc3339("2026-11-26T00:00:00+08:00") == start
