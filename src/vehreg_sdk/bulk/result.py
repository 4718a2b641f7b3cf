"""``BulkResult``: what a bulk run did, row by row, read back from its journal.

The outcomes of 100,000 rows are not held in memory: counts are kept, and
:meth:`BulkResult.outcomes` streams the rows from the journal on disk.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .columns import COLUMNS, Column, column_set
from .inputs import SourceInfo
from .journal import Journal, JournalRow
from .readers import SourceRow, open_sheet
from .reports import RowsWriter, issues_text

__all__ = ["BulkCounts", "BulkResult"]

#: Statuses whose rows go into the rejected-rows export: they need a person (or a rerun).
NEEDS_ATTENTION = ("rejected", "invalid", "failed", "pending")
RESULT_HEADERS = ("状态 status", "号牌号码 plate", "登记编号 registration", "错误 error")


@dataclass(slots=True)
class BulkCounts:
    """Rows per outcome in one run. ``resumed`` rows had their outcome from an earlier run;
    ``flagged`` rows were sent with warnings (see each row's ``warnings``)."""

    total: int = 0
    registered: int = 0
    rejected: int = 0
    invalid: int = 0
    failed: int = 0
    pending: int = 0
    resumed: int = 0
    flagged: int = 0

    @property
    def not_registered(self) -> int:
        return self.rejected + self.invalid + self.failed + self.pending


@dataclass(slots=True)
class BulkResult:
    """The outcome of ``client.bulk.submit``.

    ``counts`` per status; ``complete`` is False when the run stopped early
    (``stop_reason`` says why; rerun with the same journal to resume).
    :meth:`outcomes` streams every row's outcome; :meth:`export_rejected`
    writes the rows that were not registered, in the input's format, with an
    error column; :meth:`write_results` writes every row with its plate.
    """

    journal_path: Path
    store_id: str
    run_id: int
    counts: BulkCounts
    source: SourceInfo = field(default_factory=SourceInfo)
    complete: bool = True
    stop_reason: str | None = None

    @property
    def ok(self) -> bool:
        """True only when every row of the input was registered."""
        return self.complete and self.counts.not_registered == 0

    def outcomes(self, status: str | None = None) -> Generator[JournalRow, None, None]:
        """Every row's outcome in row order (or only those with ``status``), streamed."""
        journal = Journal(self.journal_path, store_id=self.store_id)
        try:
            yield from journal.rows(self.run_id, status=status)
        finally:
            journal.close()

    def plates(self) -> Iterator[tuple[int, str, str]]:
        """``(row_number, registration_id, plate_number)`` of every registered row."""
        for row in self.outcomes("registered"):
            if row.registration_id and row.plate_number:
                yield row.row_number, row.registration_id, row.plate_number

    def _attention(self) -> Iterator[JournalRow]:
        """The rows that were not registered, in row order, streamed from the journal."""
        with closing(self.outcomes()) as rows:
            for row in rows:
                if row.status in NEEDS_ATTENTION:
                    yield row

    def export_rejected(self, path: str | Path, rows: Iterable[Any] | None = None) -> Path:
        """Write the rows that were not registered, with an ``错误 error`` column, to ``path``.

        For a sheet input the rows are copied from the file in its own format
        (CSV keeps its encoding and delimiter; give ``path`` the suffix you
        want). For an iterable input pass the same ``rows`` again; they are
        written with the template's columns. Fix the file and submit it again:
        the extra columns are ignored on the way in. Both the input and the
        journal are streamed, in row order, side by side.
        """
        target = Path(path)
        attention = _Merge(self._attention())
        try:
            if self.source.path is not None:
                with open_sheet(self.source.path, column_set(self.source.kind)) as sheet:
                    writer = RowsWriter.like(target, sheet)
                    try:
                        for source in sheet.rows():
                            found = attention.get(source.row_number)
                            if found is not None:
                                writer.add(source.row_number, source.cells, _issues(found))
                    finally:
                        writer.close()
                return target
            if rows is None:
                raise ValueError(
                    "pass the same rows again to export them / 请再次传入相同的 rows 以导出"
                )
            columns = column_set(self.source.kind).columns
            writer = RowsWriter(
                target,
                format="xlsx" if target.suffix.lower() == ".xlsx" else "csv",
                headers=[c.header_zh for c in columns],
                keys=[c.key for c in columns],
            )
            try:
                for number, element in enumerate(rows, start=1):
                    found = attention.get(number)
                    if found is not None:
                        cells = (
                            _template_cells(element)
                            if self.source.kind == "ebike"
                            else _car_cells(element, columns)
                        )
                        writer.add(number, cells, _issues(found))
            finally:
                writer.close()
            return target
        finally:
            attention.close()

    def write_results(self, path: str | Path) -> Path:
        """Every row of a sheet input with its status, plate, registration id and errors."""
        if self.source.path is None:
            raise ValueError("results sheets need a file input / 结果表仅适用于文件输入")
        target = Path(path)
        outcomes = _Merge(self.outcomes())
        try:
            with open_sheet(self.source.path, column_set(self.source.kind)) as sheet:
                writer = RowsWriter.like(target, sheet, extra_headers=RESULT_HEADERS)
                try:
                    for source in sheet.rows():
                        outcome = outcomes.get(source.row_number)
                        writer.add(source.row_number, source.cells, (), _result_cells(outcome))
                finally:
                    writer.close()
        finally:
            outcomes.close()
        return target


class _Merge:
    """Journal rows (in row order) looked up by increasing row number: a streamed merge join."""

    def __init__(self, rows: Iterator[JournalRow]) -> None:
        self._rows = rows
        self._next = next(rows, None)

    def get(self, row_number: int) -> JournalRow | None:
        while self._next is not None and self._next.row_number < row_number:
            self._next = next(self._rows, None)
        if self._next is not None and self._next.row_number == row_number:
            return self._next
        return None

    def close(self) -> None:
        close = getattr(self._rows, "close", None)
        if close is not None:
            close()  # a generator: closing it closes its journal


def _issues(outcome: JournalRow) -> list[dict[str, Any]]:
    """A row's errors, then its warnings (which the errors of a refused row already list)."""
    if outcome.status == "invalid":
        return outcome.errors
    return [*outcome.errors, *outcome.warnings]


def _result_cells(outcome: JournalRow | None) -> list[str]:
    if outcome is None:
        return ["未处理 not processed", "", "", ""]
    label = {
        "registered": "已登记 registered",
        "rejected": "被退回 rejected",
        "invalid": "未提交 invalid",
        "failed": "失败 failed",
        "pending": "待确认 pending",
    }.get(outcome.status, outcome.status)
    return [
        label,
        outcome.plate_number or "",
        outcome.registration_id or "",
        issues_text(_issues(outcome)),
    ]


def _template_cells(element: Any) -> list[Any]:
    if isinstance(element, SourceRow):
        return [element.values.get(c.key, "") for c in COLUMNS]
    data = element.model_dump(mode="json") if hasattr(element, "model_dump") else element
    if isinstance(data, dict) and ("vehicle" in data or "owner" in data):
        return _nested_cells(data)
    from .inputs import _flat_values

    values = _flat_values(data) if isinstance(data, dict) else {}
    return [values.get(c.key, "") for c in COLUMNS]


def _car_cells(element: Any, columns: tuple[Column, ...]) -> list[Any]:
    """A car row given as a flat mapping or SourceRow, in the car template's columns.

    (Of a nested wire item only the 参考号 and the VIN are written: fix it in your code.)
    """
    if isinstance(element, SourceRow):
        return [element.values.get(c.key, "") for c in columns]
    data = element.model_dump(mode="json") if hasattr(element, "model_dump") else element
    if isinstance(data, dict) and ("vehicle" in data or "owner" in data):
        vehicle = data.get("vehicle") or {}
        flat = {"client_reference": data.get("client_reference", ""), "vin": vehicle.get("vin", "")}
        return [flat.get(c.key, "") for c in columns]
    from .inputs import _flat_values

    values = _flat_values(data, column_set("car")) if isinstance(data, dict) else {}
    return [values.get(c.key, "") for c in columns]


def _nested_cells(data: dict[str, Any]) -> list[Any]:
    vehicle, owner, sale = (
        data.get("vehicle") or {},
        data.get("owner") or {},
        data.get("sale") or {},
    )
    guardian = owner.get("guardian") or {}
    price = sale.get("price_fen")
    flat = {
        "client_reference": data.get("client_reference", ""),
        **{k: vehicle.get(k, "") for k in ("vehicle_code", "motor_code", "product_model", "color",
                                           "battery_chemistry", "battery_voltage_v",
                                           "battery_capacity_ah")},
        **{f"owner_{k}": owner.get(k, "") for k in ("name", "id_type", "id_number", "mobile",
                                                    "address", "use")},
        **{f"guardian_{k}": guardian.get(k, "") for k in ("name", "id_type", "id_number",
                                                          "mobile", "relationship")},
        "guardian_consent": ("是" if guardian.get("consent") else "否") if guardian else "",
        "invoice_number": sale.get("invoice_number", ""),
        "invoice_date": str(sale.get("invoice_date") or ""),
        "price_yuan": f"{price / 100:.2f}" if isinstance(price, int) else "",
        "clerk_id": sale.get("clerk_id", ""),
        "uploads": ";".join(data.get("uploads") or []),
    }  # fmt: skip
    return [flat.get(c.key, "") for c in COLUMNS]
