"""CSV text as the bulk readers need it: the encoding decided, the delimiter found, records checked.

The encoding is *decided*, not guessed (see :func:`detect_encoding`). Records
come from :mod:`csv`, with the two ways it loses rows without a word turned
into a :class:`SheetError` that names the row and the lines:

* a field longer than the csv module's limit (``csv.field_size_limit()``,
  128 KiB): it raises mid-file, which would end a run with a traceback;
* a quote opened in a cell and never closed where the cell ends: the reader
  silently folds every following line into that one cell (up to the next
  quote, or the end of the file), so a 200-line file reads as 5 rows.
  Such a record spans several lines and one of its cells holds lines that
  look like rows of their own (delimiters in them), which is what is checked.
  A quoted cell with a line break in it (an address on two lines) is kept.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from typing import IO, Final

from .._errors import VehregError

__all__ = ["SheetError", "csv_records", "decoding_error_offset", "detect_encoding", "sniff"]

_CHUNK: Final = 1 << 20
#: Lines looked at to find the delimiter (a title row may stand above the header).
_SNIFF_LINES: Final = 10


class SheetError(VehregError, ValueError):
    """The file cannot be read as a sheet (encoding, format, header); bilingual."""


def decoding_error_offset(handle: IO[bytes], encoding: str) -> int | None:
    """``None`` when the rest of ``handle`` decodes strictly, else the first bad byte's offset."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = 0
    while True:
        chunk = handle.read(_CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            return offset + max(exc.start, 0)
        if not chunk:
            return None
        offset += len(chunk)


def detect_encoding(handle: IO[bytes], name: str) -> str:
    """``utf-8-sig``, ``utf-16``, ``utf-8`` or ``gb18030``; :class:`SheetError` for neither."""
    head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    handle.seek(0)
    if decoding_error_offset(handle, "utf-8") is None:
        return "utf-8"
    handle.seek(0)
    bad = decoding_error_offset(handle, "gb18030")
    if bad is None:
        return "gb18030"
    raise SheetError(
        f"{name} is neither UTF-8 nor GBK/GB18030 text (bad byte at offset {bad}); "
        "save it again from Excel as 'CSV UTF-8' or as .xlsx",
        f"{name} 既不是 UTF-8 也不是 GBK/GB18030 文本（第 {bad} 字节无法解码）；"
        "请在 Excel 中另存为“CSV UTF-8”或 .xlsx",
    )


def sniff(text: IO[str]) -> str:
    """The delimiter (``,``, tab or ``;``): the one most often on a line of the first few.

    More than the first line is read because a school sheet often has a title
    line (the school's name, with no delimiter at all) above the header.
    """
    best, most = ",", 0
    for _ in range(_SNIFF_LINES):
        line = text.readline()
        if not line:
            break
        for delimiter in (",", "\t", ";"):
            count = line.count(delimiter)
            if count > most:
                best, most = delimiter, count
    text.seek(0)
    return best


def csv_records(text: IO[str], delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """``(record_number, cells)`` of every record; :class:`SheetError` where rows would be lost.

    Record numbers are what a spreadsheet shows as row numbers (a cell may hold
    a line break, so they are not line numbers).
    """
    reader = csv.reader(text, delimiter=delimiter)
    number = 0
    last_line = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _broken(name, number + 1, last_line + 1, reader.line_num, exc) from None
        number += 1
        line = reader.line_num
        if line - last_line > 1 and _swallowed(cells, delimiter):
            raise _unclosed_quote(name, number, last_line + 1, line)
        last_line = line
        yield number, cells


def _swallowed(cells: list[str], delimiter: str) -> bool:
    """Whether a multi-line record holds lines that are rows of their own (an unclosed quote)."""
    for cell in cells:
        if "\n" not in cell and "\r" not in cell:
            continue
        # The first line of the cell belongs to it; a later line with two or more
        # delimiters is a whole row read as text.
        for line in cell.splitlines()[1:]:
            if line.count(delimiter) >= 2:
                return True
    return False


def _unclosed_quote(name: str, row: int, first_line: int, last_line: int) -> SheetError:
    return SheetError(
        f'{name}: row {row} opens a quote (") that is not closed where its cell ends, so '
        f"lines {first_line + 1} to {last_line} were read into one cell of that row and would be "
        "lost; close the quote or remove it, then save the file again",
        f'{name}：第 {row} 行有一个未闭合的引号（"），第 {first_line + 1} 至 {last_line} 行'
        "都被读进了该行的一个单元格，这些行将会丢失；请补上或删除该引号后重新保存文件",
    )


def _broken(name: str, row: int, first_line: int, line: int, exc: csv.Error) -> SheetError:
    limit = csv.field_size_limit()
    if "field larger than field limit" in str(exc):
        return SheetError(
            f"{name}: row {row} (from line {first_line}) has a cell longer than {limit} "
            'characters; usually a quote (") opened there is never closed and swallows the '
            "rows after it. Close or remove that quote, or split the cell",
            f"{name}：第 {row} 行（从第 {first_line} 行起）有单元格超过 {limit} 个字符；"
            '通常是该处的引号（"）没有闭合，吞掉了后面的行。请补上或删除该引号，或拆分该单元格',
        )
    return SheetError(
        f"{name}: row {row} (line {line}) cannot be read as CSV ({exc}); save the file again "
        "from Excel as 'CSV UTF-8' or as .xlsx",
        f"{name}：第 {row} 行（第 {line} 行文本）无法按 CSV 读取（{exc}）；"
        "请在 Excel 中另存为“CSV UTF-8”或 .xlsx",
    )
