"""``vehreg bulk template``: an empty sheet a school office can fill in.

The XLSX template has three sheets: ``登记表`` (the data, Chinese headers,
text-formatted code columns so Excel keeps every digit of an ID number, and
drop-downs on the code columns), ``说明 Instructions`` (every column in both
languages, with an example), and ``代码 Codes`` (the drop-down lists, including
the catalogue's product models when a snapshot is given). The CSV template is
the header row alone, in UTF-8 with a byte-order mark so that Excel opens it
correctly on a Chinese Windows.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from .columns import COLUMNS, Column, column_set

__all__ = ["write_template"]

TemplateFormat = Literal["xlsx", "csv"]
#: Rows prepared with text format and drop-downs in the XLSX template.
TEMPLATE_ROWS = 3000

_NOTES: tuple[tuple[str, str], ...] = (
    ("每行一辆车；第 1 行是表头，请勿修改或删除。",
     "One row per bike; row 1 is the header, keep it as it is."),
    ("标 * 的列必填。表头也可以使用英文列名（见下表第 2 列）。",
     "Columns marked * are required. English headers (column 2 below) are accepted too."),
    ("证件号码、手机号码、整车编码等列已设为文本格式，请勿改为数字，否则 Excel 会丢失位数。",
     "ID, mobile and code columns are Text: keep them so, or Excel drops digits."),
    ("车主未满 18 周岁须填写监护人信息；未满 14 周岁须取得监护人同意（监护人同意 = 是）。",
     "Owners under 18 need a guardian; under 14 also the guardian's consent (监护人同意 = 是)."),
    ("未满 16 周岁不得驾驶电动自行车（道路交通安全法实施条例第七十二条），这类行会被标记。",
     "Riders must be 16 (road traffic regulations, art. 72); younger owners are flagged."),
    ("提交前请运行：vehreg bulk validate 本文件.xlsx",
     "Before submitting, run: vehreg bulk validate this-file.xlsx"),
)  # fmt: skip


def _header(column: Column) -> str:
    return column.header_zh + ("*" if column.required else "")


def write_template(
    path: str | Path,
    *,
    format: TemplateFormat | None = None,
    product_models: Iterable[str] = (),
    english_headers: bool = False,
    kind: str = "ebike",
) -> Path:
    """Write an empty bulk template to ``path`` (format from the suffix unless given).

    ``product_models`` (from a catalogue snapshot) become a drop-down on the
    产品型号 column. ``kind``: ``ebike`` (a campus) or ``car`` (a fleet or a dealer's
    cars: one ``vehicle_registrations`` body per row). Returns the path written.
    """
    columns = column_set(kind).columns
    target = Path(path)
    fmt: TemplateFormat = format or ("csv" if target.suffix.lower() == ".csv" else "xlsx")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            headers = [c.key if english_headers else _header(c) for c in columns]
            csv.writer(handle).writerow(headers)
        return target
    _write_xlsx(target, sorted(set(product_models)), english_headers, columns)
    return target


def _write_xlsx(
    target: Path,
    product_models: list[str],
    english_headers: bool,
    columns: tuple[Column, ...] = COLUMNS,
) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    data = workbook.active
    data.title = "登记表"
    codes = workbook.create_sheet("代码 Codes")
    guide = workbook.create_sheet("说明 Instructions")

    required_font = Font(bold=True, color="C00000")
    plain_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(
            row=1, column=index, value=column.key if english_headers else _header(column)
        )
        cell.font = required_font if column.required else plain_font
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.comment = Comment(
            f"{column.header_en} ({column.key})\n{column.help_en}\n{column.help_zh}", "vehreg"
        )
        data.column_dimensions[letter].width = column.width
        if column.text_format:
            for row in range(2, TEMPLATE_ROWS + 2):
                data.cell(row=row, column=index).number_format = "@"
    data.freeze_panes = "A2"

    lists: dict[str, list[str]] = {c.key: list(c.choices) for c in columns if c.choices}
    if product_models and columns is COLUMNS:
        lists["product_model"] = product_models
    for list_index, (key, values) in enumerate(sorted(lists.items()), start=1):
        letter = get_column_letter(list_index)
        codes.cell(row=1, column=list_index, value=key).font = plain_font
        for row, value in enumerate(values, start=2):
            codes.cell(row=row, column=list_index, value=value)
        codes.column_dimensions[letter].width = 16
        column_index = next(i for i, c in enumerate(columns, start=1) if c.key == key)
        target_letter = get_column_letter(column_index)
        validation = DataValidation(
            type="list",
            formula1=f"'代码 Codes'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=key != "product_model",
            errorTitle="取值无效 Invalid value",
            error="请从下拉列表中选择。Pick a value from the list.",
        )
        validation.add(f"{target_letter}2:{target_letter}{TEMPLATE_ROWS + 1}")
        data.add_data_validation(validation)

    _write_guide(guide, plain_font, header_fill, columns)
    workbook.save(target)


_CAR_NOTES: tuple[tuple[str, str], ...] = (
    ("每行一辆车；第 1 行是表头，请勿修改或删除。",
     "One row per vehicle; row 1 is the header, keep it as it is."),
    ("办理渠道（登记服务站或上门查验）在提交时指定：vehreg bulk submit --kind car --store 或 "
     "--onsite。", "The channel is named when submitting: --store or --onsite."),
    ("重点车辆（两客一危、校车、公交等）只能经上门查验办理，并须填写运营企业、道路运输证号和安全管理员。",
     "Key vehicles go through an on-site inspection, with the supervision columns filled."),
    ("号牌来源为“顺序”时按顺序分配号牌（仅限上门查验的车队）。",
     "Plate source 顺序: plates assigned in sequence (a fleet inspected on site only)."),
    ("提交前请运行：vehreg bulk validate --kind car 本文件.xlsx",
     "Before submitting, run: vehreg bulk validate --kind car this-file.xlsx"),
)  # fmt: skip


def _write_guide(guide: Any, bold: Any, fill: Any, columns: tuple[Column, ...] = COLUMNS) -> None:
    guide.column_dimensions["A"].width = 18
    guide.column_dimensions["B"].width = 22
    guide.column_dimensions["C"].width = 10
    guide.column_dimensions["D"].width = 48
    guide.column_dimensions["E"].width = 48
    guide.column_dimensions["F"].width = 24
    guide.cell(row=1, column=1, value="批量登记模板说明 Bulk registration template").font = bold
    row = 2
    for zh, en in _NOTES if columns is COLUMNS else _CAR_NOTES:
        guide.cell(row=row, column=1, value=f"• {zh}")
        guide.cell(row=row + 1, column=1, value=f"  {en}")
        row += 2
    row += 1
    heads = ("列名", "English header", "必填 Required", "说明", "Description", "示例 Example")
    for col, text in enumerate(heads, start=1):
        cell = guide.cell(row=row, column=col, value=text)
        cell.font = bold
        cell.fill = fill
    for column in columns:
        row += 1
        values = (
            column.header_zh,
            column.key,
            "是 yes" if column.required else "否 no",
            column.help_zh,
            column.help_en,
            column.example,
        )
        for col, text in enumerate(values, start=1):
            guide.cell(row=row, column=col, value=text).number_format = "@"
