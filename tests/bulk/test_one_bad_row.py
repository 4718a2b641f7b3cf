"""One bad row never stops a run: a bad 参考号, a row the bureau refuses, resubmitted files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from vehreg_sdk import VehregClient
from vehreg_sdk.bulk import submitter
from vehreg_sdk.bulk.columns import COLUMNS
from vehreg_sdk.bulk.submitter import Pending, single_key
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import STORE

KEYS = [c.key for c in COLUMNS]


def _sheet_with_references(path: Path, today: date, pool_start: int, bad: str) -> None:
    rows = list(campus_rows(150, on=today, pool_start=pool_start, minors_every=0))
    for index, row in enumerate(rows):
        row.values["client_reference"] = f"S2026{pool_start:05d}{index:04d}"
    rows[40].values["client_reference"] = bad  # row 42 of the sheet
    write_campus_sheet(path, rows)


@pytest.mark.parametrize("mode", ["batch", "single"])
def test_a_bad_reference_among_150_good_rows_leaves_149_registered(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int, mode: str
) -> None:
    sheet = tmp_path / "refs.xlsx"
    _sheet_with_references(sheet, today, pool_start, "学号 2026-041\r\n")
    result = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j", mode=mode)  # type: ignore[arg-type]
    assert result.complete, result.stop_reason
    assert result.counts.total == 150 and result.counts.registered == 149
    (bad,) = [row for row in result.outcomes() if row.status != "registered"]
    assert bad.row_number == 42 and bad.status == "invalid"
    assert bad.errors[0]["column"] == "client_reference"
    assert bad.errors[0]["code"] == "reference.invalid" and "ASCII" in bad.errors[0]["message_zh"]
    registered = {r.client_reference for r in client.ebike_registrations.list(store_id=STORE)}
    assert f"S2026{pool_start:05d}0041" in registered


def test_a_row_the_bureau_refuses_is_rejected_alone(
    client: VehregClient,
    tmp_path: Path,
    today: date,
    pool_start: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the offline check, the bureau refuses the batch; the runner splits it."""
    from vehreg_sdk.bulk import parse

    monkeypatch.setattr(parse, "is_valid_client_reference", lambda value: True)
    monkeypatch.setattr(submitter, "validate_client_reference", lambda value: [])
    sheet = tmp_path / "refs.xlsx"
    _sheet_with_references(sheet, today, pool_start, "学号2026041")
    result = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j", batch_size=50)
    assert result.complete and result.counts.registered == 149
    (bad,) = [row for row in result.outcomes() if row.status != "registered"]
    assert bad.row_number == 42 and bad.status == "rejected"
    assert bad.errors[0]["column"] == "client_reference"
    assert bad.errors[0]["message_zh"]


def test_no_cell_text_goes_into_an_http_header() -> None:
    pending = Pending("学号-041", "f" * 32, 42, {})
    key = single_key(pending)
    assert key.isascii() and "041" not in key and key.startswith("bulk-")
    assert single_key(Pending("学号-041", "f" * 32, 43, {})) == key  # the same row, the same key


def test_a_resubmitted_rejected_file_reports_the_original_row_numbers(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / "school.csv"
    expected = write_campus_sheet(
        sheet, campus_rows(60, on=today, bad_every=20, pool_start=pool_start)
    )
    first = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j")
    exported = first.export_rejected(tmp_path / "school.rejected.csv")
    # Submitted again as it is (nothing fixed), with another journal: the same rows refused,
    # named by the rows of the school's file, not of the export.
    again = client.bulk.submit(exported, store_id=STORE, journal=tmp_path / "j2")
    refused = {r.row_number: r.errors[0]["code"] for r in again.outcomes()}
    assert refused == expected
    twice = again.export_rejected(tmp_path / "again.rejected.csv")
    with twice.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0].count("行号") == 1 and table[0].count("错误 error") == 1
    assert [int(line[0]) for line in table[1:]] == sorted(expected)
