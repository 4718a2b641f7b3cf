"""Streaming readers for bulk sheets: CSV in UTF-8 or GBK/GB18030, and XLSX.

Chinese Excel saves "CSV" in the system code page, GBK, unless the user picks
"CSV UTF-8", which adds a byte-order mark. The encoding is therefore
*decided*, not guessed, in this order:

1. a byte-order mark: UTF-8 (``utf-8-sig``) or UTF-16 (Excel's "Unicode text");
2. otherwise the whole file is decoded as strict UTF-8, in 1 MiB steps. UTF-8's
   multi-byte structure makes Chinese GBK text fail this check almost at once,
   and a file that passes *is* UTF-8 (pure ASCII is the same in both);
3. otherwise the whole file is decoded as strict GB18030, the superset of GBK
   and GB2312 that Chinese Windows uses;
4. a file that is neither is refused with the byte offset of the first bad
   byte, instead of being read as mojibake.

No statistical guessing library is involved, so the same bytes always give the
same answer. Rows are yielded one at a time; nothing holds the whole file.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Literal

from ._csvfile import SheetError, csv_records, sniff
from ._csvfile import detect_encoding as _detect_encoding
from ._xlsxmerge import MergedCells, merged_cells
from .columns import EBIKE_COLUMN_SET, ColumnSet, HeaderError, own_column

__all__ = [
    "SheetError",
    "SheetFormat",
    "SheetReader",
    "SourceRow",
    "cell_text",
    "detect_encoding",
    "open_sheet",
    "sheet_format",
]

SheetFormat = Literal["csv", "xlsx"]
#: The sheet the template writes data to; other workbooks use their first sheet.
DATA_SHEET = "登记表"
#: Rows above the header that may be titles (the school's name, the term, a date).
MAX_TITLE_ROWS: Final = 5


@dataclass(slots=True)
class SourceRow:
    """One data row: its number as the spreadsheet shows it (the header is row 1 or later).

    ``values`` maps column keys to the cell text, stripped; ``numeric`` names
    the columns whose XLSX cell held a number rather than text (Excel keeps only
    15 significant digits of a number, so an 18-digit ID number typed into a
    General cell has lost digits). ``merged`` maps the columns whose empty cell
    is covered by a merge to the merge's first cell (``J5``), where its value is.
    """

    row_number: int
    values: dict[str, str]
    numeric: frozenset[str] = field(default_factory=frozenset)
    cells: list[Any] = field(default_factory=list)
    """The row's cells exactly as read (what an export writes back)."""
    merged: dict[str, str] = field(default_factory=dict)


def sheet_format(path: Path) -> SheetFormat:
    """``xlsx`` for .xlsx/.xlsm, ``csv`` for .csv/.txt; anything else is refused."""
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".csv", ".txt", ".tsv"}:
        return "csv"
    raise SheetError(
        f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx",
        f"{path.name}：不支持的文件类型 {suffix!r}，请使用 .csv 或 .xlsx",
    )


