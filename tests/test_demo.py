"""The README's first command ends in ``vehreg demo``: it must walk a whole sale and exit 0."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import zxingcpp
from PIL import Image

from vehreg_sdk import plates


def test_vehreg_demo_walks_a_sale_to_approved(tmp_path: Path) -> None:
    label = tmp_path / "label.png"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vehreg_sdk.cli",
            "demo",
            "--label",
            str(label),
            "--review-delay",
            "0",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    for marker in ("整车编码", "苏G", "genuine", "approved", "演示完成"):
        assert marker in out
    # The owner is shown masked, never in full.
    assert "**********" in out

    # The label it wrote scans back to a plate token that names the plate it printed.
    decoded = zxingcpp.read_barcodes(Image.open(label))
    tokens = [r.text for r in decoded if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(tokens) == 1
    claims = plates.decode_unverified(tokens[0])
    assert claims.plate in out
