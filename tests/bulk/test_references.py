"""参考号 (``client_reference``) offline: ``bulk validate`` applies exactly the bureau's rule.

A bad 参考号 is reported at its row and column, in both languages, shown escaped
(never printed raw); two rows with one 参考号 are both held back by ``validate``,
not only by ``submit``; and ``submit`` sends the good rows, one bad row never
sinking its neighbours.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vehreg_sdk import VehregClient
from vehreg_sdk.bulk.validate import validate_file
from vehreg_sdk.cli import app
from vehreg_sdk.rules import is_valid_client_reference
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import STORE

#: Row number in the sheet (header is row 1) -> 参考号 that the bureau would refuse.
BAD = {
    3: "S-\u202e0003",  # a right-to-left override
    4: "S-0004\r\nX",  # a line break inside a quoted cell
    5: "学号0005",  # Chinese
    6: "Ｓ-０００６",  # full-width, as a Chinese input method types it
    7: "x" * 256,
    8: "S-\x070008",  # a control character
}
DUPLICATE = (10, 12)


def _sheet(path: Path, today: date, *, rows: int = 14, pool_start: int = 0) -> Path:
    made = list(campus_rows(rows, on=today, pool_start=pool_start, minors_every=0))
    bad = dict(BAD)
    if path.suffix == ".xlsx":  # a worksheet cannot hold a control character at all
        bad[8] = "S-\u200b0008"  # a zero-width space instead
    for number, row in enumerate(made, start=2):
        row.values["client_reference"] = bad.get(number, f"S-{pool_start}-{number:04d}")
        if number in DUPLICATE:
            row.values["client_reference"] = f"DUP-{pool_start}"
    write_campus_sheet(path, made)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_validate_reports_each_bad_reference_at_its_cell(
    tmp_path: Path, today: date, suffix: str
) -> None:
    assert not any(is_valid_client_reference(r) for r in BAD.values())
    sheet = _sheet(tmp_path / f"refs{suffix}", today)
    report = tmp_path / "report.csv"
    summary = validate_file(sheet, on=today, report=report)
    found = {(i.row_number, i.column, i.code) for i in summary.issues if i.is_error}
    expected = {(n, "client_reference", "reference.invalid") for n in BAD}
    expected |= {(n, "client_reference", "file.duplicate_reference") for n in DUPLICATE}
    assert found == expected
    assert summary.error_rows == len(BAD) + len(DUPLICATE)
    assert summary.valid_rows == 14 - summary.error_rows
    issue = next(i for i in summary.issues if i.row_number == 3)
    assert issue.header == "参考号" and "ASCII" in issue.message and "ASCII" in issue.message_zh
    assert issue.value == "S-\\u202e0003"  # escaped: visible, and it cannot reorder the line
    duplicate = next(i for i in summary.issues if i.row_number == DUPLICATE[0])
    assert str(DUPLICATE[1]) in duplicate.message and str(DUPLICATE[1]) in duplicate.message_zh
    text = report.read_text(encoding="utf-8-sig")
    assert "\u202e" not in text and "\x07" not in text
    with report.open(encoding="utf-8-sig", newline="") as handle:
        rows = {int(r["行号 row"]) for r in csv.DictReader(handle)}
    assert rows == set(BAD) | set(DUPLICATE)


def test_cli_validate_names_the_row_and_column(tmp_path: Path, today: date) -> None:
    sheet = _sheet(tmp_path / "refs.csv", today)
    result = CliRunner().invoke(app, ["bulk", "validate", str(sheet), "--date", today.isoformat()])
    assert result.exit_code == 1, result.output
    assert "reference.invalid" in result.output and "file.duplicate_reference" in result.output
    assert "参考号" in result.output
    assert "\u202e" not in result.output and "\x07" not in result.output


def test_submit_sends_the_good_rows_and_reports_the_bad_ones(
    client: VehregClient, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = _sheet(tmp_path / "refs.csv", today, pool_start=pool_start)
    result = client.bulk.submit(sheet, store_id=STORE, journal=tmp_path / "j")
    assert result.counts.total == 14
    assert result.counts.registered == 14 - len(BAD) - len(DUPLICATE)
    refused = {row.row_number: row.errors[0]["code"] for row in result.outcomes()
               if row.status != "registered"}  # fmt: skip
    assert refused == {
        **dict.fromkeys(BAD, "reference.invalid"),
        **dict.fromkeys(DUPLICATE, "file.duplicate_reference"),
    }
    references = {r.client_reference for r in client.ebike_registrations.list(store_id=STORE)}
    assert all(is_valid_client_reference(r) for r in references)
