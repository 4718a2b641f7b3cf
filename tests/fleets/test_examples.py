"""``examples/depot_100_buses.py``: the depot example runs against an embedded sandbox."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_depot_example_plates_and_approves_100_buses(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / "depot_100_buses.py"), "--workdir", str(tmp_path)],
        capture_output=True, text=True, encoding="utf-8", timeout=300, env=env, cwd=EXAMPLES,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "100/100 buses approved" in result.stdout
    assert "100 registered, 0 refused" in result.stdout
    plates = re.findall(r"苏G\d{5}D", result.stdout)
    assert plates and all(p.startswith("苏G") for p in plates)
    assert (tmp_path / "depot.csv").exists() and (tmp_path / "depot.journal.sqlite").exists()
