"""The docs name no machine-specific path: no developer's home, virtual environment or
temporary folder, which would mislead a reader on another machine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .markdown import documentation_files

MACHINE_PATHS = re.compile(
    r"/work/(?:venv|wt|main|shared)\b"  # this project's own build machines
    r"|/(?:home|Users)/[A-Za-z0-9_.-]+/"  # someone's home folder
    r"|[A-Za-z]:\\Users\\(?!%|<|\{)[A-Za-z0-9_.-]+\\"  # a Windows home folder, not a placeholder
    r"|/(?:tmp|var/folders)/[A-Za-z0-9_.-]*(?:pytest|tmp[a-z0-9_]{4,})"  # a temporary folder
    r"|site-packages/"  # an installed package's files, i.e. someone's environment
    r"|/root/"
    r"|(?:venv|\.venv)-[a-z]+/"  # a named developer venv like venv-docs/
)


def _text_files() -> list[Path]:
    repo = documentation_files()[0].parent
    extra = [repo / "CHANGELOG.md", repo / "mkdocs.yml"]
    return documentation_files() + [p for p in extra if p.exists()]


@pytest.mark.parametrize("path", _text_files(), ids=lambda p: p.name)
def test_no_machine_specific_path(path: Path) -> None:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        found = MACHINE_PATHS.search(line)
        assert not found, f"{path.name}:{number}: {found.group(0)!r} is one machine's path"


@pytest.mark.parametrize(
    "line",
    [
        "run /work/venv-docs/bin/mkdocs",
        "see /home/alice/project/docs",
        r"C:\Users\zhang\AppData\vehreg",
        "/tmp/pytest-of-root/pytest-3/site0",
        ".../lib/python3.11/site-packages/vehreg_sdk/labels",
    ],
)
def test_the_pattern_catches_machine_paths(line: str) -> None:
    assert MACHINE_PATHS.search(line)


@pytest.mark.parametrize(
    "line",
    [
        r"%APPDATA%\vehreg\ on Windows",
        "~/.config/vehreg/ on Linux",
        "python3 -m venv .venv && . .venv/bin/activate",
        r"C:\POS\vehreg-inbox",
    ],
)
def test_the_pattern_leaves_ordinary_paths_alone(line: str) -> None:
    assert not MACHINE_PATHS.search(line)
