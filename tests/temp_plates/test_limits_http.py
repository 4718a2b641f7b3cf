"""Every limit of a temporary plate at its bound, judged by the sandbox bureau over loopback HTTP:
30 and 31 days, the third and fourth issue, the insurance end, the export case's second issue,
6 calendar months, and a retry of the business key after the idempotency window."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from tests.sandbox.conftest import FakeClock
from tests.temp_plates.conftest import fresh_vin, issued, plate_body, post, signed, today

from vehreg_sdk.rules import CarRuleConfig, TemporaryPlateRules, add_months
from vehreg_sdk.sandbox import SandboxServer

PATH = "/v1/temporary-plates"


def _codes(response: httpx.Response) -> list[str]:
    return [error["code"] for error in response.json()["errors"]]


def test_thirty_days_are_allowed_and_thirty_one_are_not(bureau: httpx.Client) -> None:
    refused = post(bureau, PATH, plate_body(bureau, days=31))
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "validation.failed"
    (error,) = refused.json()["errors"]
    assert (error["field"], error["code"]) == ("valid_to", "temporary_plate.validity_too_long")
    assert "30 days" in error["message"] and "30天" in error["message_zh"]
    accepted = post(bureau, PATH, plate_body(bureau, days=30))
    assert accepted.status_code == 201, accepted.text
    plate = accepted.json()
    assert plate["status"] == "requested" and plate["issue_number"] == 1
    assert plate["issue_due_at"] == plate["created_at"]  # review_delay 0: at the next sweep


def test_the_fourth_issue_is_refused_and_the_third_is_not(bureau: httpx.Client) -> None:
    vin, start = fresh_vin(), today(bureau)
    numbers = []
    # Unsold and purchased share the three issues (art. 49: before registration).
    for index, situation in enumerate(("unsold", "purchased", "purchased")):
        body = plate_body(
            bureau, vin=vin, situation=situation, start=start + timedelta(days=31 * index)
        )
        created = post(bureau, PATH, body)
        assert created.status_code == 201, created.text
        numbers.append(created.json()["issue_number"])
    assert numbers == [1, 2, 3]
    fourth = post(bureau, PATH, plate_body(bureau, vin=vin, start=start + timedelta(days=93)))
    assert fourth.status_code == 422, fourth.text
    assert fourth.json()["code"] == "temporary_plate.limit_reached"
    assert _codes(fourth) == ["temporary_plate.too_many_issues"]
    assert "3" in fourth.json()["errors"][0]["message_zh"]
    # Another situation counts on its own.
    other = post(bureau, PATH, plate_body(bureau, vin=vin, situation="plate_production", days=15))
    assert other.status_code == 201, other.text


def test_an_export_car_gets_one_plate(bureau: httpx.Client) -> None:
    vin = fresh_vin()
    first = post(bureau, PATH, plate_body(bureau, vin=vin, situation="export"))
    assert first.status_code == 201, first.text
    second = post(
        bureau,
        PATH,
        plate_body(bureau, vin=vin, situation="export", start=today(bureau) + timedelta(days=1)),
    )
    assert second.status_code == 422
    assert second.json()["code"] == "temporary_plate.limit_reached"


def test_never_past_the_insurance_end(bureau: httpx.Client) -> None:
    start = today(bureau)
    insured_to = start + timedelta(days=10)
    past = post(bureau, PATH, plate_body(bureau, days=11, insurance_end=insured_to))
    assert past.status_code == 422
    (error,) = past.json()["errors"]
    assert (error["field"], error["code"]) == ("valid_to", "temporary_plate.beyond_insurance")
    assert error["allowed"] == f"<= {insured_to.isoformat()}"
    on_the_day = post(bureau, PATH, plate_body(bureau, days=10, insurance_end=insured_to))
    assert on_the_day.status_code == 201, on_the_day.text


def test_research_tests_run_six_calendar_months(bureau: httpx.Client) -> None:
    start = today(bureau)
    six_months = (add_months(start, 6) - start).days
    too_long = post(
        bureau, PATH, plate_body(bureau, situation="research_test", days=six_months + 1)
    )
    assert too_long.status_code == 422
    assert _codes(too_long) == ["temporary_plate.validity_too_long"]
    assert "6 months" in too_long.json()["errors"][0]["message"]
    body = plate_body(bureau, situation="research_test", days=six_months)
    accepted = post(bureau, PATH, body)
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["valid_to"] == add_months(start, 6).isoformat()


def test_a_start_in_the_past_and_missing_papers_are_refused(bureau: httpx.Client) -> None:
    body = plate_body(bureau, start=today(bureau) - timedelta(days=1), uploads=[])
    refused = post(bureau, PATH, body)
    assert refused.status_code == 422
    assert set(_codes(refused)) == {
        "temporary_plate.starts_in_past",
        "temporary_plate.upload_missing",
    }
    missing = {e["value"] for e in refused.json()["errors"] if e["field"] == "uploads"}
    assert missing == {"id_front", "insurance_policy", "invoice", "certificate"}


@pytest.fixture
def short_window(tmp_path: Path, clock: FakeClock) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "short.db", clock=clock, idempotency_ttl=60.0) as running:
        yield running


def test_a_retry_after_the_idempotency_window_returns_the_same_plate(
    short_window: SandboxServer, clock: FakeClock
) -> None:
    with signed(short_window) as bureau:
        vin, start = fresh_vin(), today(bureau)
        created = []
        for index in range(3):
            body = plate_body(bureau, vin=vin, start=start + timedelta(days=31 * index))
            response = post(bureau, PATH, body, key=f"sale-{vin}-{index}")
            assert response.status_code == 201, response.text
            created.append((body, response.json()))
        clock.advance(2 * 3600)  # past the 60-second idempotency window: the keys are forgotten
        last_body, last = created[-1]
        again = post(bureau, PATH, last_body, key=f"sale-{vin}-2")
        assert again.status_code == 200, again.text
        assert again.headers.get("Idempotent-Replayed") is None
        assert again.json()["id"] == last["id"] and again.json()["issue_number"] == 3
        # A new key does the same: the business key decides, no issue is used up.
        fresh = post(bureau, PATH, created[0][0])
        assert fresh.status_code == 200 and fresh.json()["id"] == created[0][1]["id"]
        listed = bureau.get(PATH, params={"vin": vin}).json()["data"]
        assert len(listed) == 3


def test_another_dealers_plate_with_the_same_key_is_not_disclosed(
    bureau: httpx.Client, other: httpx.Client
) -> None:
    body = plate_body(bureau)
    mine = post(bureau, PATH, body)
    assert mine.status_code == 201
    body["store_id"] = "st_demo_campus_1"
    theirs = post(other, PATH, {**body, "uploads": plate_body(other)["uploads"]})
    assert theirs.status_code == 409, theirs.text
    assert theirs.json()["code"] == "temporary_plate.exists"
    assert mine.json()["id"] not in theirs.text
    assert other.get(f"{PATH}/{mine.json()['id']}").status_code == 404


def test_the_bureau_issues_it_on_its_clock(tmp_path: Path, clock: FakeClock) -> None:
    slow = SandboxServer(tmp_path / "slow.db", clock=clock, review_delay=3600)
    with slow, signed(slow) as bureau:
        plate = post(bureau, PATH, plate_body(bureau)).json()
        assert issued(bureau, plate)["status"] == "requested"
        clock.advance(3599)
        assert issued(bureau, plate)["status"] == "requested"
        clock.advance(1)
        now_issued = issued(bureau, plate)
        assert now_issued["status"] == "issued" and now_issued["plate_number"]
        assert now_issued["issued_at"] == plate["issue_due_at"]


def test_the_bureau_counts_with_its_configured_rules(tmp_path: Path, clock: FakeClock) -> None:
    counted = CarRuleConfig(temporary_plates=TemporaryPlateRules(first_day_counts=True))
    strict = SandboxServer(tmp_path / "counted.db", clock=clock, car_rules=counted)
    with strict, signed(strict) as bureau:
        refused = post(bureau, PATH, plate_body(bureau, days=30))
        assert _codes(refused) == ["temporary_plate.validity_too_long"]
        assert post(bureau, PATH, plate_body(bureau, days=29)).status_code == 201
