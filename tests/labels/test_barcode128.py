"""Code 128: python-barcode issue #251 proven with a real decoder, and our encoder's answer."""

from __future__ import annotations

import pytest
from barcode.codex import Code128 as PythonBarcode128
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from vehreg_sdk.labels import barcode128

from .decode import decode


def image_from_modules(modules: str, module_px: int = 3, height: int = 60) -> Image.Image:
    quiet = "0" * barcode128.QUIET_ZONE_MODULES
    line = quiet + modules + quiet
    image = Image.new("L", (len(line), 1), 255)
    image.putdata([0 if m == "1" else 255 for m in line])
    return image.resize((len(line) * module_px, height), Image.Resampling.NEAREST)


def python_barcode_modules(text: str) -> str:
    # build() returns the modules as "1"/"0" strings, quiet zones excluded.
    return str(PythonBarcode128(text).build()[0])


def test_python_barcode_issue_251_drops_a_leading_99() -> None:
    """Proof of the bug we work around: zxing-cpp reads python-barcode's "9912345678" as
    "12345678". If this test starts failing, python-barcode has been fixed upstream."""
    image = image_from_modules(python_barcode_modules("9912345678"))
    assert decode(image, "Code128") == {"Code128": ["12345678"]}


@pytest.mark.parametrize(
    "text",
    [
        "9912345678",  # issue 251
        "99",
        "999999",
        "990000000000001",
        "320712345678901",  # a 15-digit vehicle code (odd length)
        "32071234567890",
        "1",
        "12",
        "123",
        "LYG2026A0012345",  # alphanumeric
        "AB99CD",
        "ereg_01JTESTPLATE0001",
        "A1234B5678901234C",
        "hello world {braces} ~!",
    ],
)
def test_our_encoder_round_trips_through_zxing(text: str) -> None:
    symbol = barcode128.encode(text)
    assert decode(image_from_modules(symbol.modules), "Code128") == {"Code128": [text]}


@pytest.mark.parametrize(
    "text", ["12345678", "000123", "ABC", "A1B2C3", "320712345678901", "LYG2026A0012345"]
)
def test_python_barcode_agrees_where_it_is_not_broken(text: str) -> None:
    ours = barcode128.encode(text)
    theirs = image_from_modules(python_barcode_modules(text))
    assert decode(theirs, "Code128") == {"Code128": [text]}
    assert ours.width_modules <= len(python_barcode_modules(text))


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=24)
)
def test_any_printable_ascii_round_trips(text: str) -> None:
    symbol = barcode128.encode(text)
    assert decode(image_from_modules(symbol.modules), "Code128") == {"Code128": [text]}


def test_numeric_uses_code_set_c() -> None:
    symbol = barcode128.encode("9912345678")
    assert [s.code_set for s in symbol.segments] == ["C"]
    assert symbol.values[:6] == (105, 99, 12, 34, 56, 78)  # start C, then 99 kept as data


@pytest.mark.parametrize("text", ["", "整车", "tab\there"])
def test_non_ascii_is_refused(text: str) -> None:
    with pytest.raises(barcode128.BarcodeDataError):
        barcode128.encode(text)


def test_never_wider_than_zxing_cpp() -> None:
    """Issue 12: our code sets (needed by ZPL ^BC and ESC/POS GS k) never make a wider symbol
    than zxing-cpp's writer; `12345A` is 90 modules (C 1234, B 5A), not 101."""
    import random

    import zxingcpp

    def zxing_width(text: str) -> int:
        symbol = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
        return int(symbol.to_image(scale=1, add_quiet_zones=False).shape[1])

    assert barcode128.encode("12345A").width_modules == zxing_width("12345A") == 90
    rng = random.Random(128)
    for _ in range(2000):
        text = "".join(rng.choice("0123456789AB-{") for _ in range(rng.randint(1, 24)))
        assert barcode128.encode(text).width_modules <= zxing_width(text), text
