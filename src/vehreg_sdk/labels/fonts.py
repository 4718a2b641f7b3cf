"""Which font draws the label's Chinese: never tofu.

The package ships a GB 2312 subset of WenQuanYi Micro Hei (Apache-2.0, see
``fonts/README.md``), so PNG, SVG and PDF labels render the same on a fresh
machine with no CJK fonts installed, and look the same everywhere. A character
outside that subset (a rare name character in a store name) falls back to a
system CJK font that has it; if none has it, :class:`LabelFontError` is raised
instead of printing an empty box. ``VEHREG_LABEL_FONT=/path/to/font.ttf``
puts a font of your choice first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ._errors import LabelFontError

BUNDLED_FONT = Path(__file__).with_name("fonts") / "wqy-microhei-gb2312.ttf"
ENV_VAR = "VEHREG_LABEL_FONT"

# Common CJK fonts by platform; the first one that has every character wins.
SYSTEM_FONTS: tuple[str, ...] = (
    # Windows
    r"C:\Windows\Fonts\msyh.ttc",
    r"C:\Windows\Fonts\simhei.ttf",
    r"C:\Windows\Fonts\simsun.ttc",
    # macOS
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    # Linux (Debian/Ubuntu/Fedora package paths)
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)


@dataclass(frozen=True, slots=True)
class LabelFont:
    """A font file (``index`` selects the face inside a .ttc collection)."""

    path: Path
    index: int = 0


@lru_cache(maxsize=16)
def _coverage(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools; imported only when needed

    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        cmap = font.getBestCmap() or {}
        return frozenset(cmap)
    finally:
        font.close()


@lru_cache(maxsize=16)
def vertical_metrics(path: Path, index: int = 0) -> tuple[int, int, int]:
    """(units per em, ascent, descent) from the font's ``hhea`` table, descent positive."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        return int(font["head"].unitsPerEm), int(font["hhea"].ascent), -int(font["hhea"].descent)
    finally:
        font.close()


def candidates() -> list[LabelFont]:
    """Fonts in the order they are tried: ``$VEHREG_LABEL_FONT``, the bundled font, system fonts."""
    out: list[LabelFont] = []
    override = os.environ.get(ENV_VAR)
    if override:
        out.append(LabelFont(Path(override)))
    out.append(LabelFont(BUNDLED_FONT))
    out.extend(LabelFont(Path(p)) for p in SYSTEM_FONTS)
    return out


def missing_characters(font: LabelFont, text: str) -> set[str]:
    covered = _coverage(font.path, font.index)
    return {ch for ch in text if not ch.isspace() and ord(ch) not in covered}


def font_for(text: str) -> LabelFont:
    """The first font that has every character of ``text``; raises :class:`LabelFontError`."""
    tried: list[str] = []
    for font in candidates():
        if not font.path.is_file():
            continue
        try:
            if not missing_characters(font, text):
                return font
        except Exception:  # noqa: S112 - a broken font file is just skipped
            continue
        tried.append(font.path.name)
    missing = "".join(sorted(missing_characters(LabelFont(BUNDLED_FONT), text)))
    raise LabelFontError(
        f"no font has the characters {missing!r} (tried {', '.join(tried) or 'none'}); install a "
        f"CJK font or set {ENV_VAR} to one",
        f"没有字体包含字符 {missing!r}；请安装中文字体，或用 {ENV_VAR} 指定字体文件",
    )
