"""Checking a whole sheet offline: every row through the rules, plus duplicates across the file.

Two streamed passes over the file, so 100,000 rows never sit in memory:

1. the duplicate scan reads only the vehicle code, the owner's ID number and
   the 参考号 (``client_reference``) of every row and remembers the rows that
   share one (a 15-digit code and an ID per row: about 24 MB for 100,000 rows);
2. the row pass parses and checks each row (:class:`~.parse.RowParser`) and
   adds the duplicate issues found in pass 1 to *every* row involved, so the
   first occurrence is held back too: which of two rows with one vehicle code
   is the typo is for a person to decide, not for the order of the rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from ..rules._input import today_shanghai
from ..rules._text import normalize_code
from ..rules.config import DEFAULT_CONFIG, RuleConfig
from .columns import EBIKE_COLUMN_SET, ColumnSet
from .parse import ParsedRow, RowIssue, RowParser, mask_value
from .readers import SheetReader, SourceRow, open_sheet

__all__ = [
    "DuplicateFinder",
    "ValidationSummary",
    "find_duplicates",
    "parsed_rows",
    "validate_file",
]

Severity = Literal["error", "warning"]
#: How many issues a summary keeps in memory for display; the report file has all of them.
KEPT_ISSUES = 200


#: The key kinds of the finder: the column each one reads.
_COLUMNS = {"v": "vehicle_code", "o": "owner_id_number", "r": "client_reference"}


class DuplicateFinder:
    """Remembers vehicle codes, owner ID numbers and 参考号; reports rows that share one.

    Two rows with one 参考号 (``client_reference``) are an error: the bureau keeps
    one outcome per reference, so the second row would only get the first one's.

    Fed row by row (:meth:`see`), it knows only *later* occurrences; after a
    full pass :meth:`issues_for` also names the first one.
    """

    def __init__(
        self, *, owner_severity: Severity = "error", columns: ColumnSet | None = None
    ) -> None:
        self.owner_severity = owner_severity
        #: The sheet's kind: which column names the vehicle, whether owners may repeat.
        self.columns = columns or EBIKE_COLUMN_SET
        # Keys are "v\0<vehicle code>", "o\0<ID number>" and "r\0<reference>": flat
        # strings, not tuples, to keep 100,000 rows' worth small.
        self._first: dict[str, int] = {}
        self._groups: dict[str, list[int]] = {}
        self._rows: dict[int, list[str]] = {}
        #: Data rows the finder has seen (pass 1 counts the sheet's rows for progress bars).
        self.rows_seen = 0

    def see(self, row_number: int, values: Mapping[str, str]) -> list[RowIssue]:
        """Record a row; the issues it has against rows seen before it."""
        return self.see_codes(
            row_number,
            values.get(self.columns.vehicle_key, ""),
            values.get("owner_id_number", "") if self.columns.owner_repeats else "",
            values.get("client_reference", ""),
        )

    def see_codes(
        self, row_number: int, vehicle_code: str, id_number: str, reference: str = ""
    ) -> list[RowIssue]:
        """:meth:`see` with the texts given directly (the duplicate scan's fast path)."""
        self.rows_seen += 1
        first_of = self._first
        found: list[RowIssue] = []
        for kind, text in (("v\0", vehicle_code), ("o\0", id_number)):
            if not text:
                continue
            # normalize_code has this fast path too; inlined, it saves a call per cell.
            key = kind + (
                text.upper() if text.isascii() and text.isalnum() else normalize_code(text)
            )
            first = first_of.setdefault(key, row_number)
            if first == row_number:
                continue
            found.append(self._repeat(key, first, row_number, text))
        if reference:
            # A reference is compared exactly as the bureau compares it: as given.
            key = "r\0" + reference
            first = first_of.setdefault(key, row_number)
            if first != row_number:
                found.append(self._repeat(key, first, row_number, reference))
        return found

    def _repeat(self, key: str, first: int, row_number: int, text: str) -> RowIssue:
        group = self._groups.setdefault(key, [first])
        group.append(row_number)
        for number in (first, row_number):
            keys = self._rows.setdefault(number, [])
            if key not in keys:
                keys.append(key)
        return self._issue(row_number, key, [first], text)

    def issues_for(self, row_number: int, values: Mapping[str, str]) -> list[RowIssue]:
        """After a full pass: this row's duplicate issues, naming every other row involved.

        ``values`` gives the cells to show (masked); without them, the shared text is shown.
        """
        out: list[RowIssue] = []
        for key in self._rows.get(row_number, ()):
            others = [n for n in self._groups[key] if n != row_number]
            column = self.columns.vehicle_key if key[0] == "v" else _COLUMNS[key[0]]
            out.append(self._issue(row_number, key, others, values.get(column) or key[2:]))
        return out

    def involves(self, row_number: int) -> bool:
        """Whether this row shares a vehicle code or ID number with another row."""
        return row_number in self._rows

    def duplicate_row_numbers(self) -> list[int]:
        """Every row that shares a vehicle code, ID number or 参考号 with another, in order."""
        return sorted(self._rows)

    def holds_back(self, row_number: int) -> bool:
        """Whether this row's duplicates are errors (it is not sent), not only warnings."""
        keys = self._rows.get(row_number, ())
        return any(key[0] != "o" or self.owner_severity == "error" for key in keys)

    @property
    def duplicate_rows(self) -> int:
        return len(self._rows)

    def _issue(self, row_number: int, key: str, others: list[int], raw: str) -> RowIssue:
        shown = ", ".join(str(n) for n in others[:5]) + (" …" if len(others) > 5 else "")
        if key[0] == "v":
            column, (label, label_zh) = self.columns.vehicle_key, self.columns.vehicle_label
            return RowIssue(
                row_number, column, self.columns.vehicle_field, "file.duplicate_vehicle_code",
                f"The same {label} is also on row {shown}; a vehicle is registered once."
                if column != "vehicle_code" else
                f"The same vehicle code is also on row {shown}; a bike is registered once.",
                f"该{label_zh}在第 {shown} 行重复出现；一辆车只能登记一次。",
                "error", mask_value(column, raw),
            )  # fmt: skip
        if key[0] == "r":
            return RowIssue(
                row_number, "client_reference", "client_reference", "file.duplicate_reference",
                f"The same 参考号 (client reference) is also on row {shown}; give each row its "
                "own, or leave it empty to derive one from the row.",
                f"该参考号在第 {shown} 行重复出现；每行的参考号应唯一，留空则按行内容自动生成。",
                "error", mask_value("client_reference", raw),
            )  # fmt: skip
        return RowIssue(
            row_number, "owner_id_number", "owner.id_number", "file.duplicate_id_number",
            f"The same owner ID number is also on row {shown}; check that it is not a copy error.",
            f"该车主证件号码在第 {shown} 行重复出现，请核对是否填错。",
            self.owner_severity, mask_value("owner_id_number", raw),
        )  # fmt: skip


def find_duplicates(
    path: str | Path, *, owner_severity: Severity = "error", columns: ColumnSet | None = None
) -> DuplicateFinder:
    """Pass 1: scan a sheet for shared vehicle codes, ID numbers and 参考号 (streamed)."""
    finder = DuplicateFinder(owner_severity=owner_severity, columns=columns)
    vehicle = finder.columns.vehicle_key
    with open_sheet(path, finder.columns) as sheet:
        see = finder.see_codes
        # Blank rows are not yielded; a row with neither code is broken, and the row
        # pass reports it. Either way ``rows_seen`` ends equal to the rows checked.
        if not finder.columns.owner_repeats:  # a fleet: one owner on every row
            # (an absent 参考号 column reads as empty text)
            for number, (code, reference) in sheet.scan((vehicle, "client_reference")):
                see(number, code, "", reference)
        elif "client_reference" in sheet.keys:
            wanted = (vehicle, "owner_id_number", "client_reference")
            for number, (code, id_number, reference) in sheet.scan(wanted):
                see(number, code, id_number, reference)
        else:
            for number, (code, id_number) in sheet.scan((vehicle, "owner_id_number")):
                see(number, code, id_number)
    return finder


def parsed_rows(
    sheet: SheetReader | Iterator[SourceRow],
    parser: RowParser,
    duplicates: DuplicateFinder | None,
) -> Iterator[tuple[SourceRow, ParsedRow]]:
    """Pass 2: each row parsed, with the duplicate issues of a finished pass 1 added.

    Without a finished ``duplicates`` (a stream that cannot be read twice),
    a fresh finder is fed as the rows go, so later occurrences are still refused.
    """
    rows = sheet.rows() if isinstance(sheet, SheetReader) else sheet
    streaming = duplicates is None
    finder = duplicates or DuplicateFinder(columns=parser.columns)
    for source in rows:
        parsed = parser.parse(source.row_number, source.values, source.numeric, source.merged)
        extra = (
            finder.see(source.row_number, source.values)
            if streaming
            else finder.issues_for(source.row_number, source.values)
        )
        if extra:
            parsed.issues.extend(extra)
            if any(issue.is_error for issue in extra):
                parsed.item = None
        yield source, parsed


@dataclass(slots=True)
class ValidationSummary:
    """What ``bulk validate`` found: counts, the first issues, and where the report went."""

    path: Path
    format: str
    encoding: str | None
    rows: int = 0
    valid_rows: int = 0
    error_rows: int = 0
    warning_rows: int = 0
    errors: int = 0
    warnings: int = 0
    duplicate_rows: int = 0
    issues: list[RowIssue] = field(default_factory=list)
    report: Path | None = None

    @property
    def ok(self) -> bool:
        """True when no row has an error (warnings allowed)."""
        return self.error_rows == 0


def validate_file(
    path: str | Path,
    *,
    on: date | None = None,
    catalogue: Mapping[str, Mapping[str, Any]] | None = None,
    config: RuleConfig = DEFAULT_CONFIG,
    report: str | Path | None = None,
    owner_duplicates: Severity = "error",
    on_row: Callable[[ParsedRow], None] | None = None,
    jobs: int | None = None,
    parser: Any = None,
) -> ValidationSummary:
    """Check every row of a .csv or .xlsx sheet offline; write a report of every issue.

    ``on`` is the business date (default: today in Asia/Shanghai);
    ``catalogue`` a snapshot (product model -> entry); ``report`` the file to
    write (``.csv``: one line per issue; ``.xlsx``: the rows with issues, bad
    cells highlighted, and an issues sheet). ``on_row`` sees each parsed row
    (progress bars). ``parser``: another row parser (a
    :class:`~.car_parse.CarRowParser` for a car sheet; ``on``, ``catalogue`` and
    ``config`` are then its own). ``jobs``: worker processes for a large CSV (default: half
    the cores, at most 4, on a machine with 4 or more cores that can fork,
    for a file of at least 20,000 rows; else one process).
    Raises :class:`~.readers.SheetError` for an unreadable file.
    """
    from .reports import IssueReport

    source = Path(path)
    if parser is None:
        parser = RowParser(
            on=on or today_shanghai(), catalogue=catalogue, config=config, references=False
        )
    duplicates = find_duplicates(source, owner_severity=owner_duplicates, columns=parser.columns)
    with open_sheet(source, parser.columns) as sheet:
        summary = ValidationSummary(source, sheet.format, sheet.encoding)
        summary.duplicate_rows = duplicates.duplicate_rows
        writer = IssueReport.open(Path(report), sheet) if report is not None else None
        workers = _jobs(jobs, sheet.format, duplicates.rows_seen, on_row)
        if not isinstance(parser, RowParser):
            workers = 1  # the forked workers know the e-bike parser only
        try:
            for row, issues in _checked(sheet, parser, duplicates, workers, on_row):
                summary.rows += 1
                _count(summary, issues)
                if writer is not None:
                    writer.add(row, issues)
        finally:
            if writer is not None:
                writer.close()
                summary.report = writer.path
    return summary


#: Below this many rows one process is faster than starting workers.
PARALLEL_MIN_ROWS = 20_000


def _jobs(jobs: int | None, fmt: str, rows: int, on_row: object) -> int:
    from . import parallel

    if fmt != "csv" or on_row is not None or not parallel.available():
        return 1
    if jobs is None:
        # Forked workers pay for pickling and copy-on-write; on a 2-core machine one
        # process is as fast (measured: docs/performance.md), so only bigger ones use them.
        cores = os.cpu_count() or 1
        return min(4, cores // 2) if rows >= PARALLEL_MIN_ROWS and cores >= 4 else 1
    return max(1, jobs)


def _checked(
    sheet: SheetReader,
    parser: RowParser,
    duplicates: DuplicateFinder,
    jobs: int,
    on_row: Callable[[ParsedRow], None] | None,
) -> Iterator[tuple[SourceRow, list[RowIssue]]]:
    if jobs <= 1:
        for row, parsed in parsed_rows(sheet, parser, duplicates):
            if on_row is not None:
                on_row(parsed)
            yield row, parsed.issues
        return
    from .parallel import checked_cells

    for number, cells, issues in checked_cells(sheet.raw_rows(), sheet.keys, parser, jobs):
        row = SourceRow(number, {}, frozenset(), cells)
        if duplicates.involves(number):
            row.values = sheet.values_of(cells)
            issues = [*issues, *duplicates.issues_for(number, row.values)]
        yield row, issues


def _count(summary: ValidationSummary, issues: list[RowIssue]) -> None:
    if not issues:
        summary.valid_rows += 1
        return
    errors = sum(1 for issue in issues if issue.is_error)
    summary.errors += errors
    summary.warnings += len(issues) - errors
    if errors:
        summary.error_rows += 1
    else:
        summary.valid_rows += 1
        summary.warning_rows += 1
    room = KEPT_ISSUES - len(summary.issues)
    if room > 0:
        summary.issues.extend(issues[:room])
