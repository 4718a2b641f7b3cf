"""Bulk campus registrations (批量登记): from a spreadsheet to plates, resumable, row by row.

The pieces, each usable on its own::

    from vehreg_sdk.bulk import open_sheet, validate_file, write_template

    write_template("school.xlsx")                       # Chinese headers, drop-downs
    summary = validate_file("school.csv", report="school.report.csv")   # offline
    result = client.bulk.submit("school.csv", store_id="st_…", journal="school.journal")
    result.counts, result.export_rejected("fix-me.csv")

* readers: CSV in UTF-8 (with or without BOM) or GBK/GB18030, decided by
  decoding, not guessed; XLSX through openpyxl; streamed;
* the rules: the bureau's own (:func:`vehreg_sdk.rules.check_ebike_registration`),
  plus duplicates across the file and the catalogue snapshot;
* the journal: SQLite (WAL) on disk, one key and outcome per row, so a rerun
  resumes and never registers a row twice;
* the reports: every issue with row, column, masked value and both languages;
  rejected rows exported in the input's own format, ready to fix.

Names are imported on first use, so ``import vehreg_sdk.bulk`` is cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .columns import COLUMNS, Column
    from .journal import Journal, JournalRow
    from .parse import ParsedRow, RowIssue, RowParser
    from .readers import SheetError, SheetReader, SourceRow, detect_encoding, open_sheet
    from .result import BulkCounts, BulkResult
    from .submitter import BulkProgress
    from .template import write_template
    from .validate import ValidationSummary, validate_file

_LAZY = {
    "COLUMNS": ".columns",
    "Column": ".columns",
    "Journal": ".journal",
    "JournalRow": ".journal",
    "ParsedRow": ".parse",
    "RowIssue": ".parse",
    "RowParser": ".parse",
    "SheetError": ".readers",
    "SheetReader": ".readers",
    "SourceRow": ".readers",
    "detect_encoding": ".readers",
    "open_sheet": ".readers",
    "BulkCounts": ".result",
    "BulkResult": ".result",
    "BulkProgress": ".submitter",
    "write_template": ".template",
    "ValidationSummary": ".validate",
    "validate_file": ".validate",
}

__all__ = [
    "COLUMNS",
    "BulkCounts",
    "BulkProgress",
    "BulkResult",
    "Column",
    "Journal",
    "JournalRow",
    "ParsedRow",
    "RowIssue",
    "RowParser",
    "SheetError",
    "SheetReader",
    "SourceRow",
    "ValidationSummary",
    "detect_encoding",
    "open_sheet",
    "validate_file",
    "write_template",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vehreg_sdk.bulk' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)
