"""Merged cells of an XLSX sheet, which openpyxl's read-only mode does not report.

A school sheet merges cells: the school's name across the top (a title row),
and often one dormitory address or invoice date down several students' rows.
Excel keeps the value in the merge's first cell only; the others read as
empty. The reader needs to know which empty cells are merged so that it can
say "merged" instead of "required".

The ``<mergeCells>`` element comes after ``<sheetData>`` in the sheet's XML,
so the XML is scanned as bytes (fast, streamed, in 1 MiB steps) for it.
"""

from __future__ import annotations

import re
from typing import IO, Any, Final

__all__ = ["MergedCells", "merged_cells"]

_CHUNK: Final = 1 << 20
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_TAG: Final = b"mergeCell"


class MergedCells:
    """Which cells of which rows are covered by a merge (every cell but the merge's first)."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        # (min_col, min_row, max_col, max_row), 1-based as in Excel.
        self.ranges = ranges
        self._by_row: dict[int, list[tuple[int, int, int, int]]] = {}
        for rng in ranges:
            for row in range(rng[1], min(rng[3], rng[1] + 100_000) + 1):
                self._by_row.setdefault(row, []).append(rng)

    def __bool__(self) -> bool:
        return bool(self.ranges)

    def covered(self, row: int) -> list[tuple[int, str]]:
        """``(column_index, anchor)`` (0-based column) of the covered cells of a row.

        ``anchor`` is the merge's first cell (``D5``), where its value is.
        """
        from openpyxl.utils.cell import get_column_letter

        out: list[tuple[int, str]] = []
        for min_col, min_row, max_col, _max_row in self._by_row.get(row, ()):
            anchor = f"{get_column_letter(min_col)}{min_row}"
            for col in range(min_col, max_col + 1):
                if (row, col) != (min_row, min_col):
                    out.append((col - 1, anchor))
        return out

    def spans_row(self, row: int, width: int) -> bool:
        """Whether one merge covers most of this row (a title across the columns)."""
        return any(
            rng[0] <= 2 and rng[2] - rng[0] + 1 >= max(2, width // 2)
            for rng in self._by_row.get(row, ())
        )


def merged_cells(sheet: Any) -> MergedCells:
    """The merges of an openpyxl read-only worksheet (empty for anything else)."""
    from openpyxl.utils.cell import range_boundaries

    opener = getattr(sheet, "_get_source", None)
    if opener is None:
        return MergedCells([])
    refs: list[bytes] = []
    with opener() as source:
        refs = _scan(source)
    ranges: list[tuple[int, int, int, int]] = []
    for ref in refs:
        bounds = range_boundaries(ref.decode("ascii"))
        ranges.append((int(bounds[0] or 1), int(bounds[1] or 1), int(bounds[2] or 1),
                       int(bounds[3] or 1)))  # fmt: skip
    return MergedCells(ranges)


def _scan(source: IO[bytes]) -> list[bytes]:
    tail = b""
    while True:
        chunk = source.read(_CHUNK)
        if not chunk:
            return []
        data = tail + chunk
        at = data.find(_TAG)
        if at >= 0:
            rest = data[max(at - 16, 0) :] + source.read()
            return _MERGE.findall(rest)
        tail = data[-32:]
