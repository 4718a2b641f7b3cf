"""QR codes (model 2) for label payloads, written by zxing-cpp.

zxing-cpp (already the labels' decoder) encodes: it picks the smallest version and the
cheapest segmentation (a ``VP1:`` plate credential is all QR alphanumeric characters, so
it goes in alphanumeric mode, 5.5 bits a character instead of 8) and chooses the mask by
the ISO/IEC 18004 penalty. This module turns its symbol into rows of bits for the
renderers, and reports version and error level so printer languages can be told the same.
``docs/decisions/labels-qr-writer.md`` says why it replaced our own encoder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from ._errors import LabelLayoutError

ErrorLevel = Literal["L", "M", "Q", "H"]
ERROR_LEVELS: tuple[str, ...] = ("L", "M", "Q", "H")
#: The QR alphanumeric character set (ISO/IEC 18004 table 5), which Base45 was made to fit.
ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
# Data codewords per version 1..40 and level (ISO/IEC 18004 table 7): enough to know the
# version a printer makes when told "alphanumeric mode, one segment" (ZPL, TSPL).
_DATA_CODEWORDS = {
    "L": (19, 34, 55, 80, 108, 136, 156, 194, 232, 274, 324, 370, 428, 461, 523, 589, 647, 721,
          795, 861, 932, 1006, 1094, 1174, 1276, 1370, 1468, 1531, 1631, 1735, 1843, 1955, 2071,
          2191, 2306, 2434, 2566, 2702, 2812, 2956),
    "M": (16, 28, 44, 64, 86, 108, 124, 154, 182, 216, 254, 290, 334, 365, 415, 453, 507, 563,
          627, 669, 714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, 1455, 1541, 1631,
          1725, 1812, 1914, 1992, 2102, 2216, 2334),
    "Q": (13, 22, 34, 48, 62, 76, 88, 110, 132, 154, 180, 206, 244, 261, 295, 325, 367, 397,
          445, 485, 512, 568, 614, 664, 718, 754, 808, 871, 911, 985, 1033, 1115, 1171, 1231,
          1286, 1354, 1426, 1502, 1582, 1666),
    "H": (9, 16, 26, 36, 46, 60, 66, 86, 100, 122, 140, 158, 180, 197, 223, 253, 283, 313, 341,
          385, 406, 442, 464, 514, 538, 596, 628, 661, 701, 745, 793, 845, 901, 961, 986, 1054,
          1096, 1142, 1222, 1276),
}  # fmt: skip


class QrError(LabelLayoutError):
    """A QR code cannot be made from this payload with these settings."""

    code = "label.qr"


class QrErrorLevelError(QrError):
    """The error correction level is not one of L, M, Q, H."""

    code = "label.qr_error_level"


class QrCapacityError(QrError):
    """The payload does not fit in a version-40 symbol at this error level."""

    code = "label.qr_capacity"


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """A QR symbol, no quiet zone: ``rows[r]`` has bit ``size - 1 - c`` set if (r, c) is dark."""

    size: int
    rows: tuple[int, ...]
    version: int
    error_level: str

    def is_dark(self, row: int, col: int) -> bool:
        return bool((self.rows[row] >> (self.size - 1 - col)) & 1)

    def row_runs(self, row: int) -> list[tuple[int, int]]:
        """Dark runs of one row as (first column, length): what vector renderers draw."""
        text = format(self.rows[row], f"0{self.size}b")
        return [(m.start(), m.end() - m.start()) for m in re.finditer("1+", text)]

    def as_text(self) -> list[str]:
        return [format(value, f"0{self.size}b") for value in self.rows]


_ALPHANUMERIC_RE = re.compile(r"[0-9A-Z $%*+\-./:]*")


def is_alphanumeric(payload: str) -> bool:
    """True if every character is in the QR alphanumeric set (printers can use mode A)."""
    return _ALPHANUMERIC_RE.fullmatch(payload) is not None


def _check_level(error_level: str) -> None:
    if error_level not in ERROR_LEVELS:
        raise QrErrorLevelError(
            f"unknown QR error correction level {error_level!r}; use L, M, Q or H",
            f"未知的二维码纠错等级 {error_level!r}，可选 L、M、Q、H",
        )


_TO_BITS = bytes(ord("1") if value < 128 else ord("0") for value in range(256))


@lru_cache(maxsize=256)
def _encode(payload: str | bytes, error_level: str) -> QrMatrix:
    import zxingcpp

    _check_level(error_level)
    try:
        symbol = zxingcpp.create_barcode(
            payload, zxingcpp.BarcodeFormat.QRCode, ec_level=error_level
        )
    except ValueError as exc:
        length = len(payload.encode("utf-8") if isinstance(payload, str) else payload)
        raise QrCapacityError(
            f"the QR payload ({length} bytes) is too large for a QR code at level "
            f"{error_level}: {exc}",
            f"二维码内容（{length} 字节）超出纠错等级 {error_level} 的最大容量",
        ) from exc
    image = symbol.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    # A buffer of one byte a module (0 dark, 255 light) -> "1"/"0" text -> one int a row.
    bits = bytes(memoryview(image)).translate(_TO_BITS).decode("ascii")  # type: ignore[arg-type]
    rows = tuple(int(bits[r * size : (r + 1) * size], 2) for r in range(size))
    return QrMatrix(size=size, rows=rows, version=(size - 17) // 4, error_level=error_level)


def encode(payload: str | bytes, error_level: ErrorLevel = "M") -> QrMatrix:
    """The smallest QR symbol for ``payload`` (text as UTF-8 with an ECI when it is not
    ASCII, bytes as they are) at ``error_level``.

    Raises :class:`QrErrorLevelError` or :class:`QrCapacityError` (both
    :class:`~vehreg_sdk.VehregError`).
    """
    _check_level(error_level)
    return _encode(payload, error_level)


def alphanumeric_version(length: int, error_level: ErrorLevel = "M") -> int:
    """The version of a one-segment alphanumeric symbol of ``length`` characters: what ZPL and
    TSPL print in manual alphanumeric mode."""
    _check_level(error_level)
    for version, codewords in enumerate(_DATA_CODEWORDS[error_level], start=1):
        count_bits = 9 if version < 10 else 11 if version < 27 else 13
        if 4 + count_bits + 11 * (length // 2) + 6 * (length % 2) <= 8 * codewords:
            return version
    raise QrCapacityError(
        f"{length} alphanumeric characters do not fit in a QR code at level {error_level}",
        f"{length} 个字母数字字符超出纠错等级 {error_level} 的二维码最大容量",
    )


def symbol_size(payload: str | bytes, error_level: ErrorLevel = "M") -> tuple[int, int]:
    """(version, modules per side) to lay a label out for: the larger of zxing-cpp's symbol
    and, for an alphanumeric payload, the one-segment symbol printers are told to make (the
    two are equal for plate credentials; zxing may mix in numeric segments and be smaller).
    An alphanumeric payload needs no encoding here, so printer jobs never encode."""
    if isinstance(payload, str) and payload and is_alphanumeric(payload):
        version = alphanumeric_version(len(payload), error_level)
    else:
        version = encode(payload, error_level).version
    return version, 17 + 4 * version
