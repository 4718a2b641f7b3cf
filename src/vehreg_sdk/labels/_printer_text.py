"""Helpers shared by the printer-language renderers (TSPL, ZPL, ESC/POS)."""

from __future__ import annotations

import unicodedata


def cells(text: str) -> int:
    """Width in half-width cells: CJK and other wide characters take two (as in GB fonts)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def shorten(text: str, max_cells: int) -> str:
    """``text`` cut to ``max_cells`` half-width cells, ending in "…" when cut."""
    if cells(text) <= max_cells:
        return text
    out = ""
    for ch in text:
        if cells(out + ch) > max_cells - 2:
            break
        out += ch
    return out + "…"


def gb18030(text: str) -> bytes:
    """Text for printer fonts in GB 18030 (a superset of GB 2312 and GBK)."""
    return text.encode("gb18030")
