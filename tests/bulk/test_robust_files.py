"""Real school files: short rows, huge cells, unclosed quotes, title rows, merged cells.

The promise: no row disappears silently. Either every data row a spreadsheet
shows is read (and judged), or the file is refused with a bilingual error that
names the row and the lines.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from vehreg_sdk import VehregError
from vehreg_sdk.bulk.columns import COLUMNS
from vehreg_sdk.bulk.readers import SheetError, open_sheet
from vehreg_sdk.bulk.validate import validate_file
from vehreg_sdk.cli import app
from vehreg_sdk.testing.campus import campus_rows

HEADERS = [c.header_zh for c in COLUMNS]
KEYS = [c.key for c in COLUMNS]
TITLE = "连云港职业教育学校 2026级 电动自行车登记表"


def _lines(today: date, n: int) -> list[list[str]]:
    return [[row.values.get(k, "") for k in KEYS] for row in campus_rows(n, on=today, seed=11)]


def _write_csv(path: Path, rows: list[list[str]], *, title: str | None = None) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        if title is not None:
            handle.write(title + "\r\n")
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(rows)


def _numbers(path: Path) -> list[int]:
    with open_sheet(path) as sheet:
        return [row.row_number for row in sheet.rows()]


def test_short_rows_read_as_empty_cells(tmp_path: Path, today: date) -> None:
    rows = _lines(today, 20)
    full = tmp_path / "full.csv"
    _write_csv(full, rows)
    # What scripts write: trailing empty cells left out, so rows have different lengths.
    short = tmp_path / "short.csv"
    with short.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADERS) + "\n")
        for cells in rows:
            while cells and not cells[-1]:
                cells = cells[:-1]
            handle.write(",".join(cells) + "\n")
        handle.write(",610122500000001,M1\n")  # a row cut short after three cells
    with open_sheet(full) as a, open_sheet(short) as b:
        expected = [r.values for r in a.rows()]
        got = [r.values for r in b.rows()]
    assert got[:20] == expected
    assert got[20]["vehicle_code"] == "610122500000001" and got[20]["owner_name"] == ""
    summary = validate_file(short, on=today)
    assert summary.rows == 21 and summary.valid_rows == 20
    codes = {i.code for i in summary.issues if i.row_number == 22}
    assert "field.required" in codes


def test_a_cell_over_the_csv_size_limit_is_a_file_error(tmp_path: Path, today: date) -> None:
    rows = _lines(today, 5)
    rows[2][KEYS.index("owner_address")] = "宿舍" * 100_000  # 200,000 characters
    path = tmp_path / "huge.csv"
    _write_csv(path, rows)
    with pytest.raises(SheetError) as info:
        validate_file(path, on=today)
    error = info.value
    assert isinstance(error, VehregError)
    assert "row 4" in error.message and "131072" in error.message
    assert "第 4 行" in error.message_zh and "引号" in error.message_zh
    result = CliRunner().invoke(app, ["bulk", "validate", str(path), "--date", today.isoformat()])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "第 4 行" in result.output


def test_an_unclosed_quote_is_a_file_error_not_lost_rows(tmp_path: Path, today: date) -> None:
    rows = _lines(today, 8)
    path = tmp_path / "quote.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(HEADERS) + "\n")
        for index, cells in enumerate(rows):
            if index == 3:  # a stray quote typed at the start of the address
                cells = [*cells]
                cells[KEYS.index("owner_address")] = '"' + cells[KEYS.index("owner_address")]
            handle.write(",".join(cells) + "\n")
    with pytest.raises(SheetError) as info, open_sheet(path) as sheet:
        list(sheet.rows())
    assert "row 5" in info.value.message and "lines 6 to 9" in info.value.message
    assert "第 5 行" in info.value.message_zh and "第 6 至 9 行" in info.value.message_zh
    result = CliRunner().invoke(app, ["bulk", "validate", str(path), "--date", today.isoformat()])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_rows_read_equal_the_rows_a_spreadsheet_shows(tmp_path: Path, today: date) -> None:
    """A quoted cell with a line break (an address on two lines) is one cell, not lost rows."""
    rows = _lines(today, 12)
    for index in (2, 7):
        rows[index][KEYS.index("owner_address")] = "江苏省连云港市海州区\n学生公寓3号楼"
    path = tmp_path / "multi.csv"
    _write_csv(path, rows)
    with path.open(encoding="utf-8", newline="") as handle:
        shown = sum(1 for _ in csv.reader(handle)) - 1  # what Excel shows under the header
    assert _numbers(path) == list(range(2, 2 + shown)) and shown == 12
    assert validate_file(path, on=today).rows == 12


def test_a_title_row_above_the_header_is_skipped(tmp_path: Path, today: date) -> None:
    rows = _lines(today, 6)
    path = tmp_path / "titled.csv"
    _write_csv(path, rows, title=TITLE)
    with open_sheet(path) as sheet:
        assert sheet.title_rows == [1] and sheet.header_row == 2
        assert [r.row_number for r in sheet.rows()] == list(range(3, 9))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "登记表"
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet.append(["填表日期：2026年9月1日"])
    sheet.append(HEADERS)
    for cells in rows:
        sheet.append(cells)
    xlsx = tmp_path / "titled.xlsx"
    workbook.save(xlsx)
    with open_sheet(xlsx) as reader:
        assert reader.title_rows == [1, 2] and reader.header_row == 3
    summary = validate_file(xlsx, on=today)
    assert summary.rows == 6 and summary.ok, [str(i) for i in summary.issues]


def test_merged_cells_are_reported_as_merged_not_as_required(tmp_path: Path, today: date) -> None:
    rows = _lines(today, 6)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "登记表"
    sheet.append(HEADERS)
    for cells in rows:
        sheet.append(cells)
    column = KEYS.index("owner_address") + 1
    # One dormitory address for the students of rows 3 to 5, merged down the column.
    sheet.merge_cells(start_row=3, start_column=column, end_row=5, end_column=column)
    path = tmp_path / "merged.xlsx"
    workbook.save(path)
    summary = validate_file(path, on=today)
    found = {(i.row_number, i.column, i.code) for i in summary.issues}
    assert found == {(4, "owner_address", "cell.merged"), (5, "owner_address", "cell.merged")}
    issue = next(i for i in summary.issues if i.row_number == 4)
    anchor = f"{chr(ord('A') + column - 1)}3"
    assert anchor in issue.message and anchor in issue.message_zh and "合并" in issue.message_zh
