"""The journal's resume rules, and the template a school office fills in."""

from __future__ import annotations

import csv
import sqlite3
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from vehreg_sdk.bulk.columns import COLUMNS
from vehreg_sdk.bulk.journal import Journal, JournalError, JournalRow
from vehreg_sdk.bulk.readers import open_sheet
from vehreg_sdk.bulk.result import BulkCounts, BulkResult
from vehreg_sdk.bulk.template import write_template
from vehreg_sdk.bulk.validate import find_duplicates, validate_file
from vehreg_sdk.testing.campus import campus_rows


def test_journal_resumes_final_rows_and_resends_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    with Journal(path, store_id="st_1") as journal:
        journal.begin_run()
        to_send, known = journal.claim([("a", "fa", 2), ("b", "fb", 3), ("c", "fc", 4)])
        assert [r for r, _, _ in to_send] == ["a", "b", "c"] and not known
        journal.record([JournalRow(2, "a", "registered", "reg_1", "苏G000001"),
                        JournalRow(3, "b", "rejected", errors=[{"code": "x"}])])  # fmt: skip
        # "c" stays pending: the run died before its outcome arrived.
    with Journal(path, store_id="st_1") as journal:
        assert journal.begin_run() == 2
        to_send, known = journal.claim([("a", "fa", 2), ("b", "fb-fixed", 3), ("c", "fc", 4)])
        assert [r for r, _, _ in to_send] == ["b", "c"]  # fixed content is judged again
        assert [(k.client_reference, k.status, k.resumed) for k in known] == [
            ("a", "registered", True)
        ]
        journal.record([JournalRow(3, "b", "registered", "reg_2", "苏G000002"),
                        JournalRow(4, "c", "registered", "reg_3", "苏G000003")])  # fmt: skip
        counts = journal.counts()
        assert counts["registered"] == 3 and counts["resumed"] == 1 and counts["pending"] == 0
        # The first run still reads its own outcomes.
        assert [r.status for r in journal.rows(1)] == ["registered", "registered", "registered"]


def test_journal_belongs_to_one_store(tmp_path: Path) -> None:
    Journal(tmp_path / "j.sqlite", store_id="st_1").close()
    with pytest.raises(JournalError) as err:
        Journal(tmp_path / "j.sqlite", store_id="st_2")
    assert "st_1" in err.value.message and "门店" in err.value.message_zh


def test_invalid_rows_are_listed_per_run(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.sqlite", store_id="s") as journal:
        journal.begin_run()
        journal.record_invalid([(5, None, [{"code": "mobile.format"}])])
        (row,) = journal.rows()
        assert (row.row_number, row.status, row.errors[0]["code"]) == (
            5,
            "invalid",
            "mobile.format",
        )


def test_xlsx_template_has_headers_instructions_and_drop_downs(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx", product_models=["YF-TDT2400Z", "HF-TDT2401Z"])
    book = load_workbook(path)
    assert book.sheetnames[0] == "登记表"
    data = book["登记表"]
    headers = [c.value for c in data[1]]
    assert headers[1] == "整车编码*" and "车主姓名*" in headers and "监护人同意" in headers
    validated = {str(v.sqref).split(":")[0] for v in data.data_validations.dataValidation}
    letter = {c.key: data.cell(row=1, column=i).column_letter for i, c in enumerate(COLUMNS, 1)}
    for key in ("owner_id_type", "owner_use", "battery_chemistry", "guardian_consent",
                "product_model"):  # fmt: skip
        assert f"{letter[key]}2" in validated, key
    assert data.cell(row=2, column=headers.index("证件号码*") + 1).number_format == "@"
    guide = book["说明 Instructions"]
    text = " ".join(str(c.value) for row in guide.iter_rows() for c in row if c.value)
    assert "vehicle_code" in text and "监护人" in text and "Text" in text


def test_filled_template_validates(tmp_path: Path, today: date) -> None:
    path = write_template(tmp_path / "t.xlsx")
    book = load_workbook(path)
    data = book["登记表"]
    for number, row in enumerate(campus_rows(5, on=today), start=2):
        for index, column in enumerate(COLUMNS, start=1):
            data.cell(row=number, column=index, value=row.values.get(column.key) or None)
    book.save(path)
    summary = validate_file(path, on=today)
    assert summary.rows == 5 and summary.ok, summary.issues


def test_csv_template_opens_in_chinese_excel(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (header,) = list(csv.reader(handle))
    assert header[1] == "整车编码*"
    english = write_template(tmp_path / "en.csv", english_headers=True)
    assert "vehicle_code" in english.read_text("utf-8-sig")


def test_the_duplicate_pass_skips_the_template_s_empty_rows(tmp_path: Path, today: date) -> None:
    """Both passes over a filled-in template see its 5 rows, not its 3,000 formatted ones."""
    path = write_template(tmp_path / "t.xlsx")
    book = load_workbook(path)
    for number, row in enumerate(campus_rows(5, on=today), start=2):
        for index, column in enumerate(COLUMNS, start=1):
            book["登记表"].cell(row=number, column=index, value=row.values.get(column.key) or None)
    book.save(path)
    assert find_duplicates(path).rows_seen == 5
    with open_sheet(path) as sheet:
        assert len(list(sheet.rows())) == 5


def test_a_journal_from_before_warnings_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "INSERT INTO meta VALUES ('store_id', 's'), ('runs', '1');"
            "CREATE TABLE run_rows (run_id INTEGER NOT NULL, row_number INTEGER NOT NULL,"
            " client_reference TEXT, resumed INTEGER NOT NULL DEFAULT 0, errors TEXT,"
            " PRIMARY KEY (run_id, row_number));"
        )
    db.close()
    with Journal(path, store_id="s") as journal:
        assert journal.begin_run() == 2
        warning = {"code": "file.duplicate_id_number", "severity": "warning"}
        journal.claim([("a", "fa", 2)], {2: [warning]})
        (row,) = journal.rows()
        assert row.status == "pending" and row.warnings == [warning]
        assert journal.counts()["flagged"] == 1


def test_the_rejected_rows_export_streams_the_journal(tmp_path: Path) -> None:
    """20,000 refused rows are written out without being held in memory together."""
    rows = 20_000
    errors = [{"row": 0, "column": "owner_mobile", "field": "owner.mobile", "code": "mobile.format",
               "message": "The mobile number must have 11 digits. " * 3,
               "message_zh": "手机号码应为 11 位数字。" * 3, "severity": "error",
               "value": "123****"}]  # fmt: skip
    with Journal(tmp_path / "j.sqlite", store_id="s") as journal:
        run = journal.begin_run()
        journal.record_invalid([(n, None, errors) for n in range(1, rows + 1)])
    result = BulkResult(tmp_path / "j.sqlite", "s", run, BulkCounts(total=rows, invalid=rows))

    def source() -> Iterator[dict[str, str]]:
        for n in range(1, rows + 1):
            yield {"vehicle_code": f"{n:015d}", "owner_mobile": "123"}

    tracemalloc.start()
    try:
        export = result.export_rejected(tmp_path / "fix.csv", source())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    with export.open(encoding="utf-8-sig") as handle:
        assert sum(1 for _ in handle) == rows + 1
    # Holding every refused row with its errors would take well over 20 MB here.
    assert peak < 8 * 1024 * 1024, peak
