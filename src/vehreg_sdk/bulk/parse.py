"""From a sheet row to a registration item, with every problem of the row at once.

A row is turned into the wire form of one batch item (``client_reference``,
``vehicle``, ``owner``, ``sale``, ``uploads``) by column conversions (dates,
yuan to fen, the Chinese words of the drop-downs), and then judged by the same
:func:`vehreg_sdk.rules.check_ebike_registration` the bureau runs, against the
catalogue snapshot's entry for the product model when one is loaded. Every
issue carries the row number, the column, the value (masked when it is
personal data) and English and Chinese text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from ..rules._text import normalize
from ..rules._violation import Violation
from ..rules.config import DEFAULT_CONFIG, RuleConfig
from ..rules.references import is_valid_client_reference, validate_client_reference
from .cells import CHOICES, EXCEL_NUMBER, column_of, mask_value, parse_date, yuan_to_fen
from .checks import RowRules
from .columns import COLUMNS_BY_KEY, EBIKE_COLUMN_SET, spec_of

__all__ = [
    "ParsedRow",
    "RowIssue",
    "RowParser",
    "column_of",
    "item_fingerprint",
    "mask_value",
    "parse_values",
]


@dataclass(slots=True)
class RowIssue:
    """One problem on one row: where it is, what it is, in both languages.

    ``value`` is what the cell held, already masked when the column is
    personal data, so an issue may be printed or logged as it is.
    """

    row_number: int
    column: str | None
    field: str
    code: str
    message: str
    message_zh: str
    severity: str = "error"
    value: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def header(self) -> str:
        """The column's Chinese header, or an empty string for a row-level issue."""
        column = spec_of(self.column)
        return column.header_zh if column else ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row_number,
            "column": self.column,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "message_zh": self.message_zh,
            "severity": self.severity,
            "value": self.value,
        }

    def __str__(self) -> str:
        where = f"row {self.row_number}" + (
            f", {self.header or self.column}" if self.column else ""
        )
        shown = f" [{self.value}]" if self.value else ""
        return f"{where}{shown}: {self.message} / {self.message_zh} ({self.code})"


@dataclass(slots=True)
class ParsedRow:
    """A row after parsing: the item to send (``None`` when it has errors) and its issues."""

    row_number: int
    item: dict[str, Any] | None
    issues: list[RowIssue] = field(default_factory=list)
    fingerprint: str | None = None
    """:func:`item_fingerprint` of the item, when the parser computed it (for its key)."""

    @property
    def ok(self) -> bool:
        return self.item is not None

    @property
    def client_reference(self) -> str | None:
        return None if self.item is None else str(self.item["client_reference"])


class _Row:
    """Collects the issues of one row while it is converted."""

    __slots__ = ("issues", "row_number", "values")

    def __init__(self, number: int, values: dict[str, str]) -> None:
        self.row_number = number
        self.values = values
        self.issues: list[RowIssue] = []

    def issue(self, column: str, code: str, en: str, zh: str, severity: str = "error") -> None:
        self.issues.append(
            RowIssue(self.row_number, column, column, code, en, zh, severity,
                     mask_value(column, self.values.get(column)))
        )  # fmt: skip

    def choice(self, key: str, default: str) -> str:
        raw = self.values[key]
        if not raw:
            return default
        found = CHOICES[key].get(raw) or CHOICES[key].get(raw.lower())
        if found is None:
            allowed = "、".join(COLUMNS_BY_KEY[key].choices)
            self.issue(key, "cell.choice", f"Not one of the allowed values ({allowed}).",
                       f"不是允许的取值（{allowed}）。")  # fmt: skip
            return default
        return found

    def number(self, key: str, default: float) -> float:
        raw = self.values[key]
        if not raw:
            return default
        try:
            return float(raw)
        except ValueError:
            self.issue(key, "cell.number", "Must be a number.", "应为数字。")
            return default


