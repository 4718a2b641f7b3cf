"""The label font: bundled GB 2312 subset first, system fallback, and never tofu."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from vehreg_sdk.labels import LabelFontError, PlateLabel, fonts, render


def test_the_bundled_font_covers_gb2312_and_ascii() -> None:
    gb2312 = set()
    for high in range(0xB0, 0xF8):  # the hanzi rows
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                gb2312.add(bytes([high, low]).decode("gb2312"))
    assert len(gb2312) == 6763
    text = "".join(sorted(gb2312)) + "".join(chr(c) for c in range(0x21, 0x7F)) + "·…—“”"
    assert fonts.missing_characters(fonts.LabelFont(fonts.BUNDLED_FONT), text) == set()
    assert fonts.font_for("苏G·A12345 海州区").path == fonts.BUNDLED_FONT


def test_a_character_no_font_has_raises_instead_of_tofu(
    make_label: Callable[..., PlateLabel], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", ())
    monkeypatch.delenv(fonts.ENV_VAR, raising=False)
    label = make_label(plate="苏G·𠀀0001")  # CJK extension B: not in GB 2312
    for fmt in ("png", "svg", "pdf"):
        with pytest.raises(LabelFontError) as info:
            render(label, fmt)
        assert "𠀀" in info.value.message and "字体" in info.value.message_zh


def test_a_system_font_fills_in_for_characters_outside_gb2312(
    make_label: Callable[..., PlateLabel], monkeypatch: pytest.MonkeyPatch
) -> None:
    system = [p for p in fonts.SYSTEM_FONTS if Path(p).is_file()]
    usable = [p for p in system if not fonts.missing_characters(fonts.LabelFont(Path(p)), "堃")]
    if not usable:
        pytest.skip("no system CJK font with GBK characters on this machine")
    monkeypatch.setattr(fonts, "SYSTEM_FONTS", (usable[0],))
    assert fonts.font_for("堃").path == Path(usable[0])
    assert render(make_label(plate="苏G·堃0001"), "png")  # renders with the system font


def test_env_var_puts_a_font_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    copy = tmp_path / "mine.ttf"
    copy.write_bytes(fonts.BUNDLED_FONT.read_bytes())
    monkeypatch.setenv(fonts.ENV_VAR, str(copy))
    assert fonts.font_for("号牌").path == copy
    monkeypatch.setenv(fonts.ENV_VAR, str(tmp_path / "missing.ttf"))
    assert fonts.font_for("号牌").path == fonts.BUNDLED_FONT


def test_importing_labels_loads_no_imaging_or_pdf_library() -> None:
    code = (
        "import sys, vehreg_sdk.labels; "
        "print(','.join(m for m in ('PIL', 'fpdf', 'fontTools', 'zxingcpp', 'httpx') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert out.stdout.strip() == ""
