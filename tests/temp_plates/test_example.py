"""``examples/temporary_plate.py`` runs end to end against its embedded sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from vehreg_sdk import labels, plates

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_temporary_plate_example_runs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "temporary_plate.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        env=env,
        cwd=EXAMPLES,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "最长30天" in result.stdout and "printed plate verified" in result.stdout
    assert "尚未生效" in result.stdout and "过期" in result.stdout
    assert "the same plate True, issue 1" in result.stdout
    (plate_pdf,) = [p for p in tmp_path.glob("tp_*.pdf") if "receipt" not in p.name]
    claims = plates.decode_unverified(labels.read_token(plate_pdf))
    assert claims.plate_kind == 22 and claims.vin_digest is not None
    assert len(list(tmp_path.glob("*-receipt.pdf"))) == 1
