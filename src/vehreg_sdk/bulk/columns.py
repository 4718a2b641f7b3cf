"""The columns of a bulk registration sheet: keys, Chinese and English headers, drop-down lists.

One table drives the template, the readers' header matching, the parser and
the reports, so a column added here appears everywhere at once. The Chinese
header is what the template writes; the English key (``vehicle_code``) and a
few aliases are accepted too, with or without a trailing ``*`` or a unit in
brackets (``售价(元)``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

from .._errors import VehregError

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "EBIKE_COLUMN_SET",
    "ERROR_COLUMN",
    "ID_TYPES",
    "ROW_COLUMN",
    "USES",
    "Column",
    "ColumnSet",
    "HeaderError",
    "column_for_header",
    "column_set",
    "match_headers",
    "normalize_header",
    "own_column",
    "spec_of",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the sheet.

    ``key`` is the stable English name (also accepted as a header);
    ``header_zh`` the Chinese header the template writes; ``choices`` the
    drop-down values of a code column; ``pii`` marks personal data, which is
    masked wherever a value is shown.
    """

    key: str
    header_zh: str
    header_en: str
    required: bool
    help_en: str
    help_zh: str
    example: str
    choices: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    pii: str | None = None  # "name" | "id_number" | "mobile" | "address"
    text_format: bool = False  # written as Text (@) in XLSX so Excel keeps leading zeros and digits
    width: int = 14
    extra: dict[str, str] = field(default_factory=dict)


#: 身份证明名称 codes (GA 24) a campus sheet may use, with the Chinese names also accepted.
ID_TYPES: Final[dict[str, str]] = {
    "A": "居民身份证",
    "C": "军官证",
    "F": "境外人员身份证明",
    "H": "居民户口簿",
    "M": "临时居民身份证",
}
#: 车辆用途: the wire value and the Chinese a clerk writes (XJ-app digits 0-3 also accepted).
USES: Final[dict[str, str]] = {
    "self": "自用",
    "courier": "快递",
    "food_delivery": "外卖",
    "other": "其他",
}
CHEMISTRIES: Final[dict[str, str]] = {"lithium": "锂电池", "lead_acid": "铅酸电池", "other": "其他"}
YES_NO: Final[tuple[str, ...]] = ("是", "否")

ROW_COLUMN: Final = ("行号", "row")
ERROR_COLUMN: Final = ("错误 error",)

