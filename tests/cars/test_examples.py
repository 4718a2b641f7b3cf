"""``examples/car_station_afternoon.py``: 14 cars for one dealer, concurrently, all approved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import zxingcpp
from PIL import Image

from vehreg_sdk import plates

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_14_car_afternoon_passes(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    out = tmp_path / "labels"
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "car_station_afternoon.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        env=env,
        cwd=EXAMPLES,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "14/14 cars approved" in result.stdout
    lines = [line.split() for line in result.stdout.splitlines() if line.count("苏G") == 1]
    assert len(lines) == 14
    vins = {line[0] for line in lines}
    plates_issued = {line[1] for line in lines}
    assert len(vins) == len(plates_issued) == 14
    labels = sorted(out.glob("*.png"))
    assert len(labels) == 28  # both label sizes for each car
    for label in labels[:4]:
        decoded = {r.format: r.text for r in zxingcpp.read_barcodes(Image.open(label))}
        assert decoded[zxingcpp.BarcodeFormat.Code128] in vins
        claims = plates.decode_unverified(decoded[zxingcpp.BarcodeFormat.QRCode])
        assert claims.plate in plates_issued and claims.vehicle_code in vins