class RowParser:
    """Converts and checks e-bike rows for one business date, catalogue and rule configuration.

    (:class:`~.car_parse.CarRowParser` is its car twin: the same interface.)

    ``on`` is the business date (Asia/Shanghai) the rules judge by;
    ``catalogue`` maps product models to catalogue entries (a snapshot), and
    without it the model is not looked up offline; ``references=False``
    skips deriving each row's ``client_reference`` (validation needs none).
    """

    #: The sheet's columns (the readers match headers with them).
    columns = EBIKE_COLUMN_SET

    def __init__(
        self,
        *,
        on: date,
        catalogue: Mapping[str, Mapping[str, Any]] | None = None,
        config: RuleConfig = DEFAULT_CONFIG,
        references: bool = True,
    ) -> None:
        self.on = on
        self.catalogue = catalogue
        self.references = references
        #: The rules for this date and configuration (also used for items given in wire form).
        self.rules = RowRules(on=on, config=config)
        self._batteries: dict[str, tuple[str, float, float]] = {}

    def _battery(
        self, model_code: str, entry: Mapping[str, Any] | None
    ) -> tuple[str, float, float]:
        """The certified battery of a model (chemistry, volts, Ah), or the template's defaults."""
        found = self._batteries.get(model_code)
        if found is None:
            found = (
                str(_certified(entry, "battery_chemistry", "lithium")),
                float(_certified(entry, "battery_voltage_v", 48.0)),
                float(_certified(entry, "battery_capacity_ah", 20.0)),
            )
            if len(self._batteries) < 10_000:
                self._batteries[model_code] = found
        return found

    def parse(
        self,
        row_number: int,
        values: Mapping[str, str],
        numeric: frozenset[str] = frozenset(),
        merged: Mapping[str, str] | None = None,
    ) -> ParsedRow:
        """One row (``values`` maps column keys to cell text; ``numeric``: XLSX number cells).

        ``merged`` maps columns whose empty cell is covered by a merge to the
        merge's first cell: reported as merged, not as missing.
        """
        # A sheet with every template column needs no filling in (the common case).
        if isinstance(values, dict) and values.keys() == _EMPTY_ROW.keys():
            v = values
        else:
            v = {**_EMPTY_ROW, **values}
        # Codes typed with a Chinese input method come full-width (１２３): normalised
        # first, so the item, its fingerprint and its key are those of the ASCII text.
        wide = [key for key in _CODE_COLUMNS if not v[key].isascii()]
        if wide:
            v = {**v, **{key: normalize(v[key]) for key in wide}}
        row = _Row(row_number, v)
        for key, anchor in (merged or {}).items():
            row.issue(key, "cell.merged",
                      f"This cell is part of merged cells (the value is only in {anchor}); "
                      "unmerge them and fill in the value on every row.",
                      f"该单元格属于合并单元格（值只在 {anchor} 中）；"
                      "请取消合并，并在每一行填写该值。")  # fmt: skip
        for key in ("owner_id_number", "guardian_id_number"):
            raw = v[key]
            if (key in numeric and len(raw) > 15) or (
                ("E+" in raw or "e+" in raw) and EXCEL_NUMBER.fullmatch(raw)
            ):
                row.issue(key, "cell.excel_number",
                          "Excel stored this ID number as a number and lost digits; format the "
                          "column as Text and type the number again.",
                          "Excel 把证件号码存成了数字，末尾几位已丢失；"
                          "请把该列设为文本格式后重新输入。")  # fmt: skip
        invoice_date: date | None = None
        if v["invoice_date"]:
            invoice_date = parse_date(v["invoice_date"])
            if invoice_date is None:
                row.issue("invoice_date", "cell.date", "Not a date; write YYYY-MM-DD.",
                          "不是有效日期，请写成 YYYY-MM-DD。")  # fmt: skip
        price_fen: int | None = None
        if v["price_yuan"]:
            price_fen = yuan_to_fen(v["price_yuan"])
            if price_fen is None:
                row.issue("price_yuan", "cell.price", "Not an amount in yuan (at most 2 decimals).",
                          "不是有效的金额（元，最多两位小数）。")  # fmt: skip
        if v["client_reference"] and not is_valid_client_reference(v["client_reference"]):
            _bad_reference(row)
        for key, label_en, label_zh in _REQUIRED_TEXT:
            if not v[key] and (merged is None or key not in merged):
                row.issue(
                    key, "field.required", f"The {label_en} is required.", f"请填写{label_zh}。"
                )

        owner: dict[str, Any] = {
            "name": v["owner_name"],
            "id_type": row.choice("owner_id_type", "A") if v["owner_id_type"] else "A",
            "id_number": v["owner_id_number"],
            "mobile": v["owner_mobile"],
            "address": v["owner_address"],
            "use": row.choice("owner_use", "self") if v["owner_use"] else "self",
        }
        if v["guardian_name"] or v["guardian_id_number"] or v["guardian_mobile"]:
            owner["guardian"] = {
                "name": v["guardian_name"],
                "id_type": row.choice("guardian_id_type", "A"),
                "id_number": v["guardian_id_number"],
                "mobile": v["guardian_mobile"],
                "relationship": v["guardian_relationship"] or "parent",
                "consent": row.choice("guardian_consent", "false") == "true",
            }
        # Battery cells left empty take the catalogue's certified values, else the defaults.
        model_code = v["product_model"].upper()
        catalogue = self.catalogue
        entry = catalogue.get(model_code) if catalogue is not None and model_code else None
        chemistry, voltage, capacity = self._battery(model_code, entry)
        vehicle: dict[str, Any] = {
            "vehicle_code": v["vehicle_code"],
            "motor_code": v["motor_code"],
            "product_model": v["product_model"],
            "color": v["color"],
            "battery_chemistry": (
                row.choice("battery_chemistry", chemistry) if v["battery_chemistry"] else chemistry
            ),
            "battery_voltage_v": (
                row.number("battery_voltage_v", voltage) if v["battery_voltage_v"] else voltage
            ),
            "battery_capacity_ah": (
                row.number("battery_capacity_ah", capacity)
                if v["battery_capacity_ah"]
                else capacity
            ),
        }
        sale: dict[str, Any] = {
            "invoice_number": v["invoice_number"],
            "invoice_date": invoice_date,
            "price_fen": price_fen,
            "clerk_id": v["clerk_id"],
        }
        certificate = None
        if catalogue is not None and model_code:
            if entry is None:
                row.issue("product_model", "catalogue.unknown_model",
                          "This product model is not in the catalogue (新国标目录).",
                          "该产品型号不在产品目录中。")  # fmt: skip
            else:
                certificate = {"product_model": model_code, "model": entry}
        _add_violations(row, self.rules(vehicle, owner, sale, certificate))
        if any(issue.is_error for issue in row.issues):
            return ParsedRow(row_number, None, row.issues)
        sale["invoice_date"] = invoice_date.isoformat() if invoice_date is not None else None
        raw_uploads = v["uploads"]
        uploads = [u for u in _UPLOAD_SPLIT.split(raw_uploads) if u] if raw_uploads else []
        item = {"vehicle": vehicle, "owner": owner, "sale": sale, "uploads": uploads}
        reference = v["client_reference"]
        fingerprint = None
        if self.references:
            fingerprint = item_fingerprint(item)
            item["client_reference"] = reference or derive_reference(item, fingerprint)
        elif reference:
            item["client_reference"] = reference
        return ParsedRow(row_number, item, row.issues, fingerprint)


