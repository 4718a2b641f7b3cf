"""``bulk validate``: every bad row with its row number, duplicates, minors, reports, exit codes."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from vehreg_sdk.bulk.parse import RowParser
from vehreg_sdk.bulk.validate import validate_file
from vehreg_sdk.cli import app
from vehreg_sdk.rules.config import DEFAULT_CONFIG, MinorPolicy
from vehreg_sdk.testing import fake_resident_id
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

RAW_ID = re.compile(r"(?<!\d)[1-9]\d{5}(?:19|20)\d{2}\d{7}[\dX](?!\d)")
RAW_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.mark.parametrize(
    ("suffix", "encoding"), [(".csv", "gbk"), (".csv", "utf-8-sig"), (".xlsx", "")]
)
def test_five_percent_bad_rows_are_each_reported_with_their_row(
    tmp_path: Path, today: date, snapshot: dict[str, Any], suffix: str, encoding: str
) -> None:
    path = tmp_path / f"school{suffix}"
    expected = write_campus_sheet(
        path, campus_rows(400, on=today, bad_every=20), encoding=encoding or "utf-8"
    )
    assert len(expected) == 20  # 5 %
    summary = validate_file(path, on=today, catalogue=snapshot, report=tmp_path / "r.csv")
    assert summary.rows == 400
    assert summary.error_rows == 20 and summary.valid_rows == 380
    found = {(i.row_number, i.code) for i in summary.issues if i.is_error}
    assert found == set(expected.items())
    with (tmp_path / "r.csv").open(encoding="utf-8-sig") as handle:
        report = list(csv.DictReader(handle))
    assert {(int(r["行号 row"]), r["代码 code"]) for r in report} == set(expected.items())
    assert all(r["说明"] and r["message"] and r["列 column"] for r in report)


def test_duplicates_hold_back_every_row_involved(tmp_path: Path, today: date) -> None:
    rows = list(campus_rows(6, on=today))
    rows[4].values["vehicle_code"] = rows[1].values["vehicle_code"]
    rows[5].values["owner_id_number"] = rows[2].values["owner_id_number"]
    write_campus_sheet(tmp_path / "dup.csv", rows)
    summary = validate_file(tmp_path / "dup.csv", on=today)
    codes = {(i.row_number, i.code) for i in summary.issues}
    assert {(3, "file.duplicate_vehicle_code"), (6, "file.duplicate_vehicle_code")} <= codes
    assert {(4, "file.duplicate_id_number"), (7, "file.duplicate_id_number")} <= codes
    first = next(i for i in summary.issues if i.row_number == 3)
    assert "6" in first.message and "6" in first.message_zh
    assert summary.error_rows == 4


def test_owner_duplicates_can_be_warnings(tmp_path: Path, today: date) -> None:
    rows = list(campus_rows(3, on=today))
    rows[2].values["owner_id_number"] = rows[0].values["owner_id_number"]
    write_campus_sheet(tmp_path / "dup.csv", rows)
    summary = validate_file(tmp_path / "dup.csv", on=today, owner_duplicates="warning")
    assert summary.error_rows == 0 and summary.warning_rows == 2


def _minor(today: date, age: int, **extra: str) -> dict[str, str]:
    row = next(iter(campus_rows(1, on=today, minors_every=0))).values
    row["owner_id_number"] = fake_resident_id(
        __import__("random").Random(age), today - timedelta(days=365 * age + 60)
    )
    row.update(extra)
    return row


GUARDIAN = {"guardian_name": "王大明", "guardian_id_number": "320706197805061230",
            "guardian_mobile": "13912341234"}  # fmt: skip


def _fix_guardian_id(today: date) -> dict[str, str]:
    import random

    return {**GUARDIAN, "guardian_id_number": fake_resident_id(random.Random(1), date(1978, 5, 6))}


def test_minor_rules(today: date) -> None:
    parser = RowParser(on=today)
    guardian = _fix_guardian_id(today)
    codes = lambda row: {i.code for i in parser.parse(2, row).issues}  # noqa: E731
    assert "owner.guardian_required" in codes(_minor(today, 17))
    assert codes(_minor(today, 17, **guardian)) == set()
    assert "owner.under_16" in codes(_minor(today, 15, **guardian))
    young = codes(_minor(today, 13, **guardian))
    assert {"owner.under_16", "owner.guardian_consent_required"} <= young
    assert "owner.guardian_consent_required" not in codes(
        _minor(today, 13, **guardian, guardian_consent="是")
    )


def test_a_guardian_must_be_an_adult_and_complete(today: date) -> None:
    parser = RowParser(on=today)
    young_guardian = {**GUARDIAN, "guardian_id_number": fake_resident_id(
        __import__("random").Random(3), today - timedelta(days=365 * 17))}  # fmt: skip
    issues = parser.parse(2, _minor(today, 17, **young_guardian)).issues
    assert [(i.code, i.column) for i in issues] == [
        ("owner.guardian_under_18", "guardian_id_number")
    ]
    assert issues[0].value and "*" in issues[0].value  # the ID number is masked
    partial = parser.parse(2, _minor(today, 17, guardian_name="王大明")).issues
    assert {(i.code, i.column) for i in partial} == {
        ("id_number.required", "guardian_id_number"),
        ("mobile.required", "guardian_mobile"),
    }


def test_under_16_can_be_a_warning(today: date) -> None:
    relaxed = DEFAULT_CONFIG.replace(minor_policy=MinorPolicy(under_16_severity="warning"))
    parsed = RowParser(on=today, config=relaxed).parse(
        2, _minor(today, 15, **_fix_guardian_id(today))
    )
    assert parsed.ok
    assert [(i.code, i.severity) for i in parsed.issues] == [("owner.under_16", "warning")]


def test_xlsx_report_highlights_the_bad_cells(
    tmp_path: Path, today: date, snapshot: dict[str, Any]
) -> None:
    expected = write_campus_sheet(tmp_path / "s.xlsx", campus_rows(60, on=today, bad_every=20))
    validate_file(
        tmp_path / "s.xlsx", on=today, catalogue=snapshot, report=tmp_path / "s.report.xlsx"
    )
    book = load_workbook(tmp_path / "s.report.xlsx")
    sheet = book["登记表"]
    headers = [c.value for c in sheet[1]]
    assert headers[0] == "行号" and headers[-1] == "错误 error"
    rows = list(sheet.iter_rows(min_row=2))
    assert {r[0].value for r in rows} == set(expected)
    # The cells highlighted in red are exactly the columns the issues name, row by row.
    named: dict[int, set[str]] = {}
    issues = list(book["问题 Issues"].iter_rows(min_row=2, values_only=True))
    for number, column, *_ in issues:
        named.setdefault(int(number), set()).add(column)
    for row in rows:
        red = {headers[c.column - 1] for c in row if c.fill.fgColor.rgb in ("00FFC7CE", "FFFFC7CE")}
        assert red == named[row[0].value], f"row {row[0].value}"
        assert row[-1].value and "[" in row[-1].value  # the error column names the code
    assert len(issues) == len(expected)


def test_parallel_and_single_process_agree(tmp_path: Path, today: date) -> None:
    write_campus_sheet(tmp_path / "p.csv", campus_rows(5000, on=today, bad_every=20))
    one = validate_file(tmp_path / "p.csv", on=today, report=tmp_path / "one.csv", jobs=1)
    two = validate_file(tmp_path / "p.csv", on=today, report=tmp_path / "two.csv", jobs=2)
    assert (one.rows, one.error_rows, one.errors) == (two.rows, two.error_rows, two.errors)
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()


def test_cli_exit_codes_and_masked_console(tmp_path: Path, today: date) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    write_campus_sheet(bad, campus_rows(40, on=today, bad_every=20), encoding="gbk")
    result = runner.invoke(app, ["bulk", "validate", str(bad), "--date", today.isoformat()])
    assert result.exit_code == 1, result.output
    assert "12" in result.output and "id_number.checksum" in result.output
    assert not RAW_ID.search(result.output) and not RAW_MOBILE.search(result.output)
    assert (tmp_path / "bad.report.csv").exists()
    good = tmp_path / "good.xlsx"
    write_campus_sheet(good, campus_rows(10, on=today))
    result = runner.invoke(app, ["bulk", "validate", str(good), "--date", today.isoformat()])
    assert result.exit_code == 0, result.output
    missing = runner.invoke(app, ["bulk", "validate", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2


def test_cli_under_16_is_an_error_unless_made_a_warning(
    tmp_path: Path, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    rows = list(campus_rows(3, on=today, minors_every=0))
    young = _minor(today, 15, **_fix_guardian_id(today))
    rows[1].values.update({k: v for k, v in young.items() if k.startswith(("owner_", "guardian_"))})
    sheet = tmp_path / "young.csv"
    write_campus_sheet(sheet, rows)
    runner = CliRunner()
    strict = runner.invoke(app, ["bulk", "validate", str(sheet), "--date", today.isoformat()])
    assert strict.exit_code == 1 and "owner.under_16" in strict.output
    assert "1 with errors" in strict.output, strict.output
    relaxed = runner.invoke(
        app, ["bulk", "validate", str(sheet), "--date", today.isoformat(), "--under-16", "warning"]
    )
    assert relaxed.exit_code == 0, relaxed.output
    assert "owner.under_16" in relaxed.output and "(warning 提示)" in relaxed.output
    assert "0 with errors" in relaxed.output and "1 with warnings" in relaxed.output
