"""SVG: the label in millimetres with the QR code and barcode as rectangles and the text as
glyph outlines, so it shows the same Chinese on any viewer, with or without CJK fonts
(no tofu). The text is also kept in ``aria-label`` attributes for search and screen readers.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from xml.sax.saxutils import quoteattr

from . import fonts
from .layout import LabelLayout, TextBox


@lru_cache(maxsize=4)
def _face(path: str, index: int) -> Any:
    from fontTools.ttLib import TTFont

    font = TTFont(path, fontNumber=index, lazy=True)
    glyph_set = font.getGlyphSet()
    cmap = font.getBestCmap()
    ascent = font["hhea"].ascent
    descent = -font["hhea"].descent
    return font, glyph_set, cmap, font["head"].unitsPerEm, ascent, descent


@lru_cache(maxsize=4096)
def _glyph(path: str, index: int, char: str) -> tuple[str, int]:
    """SVG path data (font units, y up) and advance width of one character."""
    from fontTools.pens.svgPathPen import SVGPathPen

    _, glyph_set, cmap, _, _, _ = _face(path, index)
    name = cmap.get(ord(char), ".notdef")
    glyph = glyph_set[name]
    pen = SVGPathPen(glyph_set)
    glyph.draw(pen)
    return pen.getCommands(), int(glyph.width)


def _glyph_id(char: str) -> str:
    return f"g{ord(char):x}"


def _text_paths(box: TextBox, font: fonts.LabelFont, scale_x: float) -> str:
    path, index = str(font.path), font.index
    _, _, _, units, ascent, descent = _face(path, index)
    advances = [_glyph(path, index, ch)[1] for ch in box.text]
    size = box.height * units / (ascent + descent)  # em size in dots
    total = sum(advances) * size / units
    if total > box.width:
        size *= box.width / total
    scale = size / units
    baseline = box.y + ascent * scale
    pieces: list[str] = []
    pen_x = 0
    for ch, advance in zip(box.text, advances, strict=True):
        if _glyph(path, index, ch)[0]:
            pieces.append(f'<use href="#{_glyph_id(ch)}" x="{pen_x}"/>')
        pen_x += advance
    return (
        f'<g aria-label={quoteattr(box.text)} transform="translate({box.x * scale_x:.3f} '
        f'{baseline * scale_x:.3f}) scale({scale * scale_x:.6f} {-scale * scale_x:.6f})">'
        + "".join(pieces)
        + "</g>"
    )


def svg_body(layout: LabelLayout) -> str:
    """The label's drawing in mm units (no ``<svg>`` wrapper), origin at its top-left."""
    mm = 25.4 / layout.dpi  # one printer dot in millimetres
    parts: list[str] = []
    box = layout.qr
    rects: list[str] = []
    for row in range(box.matrix.size):
        y = (box.symbol_y + row * box.module) * mm
        for col, length in box.matrix.row_runs(row):
            x = (box.symbol_x + col * box.module) * mm
            rects.append(
                f"M{x:.3f} {y:.3f}h{length * box.module * mm:.3f}v{box.module * mm:.3f}"
                f"h{-length * box.module * mm:.3f}z"
            )
    parts.append(
        f'<path aria-label="QR" fill="#000" shape-rendering="crispEdges" d="{"".join(rects)}"/>'
    )
    if layout.barcode is not None:
        bc = layout.barcode
        bars = "".join(
            f"M{(bc.x + start * bc.module) * mm:.3f} {bc.y * mm:.3f}h{width * bc.module * mm:.3f}"
            f"v{bc.height * mm:.3f}h{-width * bc.module * mm:.3f}z"
            for start, width in bc.symbol.bar_runs()
        )
        parts.append(
            f'<path aria-label={quoteattr(bc.symbol.text)} fill="#000" '
            f'shape-rendering="crispEdges" d="{bars}"/>'
        )
    font = fonts.font_for(layout.label.all_text())
    # Each glyph once in <defs>, then <use>: a label repeats many characters.
    used = sorted({ch for text in layout.texts for ch in text.text})
    parts.append("<defs>")
    for ch in used:
        commands, _ = _glyph(str(font.path), font.index, ch)
        if commands:
            parts.append(f'<path id="{_glyph_id(ch)}" d="{commands}"/>')
    parts.append("</defs>")
    parts.append('<g fill="#000">')
    parts.extend(_text_paths(text, font, mm) for text in layout.texts)
    parts.append("</g>")
    return "".join(parts)


def render_svg(layout: LabelLayout) -> bytes:
    """A standalone SVG document, ``width_mm`` x ``height_mm`` millimetres."""
    w, h = layout.width * 25.4 / layout.dpi, layout.height * 25.4 / layout.dpi
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.3f}mm" height="{h:.3f}mm" '
        f'viewBox="0 0 {w:.3f} {h:.3f}">'
        f"<title>{_escape(layout.label.plate_number)}</title>"
        f'<rect width="{w:.3f}" height="{h:.3f}" fill="#fff"/>'
    )
    return (head + svg_body(layout) + "</svg>\n").encode("utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
