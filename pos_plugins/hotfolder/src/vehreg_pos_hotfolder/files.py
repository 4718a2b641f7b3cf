"""Reading sale files (JSON or CSV) and writing results, atomically.

A JSON file holds one sale (the body of the bridge's ``POST /sales``) or
``{"sales": [...]}``. A CSV file has a header row of dotted column names
(``store_id, vehicle.vehicle_code, ..., owner.name, ..., sale.price_fen,
pos_reference``) and one sale per row. Encodings are those of the bulk tooling:
UTF-8 (with or without BOM), UTF-16 with its BOM (Excel's "Unicode text", tab
separated, often saved as ``.txt``), else GB18030/GBK; CSV cells are separated by
commas, tabs or semicolons (read from the header row).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any

SALE_SUFFIXES = (".json", ".csv", ".txt")
#: Names a POS uses while writing (write-then-rename); never read.
TEMP_SUFFIXES = (".tmp", ".part", ".partial", ".writing", ".crdownload")

CSV_COLUMNS = [
    "pos_reference",
    "store_id",
    "vehicle.vehicle_code",
    "vehicle.motor_code",
    "vehicle.product_model",
    "vehicle.color",
    "vehicle.battery_chemistry",
    "vehicle.battery_voltage_v",
    "vehicle.battery_capacity_ah",
    "owner.name",
    "owner.id_type",
    "owner.id_number",
    "owner.mobile",
    "owner.address",
    "owner.use",
    "sale.invoice_number",
    "sale.invoice_date",
    "sale.price_fen",
    "sale.clerk_id",
]


#: CSV cells are text; these columns are numbers in the contract (a JSON number, never text).
_INTEGER_COLUMNS = frozenset({"sale.price_fen"})
_NUMBER_COLUMNS = frozenset({"vehicle.battery_voltage_v", "vehicle.battery_capacity_ah"})
_INTEGER = re.compile(r"[0-9]{1,15}")
_NUMBER = re.compile(r"[0-9]{1,9}(\.[0-9]{1,9})?")


def _typed(column: str, text: str) -> Any:
    """A numeric column's cell as a number; anything else (or a non-number) stays text,
    so the validation names the field and says it must be a number."""
    if column in _INTEGER_COLUMNS and _INTEGER.fullmatch(text):
        return int(text)
    if column in _NUMBER_COLUMNS and _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


class MalformedFile(Exception):
    """The file cannot be read as sales; ``message``/``message_zh`` say why."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message)
        self.message, self.message_zh = message, message_zh


def is_candidate(path: Path) -> bool:
    name = path.name
    if name.startswith((".", "~")) or name.lower().endswith(TEMP_SUFFIXES):
        return False
    return path.suffix.lower() in SALE_SUFFIXES


def decode(data: bytes) -> str:
    """UTF-16 or UTF-8 by their BOM, else UTF-8, else GB18030 (a superset of GBK, what
    Chinese Excel writes): the order of the bulk tooling's ``detect_encoding``."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise MalformedFile(
                "the file starts as UTF-16 but is not", "文件以 UTF-16 标记开头，但内容无法解码"
            ) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise MalformedFile(
                "the file is neither UTF-8 nor GBK text", "文件编码无法识别（应为 UTF-8 或 GBK）"
            ) from exc


def parse_sales(path: Path, data: bytes) -> list[dict[str, Any]]:
    """The sales in a file; raises :class:`MalformedFile` (or ``ValueError`` for truncated JSON)."""
    text = decode(data)
    if not text.strip():
        raise MalformedFile("the file is empty", "文件为空")
    if path.suffix.lower() == ".json":
        parsed = json.loads(text)  # a ValueError may mean "still being written": the caller decides
        if isinstance(parsed, dict) and isinstance(parsed.get("sales"), list):
            sales = parsed["sales"]
        elif isinstance(parsed, dict):
            sales = [parsed]
        else:
            raise MalformedFile(
                "a JSON sale file must hold an object", "JSON 文件内容应为一个对象（一笔销售）"
            )
        if not sales or not all(isinstance(s, dict) for s in sales):
            raise MalformedFile("no sale objects in the file", "文件中没有有效的销售记录")
        return [dict(s) for s in sales]
    return _parse_csv(text)


def _parse_csv(text: str) -> list[dict[str, Any]]:
    header_line = text.split("\n", 1)[0]
    counts = {d: header_line.count(d) for d in (",", "\t", ";")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if not header or unknown:
        raise MalformedFile(
            f"unknown CSV columns: {', '.join(unknown) or '(no header)'}",
            f"CSV 表头有无法识别的列：{'、'.join(unknown) or '（缺少表头）'}",
        )
    sales = []
    for row in reader:
        sale: dict[str, Any] = {}
        for key, value in row.items():
            if key is None:
                raise MalformedFile("a row has more cells than the header", "有一行的列数多于表头")
            value = (value or "").strip()
            if value == "":
                continue
            target = sale
            column = key.strip()
            *parents, leaf = column.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[leaf] = _typed(column, value)
        if sale:
            sales.append(sale)
    if not sales:
        raise MalformedFile("the CSV file has no rows", "CSV 文件没有数据行")
    return sales


def write_json_atomic(path: Path, value: Any) -> None:
    """Write ``path`` so a reader sees the old or the new file, never half of one."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        json.dump(value, handle, ensure_ascii=False, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def unique_destination(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name`` with ``.1``, ``.2``... before its suffix if taken."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while target.exists():
        target = folder / f"{stem}.{n}{suffix}"
        n += 1
    return target
