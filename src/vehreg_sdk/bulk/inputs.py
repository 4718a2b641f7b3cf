"""What ``client.bulk.submit(rows, ...)`` accepts, turned into one stream of parsed rows.

``rows`` may be:

* a path (``str`` or ``os.PathLike``) to a .csv or .xlsx sheet: read twice,
  streamed, the first pass finding duplicates across the whole file;
* an iterable of flat mappings keyed by column (``vehicle_code``, ``车主姓名``,
  …: the sheet's headers, English or Chinese);
* an iterable of nested items ``{"vehicle": …, "owner": …, "sale": …,
  "uploads": […], "client_reference": …}`` (dicts or pydantic models);
* an iterable of :class:`~.readers.SourceRow`.

A sequence (a list or a tuple: already in memory) is first scanned for
duplicate vehicle codes and ID numbers, like a file, so every row involved is
held back before anything is sent. Any other iterable is consumed once,
lazily; duplicates are then refused from their second occurrence on.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..rules._violation import Violation
from ..rules.references import is_valid_client_reference, validate_client_reference
from .columns import COLUMNS_BY_KEY, ColumnSet, normalize_header
from .parse import (
    ParsedRow,
    RowIssue,
    RowParser,
    column_of,
    derive_reference,
    item_fingerprint,
    mask_value,
)
from .readers import SourceRow, open_sheet
from .validate import DuplicateFinder, Severity, find_duplicates, parsed_rows

__all__ = ["RowStream", "SourceInfo", "open_rows"]


@dataclass(slots=True)
class SourceInfo:
    """Where the rows came from: a sheet's path, format, encoding and headers (or nothing)."""

    path: Path | None = None
    format: str | None = None
    encoding: str | None = None
    delimiter: str = ","
    headers: list[str] = field(default_factory=list)
    keys: list[str | None] = field(default_factory=list)
    rows: int | None = None
    """How many data rows the sheet has, when known before submitting (progress bars)."""
    kind: str = "ebike"
    """The sheet's kind: ``ebike`` or ``car`` (:func:`~.columns.column_set`)."""


class RowStream:
    """An open stream of ``(source_row or None, parsed_row)``; close it (``with``) when done."""

    def __init__(
        self, info: SourceInfo, rows: Iterator[tuple[SourceRow | None, ParsedRow]]
    ) -> None:
        self.info = info
        self._rows = rows
        self._stack = ExitStack()

    def __iter__(self) -> Iterator[tuple[SourceRow | None, ParsedRow]]:
        return self._rows

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> RowStream:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_rows(rows: Any, parser: Any, *, owner_duplicates: str = "error") -> RowStream:
    """A :class:`RowStream` over any accepted ``rows`` (see the module docstring).

    ``parser``: a :class:`~.parse.RowParser` (e-bikes) or a
    :class:`~.car_parse.CarRowParser` (cars); its ``columns`` say how to read a sheet.
    """
    severity: Severity = "warning" if owner_duplicates == "warning" else "error"
    columns = parser.columns
    if isinstance(rows, str | os.PathLike):
        path = Path(rows)
        finder = find_duplicates(path, owner_severity=severity, columns=columns)
        sheet = open_sheet(path, columns)
        info = SourceInfo(
            path, sheet.format, sheet.encoding, sheet.delimiter, sheet.headers, sheet.keys,
            kind=columns.kind,
        )  # fmt: skip
        info.rows = finder.rows_seen
        stream = RowStream(info, parsed_rows(sheet, parser, finder))
        stream._stack.callback(sheet.close)
        return stream
    if isinstance(rows, Mapping) or not isinstance(rows, Iterable):
        raise TypeError(
            "rows must be a path or an iterable of rows / rows 应为文件路径或由行组成的可迭代对象"
        )
    finder = DuplicateFinder(owner_severity=severity, columns=columns)
    if isinstance(rows, Sequence) and not isinstance(rows, str | bytes):
        for number, element in enumerate(rows, start=1):
            finder.see(number, _keys(number, element, columns))
        info = SourceInfo(rows=finder.rows_seen, kind=columns.kind)
        return RowStream(info, _iterable(rows, parser, _Duplicates(finder, complete=True)))
    return RowStream(
        SourceInfo(kind=columns.kind),
        _iterable(rows, parser, _Duplicates(finder, complete=False)),
    )


class _Duplicates:
    """A row's duplicate issues: from a finished scan (``complete``), or found as rows come."""

    def __init__(self, finder: DuplicateFinder, *, complete: bool) -> None:
        self.finder = finder
        self.complete = complete

    def __call__(self, number: int, values: Mapping[str, str]) -> list[RowIssue]:
        if self.complete:
            return self.finder.issues_for(number, values)
        return self.finder.see(number, values)


def _data(number: int, element: Any) -> Mapping[str, Any]:
    data = element.model_dump(mode="json") if hasattr(element, "model_dump") else element
    if not isinstance(data, Mapping):
        raise TypeError(
            f"row {number}: a mapping, a model or a SourceRow was expected, "
            f"not {type(element).__name__} / 第 {number} 行应为字典、模型或 SourceRow"
        )
    return data


