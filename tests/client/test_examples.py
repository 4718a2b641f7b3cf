"""The examples run end to end against an embedded sandbox and exit 0."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("ebike_sale.py", [], "review: approved"),
        ("ebike_sale_async.py", [], "event ebike_registration.approved"),
        ("webhook_receiver.py", ["--demo"], "ebike_registration.approved"),
        ("phone_photo.py", [], "metadata and GPS removed"),
        ("plate_revocation.py", [], "revoked: cancelled"),
    ],
)
def test_example_runs(script: str, args: list[str], expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
        cwd=EXAMPLES,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert expected in result.stdout
    assert "11010519491231002X" not in result.stdout
