"""Plate labels (号牌标签): build, lay out, render and print, never calling the network.

``PlateLabel.from_registration(registration, store)`` makes the label
(``TemporaryPlateSheet.from_plate(plate, store)`` the paper temporary plate, drawn by
:func:`render_temporary_plate`); :func:`render`
turns it into PNG, SVG, PDF, TSPL, ZPL or ESC/POS bytes; :func:`print_label` sends
those bytes to a printer (:mod:`.transports`). The QR code carries the bureau-signed
plate credential, checkable offline with :func:`vehreg_sdk.plates.verify_token`;
:func:`read_token` reads it back from any label file this package writes.

Pillow and fpdf2 are imported only when a PNG / PDF is drawn.
"""

from __future__ import annotations

from typing import Literal

from ._errors import (
    LabelDataError,
    LabelError,
    LabelFontError,
    LabelLayoutError,
    PrinterUnavailableError,
)
from .layout import DPIS, SIZES, LabelLayout, layout_label, sheet_grid
from .model import Caption, Captions, PlateLabel
from .qr import QrCapacityError, QrErrorLevelError
from .read import LabelReadError, read_token
from .temporary_plate import TemporaryPlateSheet
from .transports import open_printer

__all__ = [
    "DPIS",
    "FORMATS",
    "SIZES",
    "Caption",
    "Captions",
    "LabelDataError",
    "LabelError",
    "LabelFontError",
    "LabelLayout",
    "LabelLayoutError",
    "LabelReadError",
    "PlateLabel",
    "PrinterUnavailableError",
    "QrCapacityError",
    "QrErrorLevelError",
    "TemporaryPlateSheet",
    "layout_label",
    "open_printer",
    "print_label",
    "read_token",
    "render",
    "render_sheet",
    "render_temporary_plate",
    "sheet_grid",
]

Format = Literal["png", "svg", "pdf", "tspl", "zpl", "escpos"]
FORMATS: tuple[str, ...] = ("png", "svg", "pdf", "tspl", "zpl", "escpos")


def render(
    label: PlateLabel | LabelLayout,
    format: str = "png",
    *,
    size: str = "50x30",
    dpi: int = 203,
    raster: bool = False,
    printer_fonts: bool = False,
) -> bytes:
    """The label in ``format``; ``label`` may be an already computed layout.

    ``raster`` applies to ``escpos`` only (image instead of native QR commands).
    ``printer_fonts`` applies to ``tspl``, ``zpl`` and ``escpos``: use the printer's
    Chinese font instead of drawing the text as bitmaps in the job (the default, which
    needs no font on the printer).
    """
    layout = label if isinstance(label, LabelLayout) else layout_label(label, size, dpi)
    if format == "png":
        from .render_png import render_png

        return render_png(layout)
    if format == "svg":
        from .render_svg import render_svg

        return render_svg(layout)
    if format == "pdf":
        from .render_pdf import render_pdf

        return render_pdf(layout)
    if format == "tspl":
        from .render_tspl import render_tspl

        return render_tspl(layout, printer_fonts=printer_fonts)
    if format == "zpl":
        from .render_zpl import render_zpl

        return render_zpl(layout, printer_fonts=printer_fonts)
    if format == "escpos":
        from .render_escpos import render_escpos

        return render_escpos(layout, raster=raster, printer_fonts=printer_fonts)
    raise LabelLayoutError(
        f"unknown format {format!r}; use one of {', '.join(FORMATS)}",
        f"不支持的格式 {format!r}，可选：{'、'.join(FORMATS)}",
    )


def render_sheet(labels: list[PlateLabel], *, size: str = "50x30", dpi: int = 300) -> bytes:
    """Many labels on A4 pages (PDF), for campus batches."""
    from .render_pdf import render_sheet_pdf

    return render_sheet_pdf(layout_label(label, size, dpi) for label in labels)


def render_temporary_plate(
    sheet: TemporaryPlateSheet, format: str = "pdf", *, paper: str = "A5", dpi: int = 200
) -> bytes:
    """The paper temporary plate (临时行驶车号牌), or the buyer's receipt when the sheet has no
    credential, as ``pdf`` or ``png`` on landscape ``A5`` or ``A4`` (:mod:`.temporary_plate`)."""
    from .render_temporary import render_temporary_plate as draw

    return draw(sheet, format, paper=paper, dpi=dpi)


def print_label(
    label: PlateLabel,
    printer: str,
    *,
    format: str = "tspl",
    size: str = "50x30",
    dpi: int = 203,
    timeout: float = 5.0,
    raster: bool = False,
    printer_fonts: bool = False,
) -> bytes:
    """Render and send one label; returns the bytes sent. Raises
    :class:`PrinterUnavailableError` when the printer cannot take it (reprint later)."""
    data = render(label, format, size=size, dpi=dpi, raster=raster, printer_fonts=printer_fonts)
    open_printer(printer, timeout=timeout).send(data)
    return data
