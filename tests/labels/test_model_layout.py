"""PlateLabel.from_registration and the layouts: sizes, dpis, quiet zones, no overlaps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from vehreg_sdk.labels import (
    Captions,
    LabelDataError,
    LabelLayoutError,
    PlateLabel,
    layout_label,
    sheet_grid,
)
from vehreg_sdk.labels.layout import QR_QUIET_MODULES, mm_to_dots
from vehreg_sdk.types import EbikeRegistration, Store

from .conftest import registration_data

SIZES = ["50x30", "60x40"]
DPIS = [203, 300]


def test_from_registration_takes_every_field(label: PlateLabel) -> None:
    assert label.plate_number == "苏G·A12345"
    assert label.registration_id == "ereg_01JTESTPLATE0001"
    assert label.qr_payload == label.plate_credential  # the compact one is printed
    assert label.plate_token.count(".") == 2  # the JWS is kept
    assert label.store_name == "海州区雅迪电动车专卖店"
    assert label.vehicle_code == "320712345678901"
    assert label.brand_model == "雅迪 TDT2210Z"
    assert label.color == "白"
    assert label.issue_date == date(2026, 9, 21)
    assert label.captions == Captions()
    lines = label.lines()
    assert list(lines) == ["title", "plate", "store", "vehicle_code", "model", "meta"]
    assert lines["title"] == "电动自行车号牌 E-bike plate"
    assert lines["meta"] == "颜色 Colour 白  日期 Date 2026-09-21"


def test_issue_date_is_the_shanghai_date(store: Store) -> None:
    # 17:30 UTC on the 21st is 01:30 on the 22nd in Shanghai.
    data = registration_data(created_at="2026-09-21T17:30:00Z")
    label = PlateLabel.from_registration(EbikeRegistration.model_validate(data), store)
    assert label.issue_date == date(2026, 9, 22)
    naive = registration_data(created_at="2026-09-21T15:59:59")  # naive = UTC
    label = PlateLabel.from_registration(EbikeRegistration.model_validate(naive), store)
    assert label.issue_date == date(2026, 9, 21)


def test_brand_is_optional(store: Store) -> None:
    data = registration_data()
    del data["vehicle"]["brand"]
    label = PlateLabel.from_registration(EbikeRegistration.model_validate(data), store)
    assert label.brand_model == "TDT2210Z"


def test_no_plate_yet_and_wrong_store_are_refused(store: Store) -> None:
    pending = EbikeRegistration.model_validate(registration_data(plate_number=None))
    with pytest.raises(LabelDataError) as info:
        PlateLabel.from_registration(pending, store)
    assert "号牌" in info.value.message_zh
    other = store.model_copy(update={"id": "store_other"})
    registration = EbikeRegistration.model_validate(registration_data())
    with pytest.raises(LabelDataError):
        PlateLabel.from_registration(registration, other)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("dpi", DPIS)
def test_layout_geometry(label: PlateLabel, size: str, dpi: int) -> None:
    layout = layout_label(label, size, dpi)
    w_mm, h_mm = (int(x) for x in size.split("x"))
    assert (layout.width, layout.height) == (mm_to_dots(w_mm, dpi), mm_to_dots(h_mm, dpi))
    qr = layout.qr
    assert qr.quiet >= QR_QUIET_MODULES == 4
    # The whole QR box, quiet zone included, lies on the label.
    assert qr.x >= 0 and qr.y >= 0
    assert qr.x + qr.size <= layout.width and qr.y + qr.size <= layout.height
    assert qr.module * 25.4 / dpi >= 0.24  # modules of at least ~0.25 mm
    # Text starts right of the QR box and stays on the label.
    for box in layout.texts:
        assert box.x >= qr.x + qr.size
        assert box.x + box.width <= layout.width
        assert box.y + box.height <= layout.height
    assert layout.barcode is not None
    bc = layout.barcode
    assert bc.y >= qr.y + qr.size  # below the QR quiet zone
    quiet = 10 * bc.module
    assert bc.x - quiet >= 0 and bc.x + bc.width + quiet <= layout.width
    assert bc.y + bc.height <= layout.height
    assert [box.role for box in layout.texts] == list(label.lines())


# Issue 12's targets: version 8 or less at level M; modules of at least 3 dots on
# 50 x 30 at 203 dpi and at least 4 on 60 x 40 (the JWS gave version 16 and 2 dots).
MODULE_TARGETS = {("50x30", 203): 3, ("60x40", 203): 4, ("50x30", 300): 4, ("60x40", 300): 6}


@pytest.mark.parametrize(("size", "dpi"), list(MODULE_TARGETS))
def test_the_compact_credential_gives_big_modules(label: PlateLabel, size: str, dpi: int) -> None:
    layout = layout_label(label, size, dpi)
    assert layout.qr.version <= 8 and layout.qr.alphanumeric
    assert layout.qr.module >= MODULE_TARGETS[(size, dpi)]
    old = layout_label(replace(label, plate_credential=None), size, dpi)
    assert old.qr.version >= 15 and old.qr.module < layout.qr.module


def test_a_label_without_a_credential_prints_the_jws(store: Store) -> None:
    data = registration_data(plate_credential=None)
    label = PlateLabel.from_registration(EbikeRegistration.model_validate(data), store)
    assert label.qr_payload == label.plate_token


def test_barcode_left_out_when_it_cannot_be_printed(
    make_label: Callable[..., PlateLabel],
) -> None:
    assert layout_label(make_label(vehicle_code="整车编码甲"), "50x30", 203).barcode is None
    assert layout_label(make_label(vehicle_code="X" * 40), "50x30", 203).barcode is None


def test_unknown_size_and_dpi(label: PlateLabel) -> None:
    with pytest.raises(LabelLayoutError) as info:
        layout_label(label, "100x150", 203)
    assert "尺寸" in info.value.message_zh
    with pytest.raises(LabelLayoutError):
        layout_label(label, "50x30", 600)


def test_a4_grid() -> None:
    grid = sheet_grid("50x30")
    assert (grid.columns, grid.rows, grid.per_page) == (4, 9, 36)
    assert grid.cell(0) == (0, 5.0, grid.offset_y_mm)
    page, x, y = grid.cell(199)
    assert page == 5 and x + 50 <= 205 and y + 30 <= 292
    assert sheet_grid("60x40").per_page == 3 * 7