COLUMNS: Final[tuple[Column, ...]] = (
    Column("client_reference", "参考号", "Client reference", False,
           "Your own unique key for the row; left empty, one is derived from the row.",
           "本行的唯一参考号，可留空（将根据本行内容生成）。", "JSU-2025-0001",
           aliases=("reference", "ref", "学号参考号"), text_format=True, width=18),
    Column("vehicle_code", "整车编码", "Vehicle code", True,
           "15 digits, from the certificate QR code.", "15 位数字，见合格证二维码。",
           "117321900000243", aliases=("车架号", "整车编号"), text_format=True, width=18),
    Column("motor_code", "电机编码", "Motor code", True,
           "As marked on the motor.", "电动机上打刻的编码。", "M2019A00000243",
           aliases=("电动机编码",), text_format=True, width=18),
    Column("product_model", "产品型号", "Product model", True,
           "Must be in the catalogue (新国标目录).", "须在产品目录中。", "TDT1234Z",
           aliases=("型号",), text_format=True),
    Column("color", "车身颜色", "Colour", True, "Body colour.", "车身颜色。", "白",
           aliases=("颜色", "colour"), width=10),
    Column("battery_chemistry", "电池类型", "Battery chemistry", False,
           "lithium, lead_acid or other (default lithium).",
           "锂电池、铅酸电池或其他（默认锂电池）。",
           "锂电池", choices=tuple(CHEMISTRIES.values()), aliases=("蓄电池类型",), width=12),
    Column("battery_voltage_v", "电池电压(V)", "Battery voltage (V)", False,
           "Nominal voltage, default 48.", "标称电压，默认 48。", "48",
           aliases=("电压",), width=12),
    Column("battery_capacity_ah", "电池容量(Ah)", "Battery capacity (Ah)", False,
           "Capacity, default 20.", "容量，默认 20。", "20", aliases=("容量",), width=12),
    Column("owner_name", "车主姓名", "Owner name", True, "The student's name.",
           "学生（车主）姓名。",
           "王小明", aliases=("姓名", "name"), pii="name", width=10),
    Column("owner_id_type", "证件类型", "ID type", False,
           "GA 24 code, default A (resident ID).", "身份证明名称代码，默认 A（居民身份证）。", "A",
           choices=tuple(ID_TYPES), aliases=("id_type",), width=10),
    Column("owner_id_number", "证件号码", "ID number", True,
           "18 characters; format the column as Text in Excel.", "18 位；Excel 中请设为文本格式。",
           "320706200801011234", aliases=("身份证号", "身份证号码", "id_number"),  # fictional
           pii="id_number", text_format=True, width=21),
    Column("owner_mobile", "手机号码", "Mobile", True, "11 digits.", "11 位手机号。",
           "13812341234", aliases=("手机", "联系电话", "mobile"), pii="mobile", text_format=True),
    Column("owner_address", "住址", "Address", True, "Home or dormitory address.",
           "家庭或宿舍地址。", "连云港市海州区苍梧路59号", aliases=("地址", "address"),
           pii="address", width=28),
    Column("owner_use", "车辆用途", "Use", False, "自用/快递/外卖/其他 (default 自用).",
           "自用、快递、外卖或其他（默认自用）。", "自用", choices=tuple(USES.values()),
           aliases=("用途", "use"), width=10),
    Column("guardian_name", "监护人姓名", "Guardian name", False,
           "Required when the owner is under 18.", "车主未满 18 周岁时必填。", "王大明",
           pii="name", width=10),
    Column("guardian_id_type", "监护人证件类型", "Guardian ID type", False,
           "Default A.", "默认 A。", "A", choices=tuple(ID_TYPES), width=10),
    Column("guardian_id_number", "监护人证件号码", "Guardian ID number", False,
           "Required when the owner is under 18.", "车主未满 18 周岁时必填。",
           "320706197805061234", pii="id_number", text_format=True, width=21),  # fictional
    Column("guardian_mobile", "监护人手机", "Guardian mobile", False,
           "Required when the owner is under 18.", "车主未满 18 周岁时必填。", "13912341234",
           pii="mobile", text_format=True),
    Column("guardian_relationship", "与车主关系", "Relationship", False,
           "parent, guardian... (default parent).", "父母、其他监护人等（默认父母）。", "父母",
           width=10),
    Column("guardian_consent", "监护人同意", "Guardian consent", False,
           "是/否: recorded consent, required under 14 (PIPL art. 31).",
           "是/否：已取得监护人同意，未满 14 周岁时必须为“是”（个人信息保护法第三十一条）。", "是",
           choices=YES_NO, width=10),
    Column("invoice_number", "发票号码", "Invoice number", True, "Sales invoice number.",
           "销售发票号码。", "24320000000012345678", aliases=("发票号",), text_format=True,
           width=22),
    Column("invoice_date", "开票日期", "Invoice date", True, "YYYY-MM-DD.", "格式 YYYY-MM-DD。",
           "2025-09-01", aliases=("发票日期", "日期"), width=12),
    Column("price_yuan", "售价(元)", "Price (yuan)", True, "In yuan, up to 2 decimals.",
           "单位元，最多两位小数。", "2999.00", aliases=("价格", "售价", "price"), width=10),
    Column("clerk_id", "销售员编号", "Clerk ID", True, "The registered clerk (备案员工).",
           "已备案的销售员编号。", "C001", aliases=("销售员", "clerk"), text_format=True, width=10),
    Column("uploads", "附件编号", "Upload IDs", False,
           "Upload ids separated by ; (optional).", "已上传照片编号，用 ; 分隔（可选）。", "",
           aliases=("附件",), width=16),
)  # fmt: skip

COLUMNS_BY_KEY: Final[dict[str, Column]] = {column.key: column for column in COLUMNS}

_BRACKETED = re.compile(r"[（(\[【].*?[)）\]】]")
_NOISE = re.compile(r"[\s*＊:：_\-./]")


def normalize_header(text: str) -> str:
    """A header as typed: NFKC, lower case, no ``*``, spaces, underscores or bracketed units."""
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    folded = _BRACKETED.sub("", folded)
    return _NOISE.sub("", folded)


def _header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for column in COLUMNS:
        for name in (column.key, column.header_zh, column.header_en, *column.aliases):
            index.setdefault(normalize_header(name), column.key)
    return index


_HEADER_INDEX: Final[dict[str, str]] = _header_index()
#: Headers of columns the SDK itself adds to exported files; ignored on the way back in.
_OWN_COLUMNS: Final[frozenset[str]] = frozenset(
    normalize_header(name) for name in (*ROW_COLUMN, *ERROR_COLUMN, "错误", "error", "errors")
)


