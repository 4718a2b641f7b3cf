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


def is_alphanumeric(payload: str) -> bool:
    """True if every character is in the QR alphanumeric set (printers can use mode A)."""
    return all(ch in ALPHANUMERIC for ch in payload)


def _check_level(error_level: str) -> None:
    if error_level not in ERROR_LEVELS:
        raise QrErrorLevelError(
            f"unknown QR error correction level {error_level!r}; use L, M, Q or H",
            f"未知的二维码纠错等级 {error_level!r}，可选 L、M、Q、H",
        )


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
    pixels = bytes(memoryview(image))  # type: ignore[arg-type]  # a buffer: 1 byte a module
    rows = tuple(
        int("".join("1" if value < 128 else "0" for value in pixels[r * size : (r + 1) * size]), 2)
        for r in range(size)
    )
    return QrMatrix(size=size, rows=rows, version=(size - 17) // 4, error_level=error_level)


def encode(payload: str | bytes, error_level: ErrorLevel = "M") -> QrMatrix:
    """The smallest QR symbol for ``payload`` (text as UTF-8 with an ECI when it is not
    ASCII, bytes as they are) at ``error_level``.

    Raises :class:`QrErrorLevelError` or :class:`QrCapacityError` (both
    :class:`~vehreg_sdk.VehregError`).
    """
    _check_level(error_level)
    return _encode(payload, error_level)


def symbol_size(payload: str | bytes, error_level: ErrorLevel = "M") -> tuple[int, int]:
    """(version, modules per side) of the symbol :func:`encode` makes."""
    matrix = encode(payload, error_level)
    return matrix.version, matrix.size
