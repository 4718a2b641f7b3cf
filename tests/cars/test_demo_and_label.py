"""``vehreg demo car`` walks a car to approved; a car's label carries its VIN as a barcode on
both label sizes (decoded back from the images)."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from vehreg_sdk import labels, plates
from vehreg_sdk.types import Store, VehicleRegistration

VIN = "LHYA15SA1SL000001"


def test_vehreg_demo_car_walks_a_car_to_approved(tmp_path: Path) -> None:
    label = tmp_path / "car.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vehreg_sdk.cli",
            "demo",
            "car",
            "--label",
            str(label),
            "--review-delay",
            "0",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for marker in ("车辆识别代号", "购置税", "候选号码", "苏G", "genuine", "approved", "演示完成"):
        assert marker in out, marker
    assert "**********" in out  # the owner's ID is shown masked
    decoded = zxingcpp.read_barcodes(Image.open(label))
    (token,) = [r.text for r in decoded if r.format == zxingcpp.BarcodeFormat.QRCode]
    (vin,) = [r.text for r in decoded if r.format == zxingcpp.BarcodeFormat.Code128]
    claims = plates.decode_unverified(token)
    assert claims.plate in out and claims.vehicle_code == vin and vin in out


def _registration() -> VehicleRegistration:
    now = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
    return VehicleRegistration.model_validate(
        {
            "id": "vr_1",
            "status": "plate_assigned",
            "store_id": "st_1",
            "vehicle": {
                "vin": VIN,
                "brand": "海岳",
                "model": "HY7150A",
                "vehicle_type": "K33",
                "use_nature": "A",
                "fuel_type": "A",
                "energy_type": "ICE",
                "color": "白",
            },
            "owner": {
                "kind": "person",
                "name": "王*",
                "id_type": "A",
                "id_number": "3207**********0605",
                "mobile": "199****0001",
            },
            "invoice": {"number": "44000001", "date": "2026-11-26", "price_fen": 12_980_000},
            "insurance": {
                "policy_number": "P1",
                "starts_on": "2026-11-26",
                "ends_on": "2027-11-25",
            },
            "plate_kind": "02",
            "plate_source": "selection",
            "plate_number": "苏GA2345",
            "plate_token": "eyJhbGciOiJFZERTQSIsImtpZCI6InNhbmRib3gifQ." + "x" * 180 + ".sig",
            "safety_test": "exempt",
            "created_at": now,
            "updated_at": now,
        }
    )


@pytest.mark.parametrize("size", ["50x30", "60x40"])
@pytest.mark.parametrize("dpi", [203, 300])
def test_a_car_label_carries_the_vin_as_its_barcode(size: str, dpi: int) -> None:
    store = Store.model_validate(
        {"id": "st_1", "name": "海州4S店", "address": "连云港", "district_code": "320706"}
    )
    label = labels.PlateLabel.from_registration(_registration(), store)
    assert label.vehicle_code == VIN and label.product_model == "HY7150A"
    assert label.captions.vehicle_code.zh == "车辆识别代号"
    image = Image.open(io.BytesIO(labels.render(label, "png", size=size, dpi=dpi)))
    decoded = {r.format: r.text for r in zxingcpp.read_barcodes(image)}
    assert decoded[zxingcpp.BarcodeFormat.Code128] == VIN
    assert decoded[zxingcpp.BarcodeFormat.QRCode] == label.plate_token