def _nested_keys(data: Mapping[str, Any]) -> dict[str, str]:
    """The two columns the duplicate check reads, from an item in wire form."""
    vehicle = data.get("vehicle") or {}
    owner = data.get("owner") or {}
    if hasattr(vehicle, "model_dump"):
        vehicle = vehicle.model_dump(mode="json")
    return {
        "vin": str(vehicle.get("vin") or ""),
        "vehicle_code": str(vehicle.get("vehicle_code") or ""),
        "owner_id_number": str(owner.get("id_number") or ""),
        "client_reference": str(data.get("client_reference") or ""),
    }


def _keys(number: int, element: Any, columns: ColumnSet) -> Mapping[str, str]:
    """What the duplicate scan of a sequence reads of one element."""
    if isinstance(element, SourceRow):
        return element.values
    data = _data(number, element)
    if "vehicle" in data or "owner" in data:
        return _nested_keys(data)
    return _flat_values(data, columns)


def _iterable(
    rows: Iterable[Any], parser: RowParser, duplicates: _Duplicates
) -> Iterator[tuple[SourceRow | None, ParsedRow]]:
    for number, element in enumerate(rows, start=1):
        if isinstance(element, SourceRow):
            source = element
        else:
            data = _data(number, element)
            if "vehicle" in data or "owner" in data:
                yield None, _nested(number, data, parser, duplicates)
                continue
            source = SourceRow(number, _flat_values(data, parser.columns))
        parsed = parser.parse(source.row_number, source.values, source.numeric, source.merged)
        extra = duplicates(source.row_number, source.values)
        if extra:
            parsed.issues.extend(extra)
            if any(issue.is_error for issue in extra):
                parsed.item = None
        yield source, parsed


def _flat_values(data: Mapping[str, Any], columns: ColumnSet | None = None) -> dict[str, str]:
    from .readers import cell_text

    index = _header_index() if columns is None else columns.header_index
    values: dict[str, str] = {}
    for name, value in data.items():
        key = index.get(normalize_header(str(name)))
        if key is not None:
            values[key] = cell_text(value)
    return values


_INDEX: dict[str, str] = {}


def _header_index() -> dict[str, str]:
    if not _INDEX:
        for column in COLUMNS_BY_KEY.values():
            for name in (column.key, column.header_zh, column.header_en, *column.aliases):
                _INDEX.setdefault(normalize_header(name), column.key)
    return _INDEX


def _nested(
    number: int, data: Mapping[str, Any], parser: RowParser, duplicates: _Duplicates
) -> ParsedRow:
    """An item already in wire form: judged by the same rules, duplicates refused."""
    if hasattr(parser, "parse_item"):  # a car row parser judges its own wire items
        parsed: ParsedRow = parser.parse_item(number, data)
        keys = _nested_keys(data)
        extra = duplicates(number, keys)
        for issue in extra:
            issue.value = mask_value(issue.column, keys.get(issue.column or ""))
        parsed.issues.extend(extra)
        if any(issue.is_error for issue in extra):
            parsed.item = None
        return parsed
    vehicle = dict(data.get("vehicle") or {})
    owner = dict(data.get("owner") or {})
    sale = dict(data.get("sale") or {})
    if isinstance(owner.get("guardian"), Mapping):
        owner["guardian"] = dict(owner["guardian"])
    invoice = sale.get("invoice_date")
    if isinstance(invoice, str):
        with contextlib.suppress(ValueError):
            sale["invoice_date"] = date.fromisoformat(invoice)
    model_code = str(vehicle.get("product_model") or "").strip().upper()
    certificate = None
    issues: list[RowIssue] = []
    if parser.catalogue is not None and model_code:
        entry = parser.catalogue.get(model_code)
        if entry is None:
            issues.append(
                RowIssue(number, "product_model", "vehicle.product_model",
                         "catalogue.unknown_model",
                         "This product model is not in the catalogue (新国标目录).",
                         "该产品型号不在产品目录中。", "error", model_code[:64])
            )  # fmt: skip
        else:
            certificate = {"product_model": model_code, "model": entry}
    violations: list[Violation] = parser.rules(vehicle, owner, sale, certificate)
    issues += [
        RowIssue(number, column_of(v.field), v.field, v.code, v.message, v.message_zh,
                 v.severity, None)
        for v in violations
    ]  # fmt: skip
    reference = data.get("client_reference")
    if reference not in (None, "") and not is_valid_client_reference(reference):
        issues += [
            RowIssue(number, "client_reference", v.field, v.code, v.message, v.message_zh,
                     "error", mask_value("client_reference", ascii(str(reference)[:80])[1:-1]))
            for v in validate_client_reference(reference)
        ]  # fmt: skip
    keys = _nested_keys(data)
    for issue in duplicates(number, keys):
        issue.value = mask_value(issue.column, keys.get(issue.column or ""))
        issues.append(issue)
    if any(issue.is_error for issue in issues):
        return ParsedRow(number, None, issues)
    if isinstance(sale.get("invoice_date"), date | datetime):
        sale["invoice_date"] = sale["invoice_date"].isoformat()[:10]
    item: dict[str, Any] = {
        "vehicle": vehicle,
        "owner": owner,
        "sale": sale,
        "uploads": list(data.get("uploads") or []),
    }
    fingerprint = item_fingerprint(item)
    reference = str(data.get("client_reference") or "")
    item["client_reference"] = reference or derive_reference(item, fingerprint)
    return ParsedRow(number, item, issues, fingerprint)