_EMPTY_ROW: Final[dict[str, str]] = dict.fromkeys(COLUMNS_BY_KEY, "")
#: Columns of codes, numbers and dates, where a full-width character means its ASCII one.
_CODE_COLUMNS: Final = tuple(
    key
    for key in COLUMNS_BY_KEY
    # The 参考号 is judged as typed (rules.references), so it is not folded here.
    if key not in ("owner_name", "owner_address", "color", "guardian_name",
                   "guardian_relationship", "client_reference")
)  # fmt: skip
_UPLOAD_SPLIT = re.compile(r"[;；,，\s]+")
_REQUIRED_TEXT: Final = (
    ("owner_name", "owner's name", "车主姓名"),
    ("owner_address", "address", "住址"),
    ("color", "colour", "车身颜色"),
    ("clerk_id", "clerk ID", "销售员编号"),
    ("price_yuan", "price", "售价"),
)


def parse_values(
    row_number: int,
    values: Mapping[str, str],
    *,
    on: date,
    numeric: frozenset[str] = frozenset(),
    catalogue: Mapping[str, Mapping[str, Any]] | None = None,
    config: RuleConfig = DEFAULT_CONFIG,
) -> ParsedRow:
    """One row, parsed and checked on its own (see :class:`RowParser` for a stream of rows)."""
    return RowParser(on=on, catalogue=catalogue, config=config).parse(row_number, values, numeric)


def _bad_reference(row: _Row) -> None:
    """The 参考号 breaks the bureau's rule: reported at its cell, the text shown escaped."""
    text = row.values["client_reference"]
    for found in validate_client_reference(text, "client_reference"):
        # ascii() shows a line break, a bidi override or a full-width digit as an escape,
        # so the report neither hides it nor lets it reorder the line it is printed on.
        shown = mask_value("client_reference", ascii(text[:80])[1:-1])
        row.issues.append(
            RowIssue(row.row_number, "client_reference", "client_reference", found.code,
                     found.message, found.message_zh, "error", shown)
        )  # fmt: skip


def _certified(entry: Mapping[str, Any] | None, name: str, default: Any) -> Any:
    value = entry.get(name) if entry is not None else None
    return default if value is None else value


def _add_violations(row: _Row, violations: list[Violation]) -> None:
    if not violations:
        return
    reported = {(issue.column, issue.code) for issue in row.issues}
    for violation in violations:
        column = column_of(violation.field)
        # A cell already refused by a conversion is not reported twice.
        if any(c == column and i.startswith(("cell.", "field.required")) for c, i in reported):
            continue
        if "required" in violation.code and column and (column, "field.required") in reported:
            continue
        row.issues.append(
            RowIssue(row.row_number, column, violation.field, violation.code, violation.message,
                     violation.message_zh, violation.severity,
                     mask_value(column, row.values.get(column or "", "")))
        )  # fmt: skip


def item_fingerprint(item: Mapping[str, Any]) -> str:
    """A digest of an item's content (without its reference): what "the same row" means."""
    content = {k: v for k, v in item.items() if k != "client_reference"}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                           default=_json_default)  # fmt: skip
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def derive_reference(item: Mapping[str, Any], fingerprint: str | None = None) -> str:
    """A row's key when the sheet gives none: the vehicle code plus a digest of the content.

    Rerunning the same row gives the same key (so the bureau replays its first
    outcome); fixing any cell gives a new one (so the fixed row is judged
    afresh). The vehicle code keeps keys readable and is not personal data.
    ``fingerprint``: the item's :func:`item_fingerprint`, when already known.
    """
    return _reference(item.get("vehicle", {}), fingerprint or item_fingerprint(item))


def _reference(vehicle: Mapping[str, Any], fingerprint: str) -> str:
    code = str(vehicle.get("vehicle_code", "")).strip()[:20]
    if not is_valid_client_reference(code):
        code = "row"  # a derived key follows the bureau's rule too (printable ASCII)
    return f"{code}-{fingerprint[:16]}"


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