_ROW_HEADERS: Final[frozenset[str]] = frozenset(normalize_header(name) for name in ROW_COLUMN)


def column_for_header(text: str) -> str | None:
    """The column key a header cell names (``整车编码*`` -> ``vehicle_code``), else ``None``."""
    return _HEADER_INDEX.get(normalize_header(text or ""))


def own_column(text: str) -> str | None:
    """``"row"`` for the 行号 column the SDK's exports add, ``"error"`` for its error column."""
    norm = normalize_header(text or "")
    if norm in _ROW_HEADERS:
        return "row"
    return "error" if norm in _OWN_COLUMNS else None


class HeaderError(VehregError, ValueError):
    """The header row is unusable: unknown or missing required columns (bilingual)."""


@dataclass(frozen=True, slots=True)
class ColumnSet:
    """The columns of one kind of sheet (``ebike`` or ``car``) and how its headers are read.

    ``vehicle_key`` is the column a vehicle is identified by (checked for repeats
    across the file); ``owner_repeats`` says whether a repeated owner ID number is
    suspicious (a campus: yes; a fleet, one owner for every row: no).
    """

    kind: str
    columns: tuple[Column, ...]
    vehicle_key: str
    vehicle_field: str
    vehicle_label: tuple[str, str]
    owner_repeats: bool = True
    by_key: dict[str, Column] = field(default_factory=dict)
    header_index: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_key.update({column.key: column for column in self.columns})
        for column in self.columns:
            for name in (column.key, column.header_zh, column.header_en, *column.aliases):
                self.header_index.setdefault(normalize_header(name), column.key)

    def column_for_header(self, text: str) -> str | None:
        """The column key a header cell names, else ``None``."""
        return self.header_index.get(normalize_header(text or ""))

    def match_headers(self, headers: list[str]) -> list[str | None]:
        """See :func:`match_headers`."""
        return match_headers(headers, self)


def column_set(kind: str) -> ColumnSet:
    """The column set of a sheet kind: ``ebike`` or ``car``."""
    if kind == "car":
        from .car_columns import CAR_COLUMN_SET

        return CAR_COLUMN_SET
    if kind != "ebike":
        raise ValueError(f"kind is ebike or car, not {kind!r} / kind 应为 ebike 或 car")
    return EBIKE_COLUMN_SET


def spec_of(key: str | None) -> Column | None:
    """The column of any sheet kind with this key (for masking and report headers)."""
    if not key:
        return None
    found = COLUMNS_BY_KEY.get(key)
    if found is None:
        from .car_columns import CAR_COLUMN_SET

        found = CAR_COLUMN_SET.by_key.get(key)
    return found


def match_headers(headers: list[str], columns: ColumnSet | None = None) -> list[str | None]:
    """Map each header cell to a column key (``None`` for the SDK's own or empty columns).

    Raises :class:`HeaderError` naming every unknown header and every missing
    required column at once. ``columns``: the sheet's kind (default: e-bike).
    """
    index = _HEADER_INDEX if columns is None else columns.header_index
    wanted = COLUMNS if columns is None else columns.columns
    keys: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    duplicated: list[str] = []
    for raw in headers:
        norm = normalize_header(raw or "")
        if not norm or norm in _OWN_COLUMNS:
            keys.append(None)
            continue
        key = index.get(norm)
        if key is None:
            unknown.append(raw)
            keys.append(None)
        elif key in seen:
            duplicated.append(raw)
            keys.append(None)
        else:
            seen.add(key)
            keys.append(key)
    missing = [c for c in wanted if c.required and c.key not in seen]
    if unknown or missing or duplicated:
        parts_en, parts_zh = [], []
        if unknown:
            parts_en.append("unknown columns: " + ", ".join(unknown))
            parts_zh.append("无法识别的列：" + "、".join(unknown))
        if duplicated:
            parts_en.append("columns given twice: " + ", ".join(duplicated))
            parts_zh.append("重复的列：" + "、".join(duplicated))
        if missing:
            parts_en.append("missing columns: " + ", ".join(c.key for c in missing))
            parts_zh.append("缺少必填列：" + "、".join(c.header_zh for c in missing))
        raise HeaderError("; ".join(parts_en), "；".join(parts_zh))
    return keys


EBIKE_COLUMN_SET: Final[ColumnSet] = ColumnSet(
    "ebike", COLUMNS, "vehicle_code", "vehicle.vehicle_code", ("vehicle code", "整车编码")
)
