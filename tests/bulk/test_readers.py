"""Reading sheets: GBK, UTF-8 with and without BOM, UTF-16, XLSX; headers; Excel's number trap."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from vehreg_sdk.bulk.columns import COLUMNS
from vehreg_sdk.bulk.parse import RowParser
from vehreg_sdk.bulk.readers import SheetError, detect_encoding, open_sheet
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet


def _rows(today: date, n: int = 30) -> list[dict[str, str]]:
    return [row.values for row in campus_rows(n, on=today, seed=3)]


def _read(path: Path) -> list[dict[str, str]]:
    with open_sheet(path) as sheet:
        return [row.values for row in sheet.rows()]


@pytest.mark.parametrize(
    ("encoding", "suffix", "detected"),
    [
        ("gbk", ".csv", "gb18030"),
        ("gb18030", ".csv", "gb18030"),
        ("utf-8-sig", ".csv", "utf-8-sig"),
        ("utf-8", ".csv", "utf-8"),
        ("utf-16", ".txt", "utf-16"),
    ],
)
def test_every_encoding_chinese_excel_writes_reads_the_same(
    tmp_path: Path, today: date, encoding: str, suffix: str, detected: str
) -> None:
    rows = list(campus_rows(30, on=today, seed=3))
    path = tmp_path / f"sheet{suffix}"
    write_campus_sheet(path, rows, encoding=encoding)
    assert detect_encoding(path) == detected
    read = _read(path)
    assert len(read) == 30
    for got, want in zip(read, rows, strict=True):
        assert got["owner_name"] == want.values["owner_name"]  # Chinese text survived
        assert got["owner_address"] == want.values["owner_address"]
        assert got["vehicle_code"] == want.values["vehicle_code"]


def test_xlsx_reads_like_csv(tmp_path: Path, today: date) -> None:
    rows = list(campus_rows(25, on=today, seed=4))
    write_campus_sheet(tmp_path / "a.xlsx", rows)
    write_campus_sheet(tmp_path / "a.csv", rows, encoding="gbk")
    xlsx, gbk = _read(tmp_path / "a.xlsx"), _read(tmp_path / "a.csv")
    assert [{k: v for k, v in r.items() if v} for r in xlsx] == [
        {k: v for k, v in r.items() if v} for r in gbk
    ]


def test_gbk_is_found_even_when_chinese_comes_late(tmp_path: Path) -> None:
    """The whole file is decoded: a first MiB of ASCII does not make a GBK file 'UTF-8'."""
    path = tmp_path / "late.csv"
    header = ",".join(c.key for c in COLUMNS).encode()
    filler = (b"," * (len(COLUMNS) - 1) + b"\n") * 60_000
    path.write_bytes(header + b"\n" + filler + "王小明".encode("gbk") + b"\n")
    assert path.stat().st_size > 1 << 20
    assert detect_encoding(path) == "gb18030"


def test_undecodable_file_is_refused_with_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes("整车编码,".encode() + b"\x80\x80\xff")
    with pytest.raises(SheetError) as err:
        detect_encoding(path)
    assert "offset" in err.value.message and "字节" in err.value.message_zh


def test_english_headers_and_semicolons_are_accepted(tmp_path: Path, today: date) -> None:
    rows = _rows(today, 5)
    path = tmp_path / "en.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([f"{c.key} *" if c.required else c.key.upper() for c in COLUMNS])
        for row in rows:
            writer.writerow([row.get(c.key, "") for c in COLUMNS])
    assert _read(path) == [{c.key: row.get(c.key, "") for c in COLUMNS} for row in rows]


def test_unknown_and_missing_columns_are_all_named(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("整车编码,鞋码,车主姓名\n", encoding="utf-8")
    with pytest.raises(SheetError) as err:
        open_sheet(path)
    assert "鞋码" in err.value.message_zh
    assert "电机编码" in err.value.message_zh and "motor_code" in err.value.message


def test_blank_rows_are_skipped_but_row_numbers_stay_the_sheet_s(
    tmp_path: Path, today: date
) -> None:
    rows = _rows(today, 3)
    path = tmp_path / "gaps.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header_zh for c in COLUMNS])
        writer.writerow([rows[0].get(c.key, "") for c in COLUMNS])
        writer.writerow([""] * len(COLUMNS))
        writer.writerow([rows[1].get(c.key, "") for c in COLUMNS])
    with open_sheet(path) as sheet:
        assert [r.row_number for r in sheet.rows()] == [2, 4]


def test_excel_number_id_is_reported_not_silently_rounded(tmp_path: Path, today: date) -> None:
    row = _rows(today, 1)[0]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c.header_zh for c in COLUMNS])
    values: list[object] = [row.get(c.key, "") for c in COLUMNS]
    values[[c.key for c in COLUMNS].index("owner_id_number")] = float(row["owner_id_number"][:17])
    sheet.append(values)
    workbook.save(tmp_path / "number.xlsx")
    with open_sheet(tmp_path / "number.xlsx") as opened:
        (source,) = list(opened.rows())
    parsed = RowParser(on=today).parse(source.row_number, source.values, source.numeric)
    assert not parsed.ok
    assert "cell.excel_number" in {issue.code for issue in parsed.issues}


def test_csv_scientific_notation_id_is_reported(today: date) -> None:
    row = _rows(today, 1)[0]
    row["owner_id_number"] = "3.20706E+17"
    parsed = RowParser(on=today).parse(2, row)
    codes = [i.code for i in parsed.issues if i.column == "owner_id_number"]
    assert codes[0] == "cell.excel_number"


def test_unsupported_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.ods").write_bytes(b"")
    with pytest.raises(SheetError):
        open_sheet(tmp_path / "a.ods")
