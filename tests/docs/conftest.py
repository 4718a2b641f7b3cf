"""Shared helpers of the documentation tests: the repository, the Markdown files, the built site."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material's banner about its successor (see decisions)
    env["PYTHONWARNINGS"] = "ignore::SyntaxWarning"  # jieba 0.42's regex literals
    return env


def run_mkdocs(config: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "mkdocs", "build", "--strict", "--clean"),
            *("--config-file", str(config), "--site-dir", str(site_dir)),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        env=mkdocs_env(),
        cwd=config.parent,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The site as `mkdocs build --strict` makes it from the repository's mkdocs.yml."""
    site = tmp_path_factory.mktemp("site")
    result = run_mkdocs(REPO / "mkdocs.yml", site)
    assert result.returncode == 0, result.stdout + result.stderr
    yield site
