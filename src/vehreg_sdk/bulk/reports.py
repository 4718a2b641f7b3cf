"""Files a person reads after a bulk run: issue reports, rejected-row exports, result sheets.

* :class:`IssueReport` (``bulk validate --report``): ``.csv``, one line per
  issue with its row, column, masked value and both messages; or ``.xlsx``,
  the rows that have issues with the bad cells highlighted (red: error,
  yellow: warning) plus a ``问题 Issues`` sheet listing every issue.
* :class:`RowsWriter`: rows in the input's own format (same encoding and
  delimiter for CSV) with a leading ``行号`` column and trailing extra columns
  (``错误 error``, plate, status). The rejected-rows export and the result
  sheet are both this; the readers ignore ``行号`` and ``错误 error``, so a
  fixed export can be submitted as it is.

Everything is written row by row (openpyxl write-only mode for XLSX).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from .columns import ERROR_COLUMN, ROW_COLUMN, spec_of
from .parse import RowIssue
from .readers import SheetReader, SourceRow

__all__ = ["IssueReport", "RowsWriter", "issues_text"]

_ISSUE_HEADERS = (
    "行号 row",
    "列 column",
    "值 value",
    "级别 severity",
    "代码 code",
    "说明",
    "message",
)


def issues_text(issues: Sequence[RowIssue | dict[str, Any]]) -> str:
    """The issues of one row as one cell: ``列: 中文 / English [code]; …``."""
    parts = []
    for issue in issues:
        data = issue.to_dict() if isinstance(issue, RowIssue) else issue
        key = data.get("column") or ""
        spec = spec_of(key)
        column = spec.header_zh if spec is not None else (key or data.get("field") or "")
        prefix = f"{column}: " if column else ""
        severity = "" if data.get("severity", "error") == "error" else "(warning) "
        parts.append(
            f"{prefix}{severity}{data.get('message_zh', '')} / {data.get('message', '')} "
            f"[{data.get('code', '')}]"
        )
    return "; ".join(parts)


class RowsWriter:
    """Rows of a sheet written back in its format, with 行号 first and extra columns last."""

    def __init__(
        self,
        path: Path,
        *,
        format: str,
        headers: Sequence[str],
        keys: Sequence[str | None],
        extra_headers: Sequence[str] = ERROR_COLUMN,
        encoding: str | None = "utf-8-sig",
        delimiter: str = ",",
        drop: Sequence[int] = (),
    ) -> None:
        self.path = path
        self.format = format
        # The input's own 行号 and 错误 columns (a resubmitted export) are written afresh.
        self._drop = frozenset(drop)
        headers = [h for i, h in enumerate(headers) if i not in self._drop]
        self.keys = [k for i, k in enumerate(keys) if i not in self._drop]
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        header = [ROW_COLUMN[0], *headers, *extra_headers]
        self._handle: IO[str] | None = None
        self._workbook: Any = None
        if format == "csv":
            # A detected "utf-8" stays UTF-8; GB18030 stays GB18030 (what Chinese Excel reads).
            self._handle = path.open("w", encoding=encoding or "utf-8-sig", newline="")
            self._csv = csv.writer(self._handle, delimiter=delimiter)
            self._csv.writerow(header)
        else:
            from openpyxl import Workbook
            from openpyxl.cell import WriteOnlyCell
            from openpyxl.comments import Comment
            from openpyxl.styles import Font, PatternFill

            self._cell, self._comment = WriteOnlyCell, Comment
            self._error_fill = PatternFill("solid", fgColor="FFC7CE")
            self._warning_fill = PatternFill("solid", fgColor="FFEB9C")
            self._workbook = Workbook(write_only=True)
            self._sheet = self._workbook.create_sheet("登记表")
            bold = Font(bold=True)
            cells = []
            for text in header:
                cell = WriteOnlyCell(self._sheet, value=text)
                cell.font = bold
                cells.append(cell)
            self._sheet.append(cells)

    @classmethod
    def like(
        cls, path: Path, sheet: SheetReader, extra_headers: Sequence[str] = ERROR_COLUMN
    ) -> RowsWriter:
        """A writer in the format of an open sheet (XLSX if ``path`` ends ``.xlsx``)."""
        fmt = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"
        same = fmt == sheet.format == "csv"
        return cls(
            path,
            format=fmt,
            headers=sheet.headers,
            keys=sheet.keys,
            extra_headers=extra_headers,
            encoding=_writable_encoding(sheet.encoding) if same else "utf-8-sig",
            delimiter=sheet.delimiter if same else ",",
            drop=sheet.own_columns,
        )

    def add(
        self,
        row_number: int,
        cells: Sequence[Any],
        issues: Sequence[RowIssue | dict[str, Any]] = (),
        extra: Sequence[Any] | None = None,
    ) -> None:
        """One row: its cells as read, its issues (highlighted in XLSX), then ``extra`` cells."""
        self.rows += 1
        tail = list(extra) if extra is not None else [issues_text(issues)]
        if self._drop:
            cells = [c for i, c in enumerate(cells) if i not in self._drop]
        padded = list(cells) + [None] * (len(self.keys) - len(cells))
        if self._handle is not None:
            self._csv.writerow([row_number, *("" if c is None else c for c in padded), *tail])
            return
        severity: dict[str, str] = {}
        for issue in issues:
            data = issue.to_dict() if isinstance(issue, RowIssue) else issue
            column = data.get("column")
            if column and severity.get(column) != "error":
                severity[column] = str(data.get("severity", "error"))
        out = [self._cell(self._sheet, value=row_number)]
        for index, value in enumerate(padded):
            cell = self._cell(self._sheet, value=value)
            key = self.keys[index] if index < len(self.keys) else None
            level = severity.get(key or "")
            if level is not None:
                cell.fill = self._error_fill if level == "error" else self._warning_fill
            out.append(cell)
        out.extend(self._cell(self._sheet, value=value) for value in tail)
        self._sheet.append(out)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._workbook is not None:
            # Saved beside the target, then moved onto it: a report Excel holds open (Windows
            # refuses the move) or a crash mid-save leaves the last good file, never half one.
            workbook, self._workbook = self._workbook, None
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
            try:
                workbook.save(partial)
                os.replace(partial, self.path)
            finally:
                partial.unlink(missing_ok=True)


def _writable_encoding(encoding: str | None) -> str:
    if encoding in (None, "utf-16"):
        return "utf-8-sig"
    return encoding


class IssueReport:
    """The report of ``bulk validate``: CSV (one line per issue) or XLSX (rows highlighted)."""

    def __init__(self, path: Path, sheet: SheetReader) -> None:
        self.path = path
        self._rows: RowsWriter | None = None
        self._issues_sheet: Any = None
        self._handle: IO[str] | None = None
        if path.suffix.lower() == ".xlsx":
            self._rows = RowsWriter.like(path, sheet)
            self._issues_sheet = self._rows._workbook.create_sheet("问题 Issues")
            self._issues_sheet.append(list(_ISSUE_HEADERS))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = path.open("w", encoding="utf-8-sig", newline="")
            self._csv = csv.writer(self._handle)
            self._csv.writerow(_ISSUE_HEADERS)

    @classmethod
    def open(cls, path: Path, sheet: SheetReader) -> IssueReport:
        return cls(path, sheet)

    def add(self, row: SourceRow, issues: Sequence[RowIssue]) -> None:
        if not issues:
            return
        lines = [
            (i.row_number, i.header or i.column or "", i.value or "", i.severity, i.code,
             i.message_zh, i.message)
            for i in issues
        ]  # fmt: skip
        if self._handle is not None:
            self._csv.writerows(lines)
            return
        assert self._rows is not None
        self._rows.add(row.row_number, row.cells, issues)
        for line in lines:
            self._issues_sheet.append(list(line))

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if self._rows is not None:
            self._rows.close()
            self._rows = None
