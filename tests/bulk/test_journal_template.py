"""The journal's resume rules, and the template a school office fills in."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from vehreg_sdk.bulk.columns import COLUMNS
from vehreg_sdk.bulk.journal import Journal, JournalError, JournalRow
from vehreg_sdk.bulk.template import write_template
from vehreg_sdk.bulk.validate import validate_file
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
