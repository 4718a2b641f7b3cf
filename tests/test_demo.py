"""The README's first command ends in ``vehreg demo``: it must walk a whole sale and exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import zxingcpp
from PIL import Image

from vehreg_sdk import plates

FAST = ("--review-delay", "0")


def test_vehreg_demo_writes_into_a_new_temporary_folder_by_default(tmp_path: Path) -> None:
    (tmp_path / "tmp").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "vehreg_sdk.cli", "demo", *FAST],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "400", "TMPDIR": str(tmp_path / "tmp")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "tmp"]  # nothing in the current folder
    (folder,) = (tmp_path / "tmp").glob("vehreg-demo-*/vehreg-demo-label.png")
    assert f"label 标签: {folder.resolve()}" in result.stdout


def test_vehreg_demo_walks_a_sale_to_approved(tmp_path: Path) -> None:
    out_dir = tmp_path / "demo-out"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "vehreg_sdk.cli", "demo", "--out", str(out_dir), *FAST],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "400"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    label = out_dir / "vehreg-demo-label.png"
    assert f"label 标签: {label.resolve()}" in out  # the folder is named at the end
    assert list(cwd.iterdir()) == []  # nothing written where it was run
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
