"""TSPL, ZPL and ESC/POS jobs: reviewed golden files, and parsed back to check that the
printer gets the label size, the QR payload (model 2) and the barcode data.

Regenerate the golden files after a reviewed change with ``VEHREG_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from vehreg_sdk.labels import PlateLabel, layout_label, render

from .printer_parsers import parse_escpos, parse_tspl, parse_zpl

GOLDEN = Path(__file__).with_name("golden")
CASES = [("50x30", 203), ("60x40", 300)]
EXTENSIONS = {"tspl": "tspl", "zpl": "zpl", "escpos": "escpos.bin"}


@pytest.mark.parametrize(("size", "dpi"), CASES)
@pytest.mark.parametrize("fmt", ["tspl", "zpl", "escpos"])
def test_matches_the_reviewed_golden_file(label: PlateLabel, fmt: str, size: str, dpi: int) -> None:
    job = render(label, fmt, size=size, dpi=dpi)
    path = GOLDEN / f"label-{size}-{dpi}.{EXTENSIONS[fmt]}"
    if os.environ.get("VEHREG_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(job)
    assert job == path.read_bytes(), f"{path.name} differs; review and regenerate"


@pytest.mark.parametrize(("size", "dpi"), [*CASES, ("50x30", 300), ("60x40", 203)])
@pytest.mark.parametrize("vehicle_code", ["991234567890123", "LYG2026A0012345"])
def test_tspl_parses_back(
    make_label: Callable[..., PlateLabel], size: str, dpi: int, vehicle_code: str
) -> None:
    label = make_label(vehicle_code=vehicle_code)
    layout = layout_label(label, size, dpi)
    parsed = parse_tspl(render(layout, "tspl"))
    assert parsed.commands[:5] == ["SIZE", "GAP", "DIRECTION", "REFERENCE", "CLS"]
    assert parsed.commands[-1] == "PRINT"
    assert parsed.size_mm == tuple(float(x) for x in size.split("x"))
    assert parsed.qr_payloads == [label.plate_credential]
    # Model 2 named explicitly; manual input, alphanumeric: the version the layout measured.
    assert parsed.qr_options == [f"M,{layout.qr.module},M,0,M2,S7"]
    assert parsed.barcodes == [vehicle_code]
    assert parsed.texts == []  # no printer font needed: the text is in BITMAP commands
    assert len(parsed.bitmaps) == 6
    fonts = parse_tspl(render(layout, "tspl", printer_fonts=True))
    assert fonts.texts[1] == "苏G·A12345"  # GB 18030 round trip
    assert len(fonts.texts) == 6 and fonts.bitmaps == []


@pytest.mark.parametrize(("size", "dpi"), [*CASES, ("50x30", 300), ("60x40", 203)])
@pytest.mark.parametrize("vehicle_code", ["991234567890123", "LYG2026A0012345", "A>B"])
def test_zpl_parses_back(
    make_label: Callable[..., PlateLabel], size: str, dpi: int, vehicle_code: str
) -> None:
    label = make_label(vehicle_code=vehicle_code)
    layout = layout_label(label, size, dpi)
    job = render(layout, "zpl")
    parsed = parse_zpl(job)
    assert parsed.commands[:2] == ["^XA", "^CI"] and job.startswith(b"^XA\n^CI28\n")
    assert parsed.commands[-1] == "^XZ"
    assert parsed.size_dots == (layout.width, layout.height)
    assert parsed.qr_payloads == [label.plate_credential]
    assert parsed.qr_options == [f"N,2,{layout.qr.module}", "MM,A"]  # manual, alphanumeric
    assert parsed.barcodes == [vehicle_code]
    assert parsed.texts == [] and len(parsed.bitmaps) == 6  # ^GF: no printer font needed
    fonts = parse_zpl(render(layout, "zpl", printer_fonts=True))
    assert any("苏G·A12345" in text for text in fonts.texts)
    assert any(vehicle_code in text for text in fonts.texts)


@pytest.mark.parametrize(("size", "dpi"), CASES)
@pytest.mark.parametrize("vehicle_code", ["991234567890123", "LYG2026A0012345", "{99}"])
def test_escpos_parses_back(
    make_label: Callable[..., PlateLabel], size: str, dpi: int, vehicle_code: str
) -> None:
    label = make_label(vehicle_code=vehicle_code)
    layout = layout_label(label, size, dpi)
    parsed = parse_escpos(render(layout, "escpos"))
    qr_functions = [c for c in parsed.commands if c.startswith("GS ( k")]
    assert qr_functions == [f"GS ( k {fn}" for fn in (165, 167, 169, 180, 181)]
    assert parsed.qr_options == ["model=2", f"module={layout.qr.module}", "level=M"]
    assert parsed.qr_payloads == [label.plate_credential]
    assert parsed.barcodes == [vehicle_code]
    assert "FS &" not in parsed.commands and parsed.commands[-1] == "GS V"
    assert len(parsed.bitmaps) == 6  # every text line is a GS v 0 image
    fonts = parse_escpos(render(layout, "escpos", printer_fonts=True))
    assert "FS &" in fonts.commands and fonts.bitmaps == []
    assert fonts.texts[:2] == ["电动自行车号牌 E-bike plate", "苏G·A12345"]
    assert f"整车编码 Code {vehicle_code}" in fonts.texts


def test_escpos_raster_job_has_the_label_size(label: PlateLabel) -> None:
    layout = layout_label(label, "60x40", 203)
    parsed = parse_escpos(render(layout, "escpos", raster=True))
    assert parsed.size_dots is not None
    assert parsed.size_dots[1] == layout.height
    assert layout.width <= parsed.size_dots[0] < layout.width + 8
    assert parsed.qr_payloads == []


def test_tspl_drops_captions_then_shortens_lines_that_do_not_fit(label: PlateLabel) -> None:
    narrow = parse_tspl(render(label, "tspl", size="50x30", dpi=203, printer_fonts=True)).texts
    assert narrow[3] == "320712345678901"  # caption dropped, the code kept whole
    assert narrow[2] == "海州区雅迪电动…"  # store name too long even without its caption
    wide = parse_tspl(render(label, "tspl", size="60x40", dpi=300, printer_fonts=True)).texts
    assert wide[4] == "品牌型号 Model 雅迪 TDT2210Z"


@pytest.mark.parametrize("fmt", ["zpl", "tspl", "escpos"])
def test_printer_fonts_option_keeps_control_characters_and_command_prefixes_out(
    make_label: Callable[..., PlateLabel], fmt: str
) -> None:
    label = make_label(vehicle_code="A^B~C_D")
    bad_store = replace(label, store_name='店^XZ~JR"\r\nPRINT 9,9\x1b@')
    job = render(bad_store, fmt, size="60x40", dpi=300, printer_fonts=True)
    if fmt == "zpl":
        parsed = parse_zpl(job)
        assert parsed.commands.count("^XZ") == 1 and "~JR" not in job.decode()
        assert any('店^XZ~JR"PRINT 9,9@' in text for text in parsed.texts)  # ^FH round trip
        assert parsed.barcodes == ["A^B~C_D"]
    elif fmt == "tspl":
        parsed = parse_tspl(job)
        assert parsed.commands.count("PRINT") == 1
        assert any(text.startswith('店^XZ~JR"PRINT') for text in parsed.texts)
    else:
        parsed = parse_escpos(job)
        assert parsed.commands.count("ESC @") == 1
        assert any('店^XZ~JR"PRINT 9,9@' in text for text in parsed.texts)