def detect_encoding(path: Path) -> str:
    """The text encoding of a CSV file: ``utf-8-sig``, ``utf-16``, ``utf-8`` or ``gb18030``.

    See the module docstring for the order. Raises :class:`SheetError` when the
    file is neither UTF-8 nor GB18030.
    """
    with path.open("rb") as handle:
        return _detect_encoding(handle, path.name)


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious ``.0``, dates as ISO, booleans as 是/否."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class SheetReader:
    """An open sheet: its format, encoding, headers and a stream of rows.

    Use :func:`open_sheet` as a context manager. Iterating ``rows()`` yields a
    :class:`SourceRow` per non-blank data row; ``raw_rows()`` yields the cells
    exactly as read, which the rejected-rows export writes back.

    Title rows above the header (a school's name merged across the columns)
    are skipped and listed in ``title_rows``. A file that has a ``行号``
    column (a rejected-rows export, fixed and submitted again) numbers its
    rows by it, so reports name the rows of the original file.
    """

    def __init__(self, path: Path, columns: ColumnSet | None = None) -> None:
        self.path = path
        #: The kind of sheet (e-bike or car): its columns and header names.
        self.columns = columns or EBIKE_COLUMN_SET
        self.format: SheetFormat = sheet_format(path)
        self.encoding: str | None = None
        self.delimiter: str = ","
        self.headers: list[str] = []
        self.keys: list[str | None] = []
        self.header_row: int = 1
        self.title_rows: list[int] = []
        #: Indexes of the columns the SDK's own exports add (行号, 错误 error).
        self.own_columns: list[int] = []
        self.row_number_column: int | None = None
        self._merges = MergedCells([])
        self._text: IO[str] | None = None
        self._workbook: Any = None
        self._raw: Iterator[tuple[int, list[Any]]] = iter(())
        try:
            if self.format == "csv":
                self._open_csv()
            else:
                self._open_xlsx()
        except HeaderError as exc:
            self.close()
            raise SheetError(
                f"{path.name}: {exc.message}", f"{path.name}：{exc.message_zh}"
            ) from exc
        except BaseException:
            self.close()
            raise

    # -- opening
    def _open_csv(self) -> None:
        self.encoding = detect_encoding(self.path)
        self._text = self.path.open("r", encoding=self.encoding, newline="")
        self.delimiter = sniff(self._text)
        # Spreadsheet row numbers count records, not physical lines (a cell may hold a newline).
        self._raw = self._after_header(csv_records(self._text, self.delimiter, self.path.name))

    def _open_xlsx(self) -> None:
        try:
            import openpyxl
        except ImportError as exc:  # pragma: no cover - the [bulk] extra is missing
            raise SheetError(
                "reading .xlsx needs openpyxl: pip install 'vehreg-sdk[bulk]'",
                "读取 .xlsx 需要 openpyxl：pip install 'vehreg-sdk[bulk]'",
            ) from exc
        try:
            self._workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
            names = self._workbook.sheetnames
            sheet = (
                self._workbook[DATA_SHEET] if DATA_SHEET in names else self._workbook.worksheets[0]
            )
            self._merges = merged_cells(sheet)
        except Exception as exc:
            raise SheetError(
                f"{self.path.name} is not a readable .xlsx workbook ({type(exc).__name__})",
                f"{self.path.name} 不是可读取的 .xlsx 工作簿（{type(exc).__name__}）",
            ) from exc
        numbered = enumerate((list(r) for r in sheet.iter_rows(values_only=True)), start=1)
        self._raw = self._after_header(numbered)

    def _after_header(
        self, numbered: Iterator[tuple[int, list[Any]]]
    ) -> Iterator[tuple[int, list[Any]]]:
        """Find the header (skipping title rows above it); the data rows that follow it."""
        for number, cells in numbered:
            texts = [cell_text(c) for c in cells]
            filled = [t for t in texts if t]
            if not filled:
                continue
            try:
                self.keys = self.columns.match_headers(texts)
            except HeaderError:
                room = len(self.title_rows) < MAX_TITLE_ROWS
                if room and self._is_title(number, filled, len(texts)):
                    self.title_rows.append(number)
                    continue
                raise
            self.header_row = number
            self.headers = texts
            break
        else:
            raise SheetError(f"{self.path.name} has no header row", f"{self.path.name} 没有表头行")
        for index, text in enumerate(self.headers):
            kind = own_column(text)
            if kind is not None:
                self.own_columns.append(index)
            if kind == "row" and self.row_number_column is None:
                self.row_number_column = index
        if self.row_number_column is not None:
            return self._original_numbers(numbered, self.row_number_column)
        return numbered

    def _is_title(self, number: int, filled: list[str], width: int) -> bool:
        """A row above the header with a line of text, not column names (a merged title)."""
        if any(self.columns.column_for_header(text) for text in filled):
            return False
        return len(filled) <= 2 or self._merges.spans_row(number, width)

    def _original_numbers(
        self, numbered: Iterator[tuple[int, list[Any]]], index: int
    ) -> Iterator[tuple[int, list[Any]]]:
        """Rows numbered by their ``行号`` cell: the row numbers of the file they came from."""
        mapped = [i for i, k in enumerate(self.keys) if k is not None]
        previous = 0
        for number, cells in numbered:
            text = cell_text(cells[index]) if index < len(cells) else ""
            if not text and not _filled(cells, mapped):
                yield number, cells  # a blank row: skipped by every reader
                continue
            if not text.isdigit() or int(text) <= previous:
                raise SheetError(
                    f"{self.path.name}: row {number} has 行号 {text!r}; the 行号 column holds the "
                    "row numbers of the original file, each a number greater than the one above "
                    "it. Restore it, or delete the whole 行号 column to number the rows as this "
                    "file shows them",
                    f"{self.path.name}：第 {number} 行的行号为“{text}”；行号列记录原文件中的行号，"
                    "应为逐行递增的数字。请恢复该列，或删除整个行号列以按本文件的行号编号",
                )
            previous = int(text)
            yield previous, cells

    # -- reading
    def raw_rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(row_number, cells)`` for every data row, blank rows included, cells as read."""
        return self._raw

    def rows(self) -> Iterator[SourceRow]:
        """Every non-blank data row as a :class:`SourceRow`, streamed."""
        keys = self.keys
        width = len(keys)
        pairs = [(i, k) for i, k in enumerate(keys) if k is not None]
        names = [k for _, k in pairs]
        pick = operator.itemgetter(*[i for i, _ in pairs]) if len(pairs) > 1 else None
        is_csv = self.format == "csv"
        # A short CSV row (tools omit trailing empty cells) reads as empty cells.
        filler = "" if is_csv else None
        merges = self._merges if self.row_number_column is None else None
        for number, cells in self._raw:
            if len(cells) < width:
                cells = [*cells, *([filler] * (width - len(cells)))]
            if is_csv and pick is not None:
                values = dict(zip(names, map(str.strip, pick(cells)), strict=True))
                numeric: frozenset[str] = frozenset()
            else:
                values = {key: cell_text(cells[i]) for i, key in pairs}
                numeric = frozenset(
                    key
                    for i, key in pairs
                    if isinstance(cells[i], int | float) and not isinstance(cells[i], bool)
                )
            if not any(values.values()):
                continue
            merged: dict[str, str] = {}
            if merges:
                for index, anchor in merges.covered(number):
                    key = self.keys[index] if index < width else None
                    if key is not None and not values[key]:
                        merged[key] = anchor
            yield SourceRow(number, values, numeric, cells, merged)

    def values_of(self, cells: Sequence[Any]) -> dict[str, str]:
        """The column-key -> text mapping of one row's raw cells."""
        size = len(cells)
        return {k: cell_text(cells[i]) if i < size else "" for i, k in enumerate(self.keys) if k}

    def scan(self, wanted: Sequence[str]) -> Iterator[tuple[int, list[str]]]:
        """``(row_number, texts)`` of just the ``wanted`` columns (empty text when absent).

        Cheaper than :meth:`rows` for a pass that needs two columns of every
        row. Blank rows are skipped as :meth:`rows` skips them (a sheet made
        from the template has thousands of formatted, empty rows), so the two
        passes see the same rows.
        """
        positions = [self.keys.index(k) if k in self.keys else -1 for k in wanted]
        mapped = [i for i, k in enumerate(self.keys) if k is not None]
        if self.format == "csv" and all(i >= 0 for i in positions):
            pick = operator.itemgetter(*positions)
            need = max(positions) + 1
            for number, cells in self._raw:
                if len(cells) >= need:
                    picked = pick(cells)
                    texts = [picked.strip()] if len(positions) == 1 else [t.strip() for t in picked]
                else:
                    texts = [cells[i].strip() if i < len(cells) else "" for i in positions]
                if any(texts) or _filled(cells, mapped):
                    yield number, texts
            return
        for number, cells in self._raw:
            size = len(cells)
            texts = [cell_text(cells[i]) if 0 <= i < size else "" for i in positions]
            if any(texts) or _filled(cells, mapped):
                yield number, texts

    # -- lifetime
    def close(self) -> None:
        if self._text is not None:
            self._text.close()
            self._text = None
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def __enter__(self) -> SheetReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _filled(cells: Sequence[Any], mapped: Sequence[int]) -> bool:
    """Whether any of the sheet's own columns holds something in this row."""
    size = len(cells)
    return any(cell_text(cells[i]) for i in mapped if i < size)


def open_sheet(path: str | Path, columns: ColumnSet | None = None) -> SheetReader:
    """Open a .csv or .xlsx bulk sheet for streaming; close it (``with``) when done.

    ``columns``: the sheet's kind (default e-bike; ``column_set("car")`` for cars).
    """
    return SheetReader(Path(path), columns)
