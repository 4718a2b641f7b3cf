"""The suite's own rule, checked: under ``CI=true`` a skipped test fails the run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SAMPLE = """
import pytest

def test_skips():
    pytest.skip("needs chromium")

@pytest.mark.skipif(True, reason="needs java")
def test_skipped_by_mark():
    pass

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False

def test_passes():
    pass
"""


def _run(folder: Path, ci: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
        capture_output=True, text=True, encoding="utf-8", env=env, cwd=folder, check=False,
        timeout=120,
    )  # fmt: skip


def test_skips_fail_under_ci_and_stay_skips_elsewhere(tmp_path: Path) -> None:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    strict = _run(tmp_path, "true")
    assert strict.returncode == 1, strict.stdout
    assert "needs chromium" in strict.stdout and "needs java" in strict.stdout
    assert "1 xfailed" in strict.stdout and "skipped" not in strict.stdout.splitlines()[-1]
    relaxed = _run(tmp_path, None)
    assert relaxed.returncode == 0 and "2 skipped" in relaxed.stdout


ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("chromium", "fonts-wqy-microhei", "openssl", "curl", "nodejs",
            "default-jdk-headless", "mono-mcs", "mono-runtime", "postgresql",
            "libmono-system-net-http4.0-cil",
            "libmono-system-runtime-serialization4.0-cil")  # fmt: skip


def test_the_readme_and_ci_install_the_same_system_packages() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = readme.split("```bash\n")[1:3]
    test_command = blocks[1].split("```")[0].strip()
    assert test_command.startswith("bash scripts/install-test-deps.sh && ")
    assert test_command.endswith("python -X warn_default_encoding -m pytest")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert (
        "bash scripts/install-test-deps.sh" in ci
        and "CI=true python -X warn_default_encoding -m pytest" in ci
    )
    script = ROOT / "scripts" / "install-test-deps.sh"
    text = script.read_text("utf-8")
    assert all(f"missing+=({name})" in text for name in PACKAGES)
    subprocess.run(["bash", "-n", str(script)], check=True)
    # Everything is installed here, so the script has nothing to do (and needs no root).
    done = subprocess.run(
        ["bash", str(script)], capture_output=True, text=True, encoding="utf-8", check=False
    )
    assert done.returncode == 0 and "installing" not in done.stderr, done.stderr
