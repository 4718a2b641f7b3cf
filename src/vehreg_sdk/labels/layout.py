"""Where everything goes on a label, in printer dots: one layout feeds every renderer.

A layout is computed once per (label, size, dpi); PNG, SVG, PDF, TSPL, ZPL and
ESC/POS all draw the same boxes, so the content cannot drift between formats.

Geometry (both sizes): the QR code on the left with a quiet zone of 4 modules
inside its box, the text column on the right, and the Code 128 of the vehicle
code along the bottom, centred, with its 10-module quiet zones. Module sizes are whole
printer dots (a thermal head cannot print half a dot).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from . import barcode128, qr
from ._errors import LabelDataError, LabelLayoutError
from .model import PlateLabel

SizeName = Literal["50x30", "60x40"]
SIZES: dict[str, tuple[int, int]] = {"50x30": (50, 30), "60x40": (60, 40)}
DPIS: tuple[int, ...] = (203, 300)
QR_QUIET_MODULES = 4
QR_ERROR_LEVEL: qr.ErrorLevel = "M"
# Line heights relative to a body line; the text column is split in this proportion.
_LINE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("title", 0.85),
    ("plate", 1.7),
    ("store", 1.0),
    ("vehicle_code", 1.0),
    ("model", 1.0),
    ("meta", 1.0),
)
_LINE_SPACING = 1.18


def mm_to_dots(mm: float, dpi: int) -> int:
    return round(mm * dpi / 25.4)


@dataclass(frozen=True)
class QrBox:
    """The QR symbol; (x, y) is the top-left of its quiet zone, ``module`` in dots.

    Printers that draw the QR code themselves (TSPL, ZPL, ESC/POS) get the payload, the
    error level and the module size; the others draw :attr:`matrix`.
    """

    x: int
    y: int
    module: int
    payload: str
    error_level: qr.ErrorLevel
    version: int
    modules: int  # per side, without quiet zone
    quiet: int = QR_QUIET_MODULES

    @cached_property
    def matrix(self) -> qr.QrMatrix:
        return qr.encode(self.payload, self.error_level)

    @property
    def alphanumeric(self) -> bool:
        """The payload is all QR alphanumeric characters: printers are told mode A, so they
        print the version measured here (their automatic mode may pick byte mode)."""
        return qr.is_alphanumeric(self.payload)

    @property
    def size(self) -> int:
        return (self.modules + 2 * self.quiet) * self.module

    @property
    def symbol_x(self) -> int:
        return self.x + self.quiet * self.module

    @property
    def symbol_y(self) -> int:
        return self.y + self.quiet * self.module


@dataclass(frozen=True, slots=True)
class BarcodeBox:
    """The Code 128 symbol; (x, y) is the top-left of the first bar, ``module`` in dots."""

    x: int
    y: int
    module: int
    height: int
    symbol: barcode128.Code128

    @property
    def width(self) -> int:
        return self.symbol.width_modules * self.module


@dataclass(frozen=True, slots=True)
class TextBox:
    """One line of text: ``role`` is a key of :meth:`PlateLabel.lines`; the text is drawn with
    its cap-to-descender height at most ``height`` dots and its width at most ``width``."""

    role: str
    text: str
    short: str  # the line without English captions, for fixed-size printer fonts
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class LabelLayout:
    label: PlateLabel
    size_name: str
    width_mm: int
    height_mm: int
    dpi: int
    width: int
    height: int
    qr: QrBox
    barcode: BarcodeBox | None
    texts: tuple[TextBox, ...]

    def text(self, role: str) -> TextBox:
        for box in self.texts:
            if box.role == role:
                return box
        raise KeyError(role)


def layout_label(
    label: PlateLabel,
    size: str = "50x30",
    dpi: int = 203,
    *,
    error_level: qr.ErrorLevel = QR_ERROR_LEVEL,
) -> LabelLayout:
    """Lay ``label`` out on a ``size`` label (``"50x30"`` or ``"60x40"`` mm) at ``dpi``.

    Raises :class:`LabelLayoutError` for an unknown size or dpi, or when the QR code
    cannot get modules of at least one dot with its quiet zone.
    """
    if size not in SIZES:
        raise LabelLayoutError(
            f"unknown label size {size!r}; use one of {', '.join(SIZES)}",
            f"不支持的标签尺寸 {size!r}，可选：{'、'.join(SIZES)}",
        )
    if dpi not in DPIS:
        raise LabelLayoutError(
            f"unsupported resolution {dpi} dpi; use 203 or 300",
            f"不支持的分辨率 {dpi} dpi，可选 203 或 300",
        )
    width_mm, height_mm = SIZES[size]
    width, height = mm_to_dots(width_mm, dpi), mm_to_dots(height_mm, dpi)
    margin = mm_to_dots(1.0, dpi)
    gap = mm_to_dots(0.5, dpi)
    if not label.qr_payload.isascii():
        # Plate tokens are ASCII; printers would need an ECI to read anything else the same.
        raise LabelDataError(
            "the QR payload must be a plate token (ASCII)", "二维码内容必须是号牌令牌（ASCII）"
        )
    version, qr_modules = qr.symbol_size(label.qr_payload, error_level)

    barcode = _barcode(label.vehicle_code, width, height, margin, dpi, height_mm)
    top_area = (barcode.y - gap if barcode else height - margin) - margin

    modules_across = qr_modules + 2 * QR_QUIET_MODULES
    module = min(top_area // modules_across, int(width * 0.6) // modules_across)
    if module < 1:
        raise LabelLayoutError(
            f"the QR code ({qr_modules} modules) does not fit a {size} label at {dpi} dpi",
            f"二维码（{qr_modules} 模块）放不进 {size} 标签（{dpi} dpi）",
        )
    qr_side = modules_across * module
    qr_box = QrBox(
        x=margin,
        y=margin + (top_area - qr_side) // 2,
        module=module,
        payload=label.qr_payload,
        error_level=error_level,
        version=version,
        modules=qr_modules,
    )

    text_x = margin + qr_side + gap
    text_width = width - margin - text_x
    unit = top_area / (_LINE_SPACING * sum(weight for _, weight in _LINE_WEIGHTS))
    lines, short_lines = label.lines(), label.short_lines()
    texts: list[TextBox] = []
    y = float(margin)
    for role, weight in _LINE_WEIGHTS:
        line_height = unit * weight
        texts.append(
            TextBox(
                role=role,
                text=lines[role],
                short=short_lines[role],
                x=text_x,
                y=round(y + (_LINE_SPACING - 1) * line_height / 2),
                width=text_width,
                height=round(line_height),
            )
        )
        y += line_height * _LINE_SPACING
    return LabelLayout(
        label=label,
        size_name=size,
        width_mm=width_mm,
        height_mm=height_mm,
        dpi=dpi,
        width=width,
        height=height,
        qr=qr_box,
        barcode=barcode,
        texts=tuple(texts),
    )


def _barcode(
    value: str, width: int, height: int, margin: int, dpi: int, height_mm: int
) -> BarcodeBox | None:
    """The bottom barcode, or None when the value cannot be a readable Code 128 on this label
    (non-ASCII, or bars narrower than 2 dots): the QR code still carries everything."""
    try:
        symbol = barcode128.encode(value)
    except barcode128.BarcodeDataError:
        return None
    modules_across = symbol.width_modules + 2 * barcode128.QUIET_ZONE_MODULES
    # The quiet zones may reach the label's edges (they are blank anyway); only the bars
    # need the printable area. Centred, so both quiet zones get the same share.
    module = min(width // modules_across, mm_to_dots(0.5, dpi))
    if module < 2 and _narrowest_readable(dpi):
        # A 17-character VIN needs ~200 modules: on a 50 mm label at 203 dpi only a
        # 1-dot module fits; 0.125 mm is above the narrowest bar scanners read (5 mil).
        module = 1
    if module < 1 or (module < 2 and not _narrowest_readable(dpi)):
        return None
    if symbol.width_modules * module > width - 2 * margin:
        return None
    bar_height = mm_to_dots(4.0 if height_mm <= 30 else 5.0, dpi)
    x = (width - symbol.width_modules * module) // 2
    return BarcodeBox(
        x=x, y=height - margin - bar_height, module=module, height=bar_height, symbol=symbol
    )


#: The narrowest bar, in mm, printed as a single dot (5 mil, what handheld scanners read).
MIN_SINGLE_DOT_MODULE_MM = 0.12


def _narrowest_readable(dpi: int) -> bool:
    """Whether one printer dot is wide enough to be a Code 128 module at this resolution."""
    return 25.4 / dpi >= MIN_SINGLE_DOT_MODULE_MM


# --------------------------------------------------------------------------- A4 sheet

A4_MM = (210, 297)
SHEET_MARGIN_MM = 5


@dataclass(frozen=True, slots=True)
class SheetGrid:
    """Label cells on A4 pages: ``columns`` x ``rows`` per page, cell origins in mm."""

    label_width_mm: int
    label_height_mm: int
    columns: int
    rows: int
    offset_x_mm: float
    offset_y_mm: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def cell(self, index: int) -> tuple[int, float, float]:
        """(page, x mm, y mm) of label number ``index``."""
        page, slot = divmod(index, self.per_page)
        row, column = divmod(slot, self.columns)
        return (
            page,
            self.offset_x_mm + column * self.label_width_mm,
            self.offset_y_mm + row * self.label_height_mm,
        )


def sheet_grid(size: str = "50x30") -> SheetGrid:
    """Labels edge to edge on A4 (cut lines drawn), centred, inside a 5 mm margin."""
    if size not in SIZES:
        raise LabelLayoutError(f"unknown label size {size!r}", f"不支持的标签尺寸 {size!r}")
    w, h = SIZES[size]
    usable_w, usable_h = A4_MM[0] - 2 * SHEET_MARGIN_MM, A4_MM[1] - 2 * SHEET_MARGIN_MM
    columns, rows = usable_w // w, usable_h // h
    return SheetGrid(
        label_width_mm=w,
        label_height_mm=h,
        columns=columns,
        rows=rows,
        offset_x_mm=(A4_MM[0] - columns * w) / 2,
        offset_y_mm=(A4_MM[1] - rows * h) / 2,
    )
