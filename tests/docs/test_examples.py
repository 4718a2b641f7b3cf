"""Every Python block in the docs runs as written against a sandbox bureau, unless it is
marked as a fragment (see tests/docs/markdown.py and docs/contributing-docs.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vehreg_sdk.sandbox import SandboxServer

from .markdown import CodeBlock, code_blocks, documentation_files


def _runnable() -> list[CodeBlock]:
    seen: set[str] = set()
    found: list[CodeBlock] = []
    for path in documentation_files():
        for block in code_blocks(path):
            # a Chinese page repeats its English page's code: run each block once
            if block.runs and block.code not in seen:
                seen.add(block.code)
                found.append(block)
    return found


RUNNABLE = _runnable()


def test_the_docs_have_runnable_examples() -> None:
    where = {block.path.name for block in RUNNABLE}
    assert {"README.md", "quickstart.md", "client.md", "networks.md"} <= where


@pytest.mark.parametrize("block", RUNNABLE, ids=lambda block: block.where)
def test_python_block_runs_against_the_sandbox(block: CodeBlock, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(block.code, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    env["VEHREG_CONFIG_DIR"] = str(tmp_path / "config")  # never the developer's settings
    env["PYTHONIOENCODING"] = "utf-8"
    with SandboxServer(review_delay=0) as sandbox:
        dealer = sandbox.dealers[0]
        env["VEHREG_BASE_URL"] = sandbox.base_url
        env["VEHREG_APP_KEY"] = dealer.app_key
        env["VEHREG_APP_SECRET"] = dealer.app_secret
        result = subprocess.run(
            [sys.executable, str(script)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=180,
            env=env,
            cwd=tmp_path,
        )
    assert result.returncode == 0, f"{block.where}\n{result.stdout}\n{result.stderr}"
