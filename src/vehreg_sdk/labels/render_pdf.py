"""PDF (fpdf2): one label per page at its real size, or many labels on A4 sheets.

Vector throughout: the QR code and barcode are filled rectangles (runs merged across
rows, one path per code), the text uses the label font embedded as a subset. fpdf2 is
imported when a PDF is made, not when ``vehreg_sdk.labels`` is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import fonts
from .layout import LabelLayout, sheet_grid

if TYPE_CHECKING:
    from fpdf import FPDF

_FAMILY = "vehreg-label"
_DARK_RUN = re.compile("1+")


def _new_pdf(page_mm: tuple[float, float] | str) -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=page_mm)
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    pdf.set_creator("vehreg-sdk")
    pdf.set_compression(True)
    return pdf


def _use_font(pdf: FPDF, font: fonts.LabelFont) -> None:
    family = f"{_FAMILY}-{abs(hash((str(font.path), font.index))) % 10**8}"
    if family.lower() not in pdf.fonts:
        pdf.add_font(family, fname=str(font.path), collection_font_number=font.index)
    pdf.set_font(family)


def _module_runs(rows: list[str]) -> list[tuple[int, int, int, int]]:
    """Dark runs as (col, row, width, height) in modules; a run repeated in the next rows is
    merged into one taller rectangle."""
    out: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}
    for row, text in enumerate([*rows, ""]):
        runs = {(m.start(), m.end() - m.start()) for m in _DARK_RUN.finditer(text)}
        for run in [run for run in open_runs if run not in runs]:
            top = open_runs.pop(run)
            out.append((run[0], top, run[1], row - top))
        for run in runs:
            open_runs.setdefault(run, row)
    return out


def _fill(
    pdf: FPDF,
    x: float,
    y: float,
    unit_x: float,
    unit_y: float,
    rects: list[tuple[int, int, int, int]],
) -> None:
    """Fill rectangles given in units of ``unit_x`` x ``unit_y`` mm, origin at (x, y) mm.

    ``FPDF.rect`` costs ~15 us a call and a 200-label sheet has ~270,000 rectangles, so each
    code is written as one path in fpdf2's content stream, in its own coordinate system
    (``cm``: scale to units, flip y). Falls back to ``rect`` if fpdf2 ever drops ``_out``.
    """
    out = getattr(pdf, "_out", None)
    if not callable(out):  # pragma: no cover - depends on the fpdf2 version
        for col, row, width, height in rects:
            pdf.rect(x + col * unit_x, y + row * unit_y, width * unit_x, height * unit_y, "F")
        return
    k = pdf.k
    path = " ".join(f"{col} {row} {width} {height} re" for col, row, width, height in rects)
    out(f"q {unit_x * k:.4f} 0 0 {-unit_y * k:.4f} {x * k:.3f} {(pdf.h - y) * k:.3f} cm {path} f Q")


def draw_label(pdf: FPDF, layout: LabelLayout, x0: float = 0.0, y0: float = 0.0) -> None:
    """Draw ``layout`` on the current page with its top-left at (x0, y0) mm."""
    mm = 25.4 / layout.dpi
    pdf.set_fill_color(0, 0, 0)
    qr = layout.qr
    unit = qr.module * mm
    runs = _module_runs(qr.matrix.as_text())
    _fill(pdf, x0 + qr.symbol_x * mm, y0 + qr.symbol_y * mm, unit, unit, runs)
    if layout.barcode is not None:
        bc = layout.barcode
        bars = [(start, 0, width, 1) for start, width in bc.symbol.bar_runs()]
        _fill(pdf, x0 + bc.x * mm, y0 + bc.y * mm, bc.module * mm, bc.height * mm, bars)
    font = fonts.font_for(layout.label.all_text())
    _use_font(pdf, font)
    units, ascent, descent = fonts.vertical_metrics(font.path, font.index)
    pdf.set_text_color(0, 0, 0)
    for box in layout.texts:
        em_mm = box.height * mm * units / (ascent + descent)
        pdf.set_font_size(em_mm * 72 / 25.4)
        text_width = pdf.get_string_width(box.text)
        if text_width > box.width * mm:
            em_mm *= box.width * mm / text_width
            pdf.set_font_size(em_mm * 72 / 25.4)
        baseline = y0 + box.y * mm + em_mm * ascent / units
        pdf.text(x0 + box.x * mm, baseline, box.text)


def render_pdf(layout: LabelLayout) -> bytes:
    """One label, on a page of the label's size."""
    pdf = _new_pdf((layout.width_mm, layout.height_mm))
    pdf.set_title(layout.label.plate_number)
    pdf.add_page()
    draw_label(pdf, layout)
    return bytes(pdf.output())


def render_sheet_pdf(layouts: Iterable[LabelLayout], *, cut_lines: bool = True) -> bytes:
    """Labels edge to edge on A4 pages (as many pages as needed), for campus batches.

    All layouts must have the same size; cut lines are thin grey rectangles around each label.
    """
    pdf = _new_pdf("A4")
    grid = None
    for index, layout in enumerate(layouts):
        if grid is None:
            grid = sheet_grid(layout.size_name)
        elif (layout.width_mm, layout.height_mm) != (grid.label_width_mm, grid.label_height_mm):
            raise ValueError("all labels on a sheet must have the same size / 同一页标签尺寸须相同")
        page, x, y = grid.cell(index)
        if page >= pdf.page:
            pdf.add_page()
        if cut_lines:
            pdf.set_draw_color(190, 190, 190)
            pdf.set_line_width(0.1)
            pdf.rect(x, y, grid.label_width_mm, grid.label_height_mm, style="D")
        draw_label(pdf, layout, x, y)
    if grid is None:
        pdf.add_page()
    return bytes(pdf.output())
