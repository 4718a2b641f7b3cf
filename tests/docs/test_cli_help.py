"""The help screens a newcomer reads: real URLs, argument names, no `<bool>` after flags."""

from __future__ import annotations

import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from vehreg_sdk.cli import app
from vehreg_sdk.cli.sandbox import DEFAULT_PORT


def _command_paths() -> list[list[str]]:
    root = get_command(app)
    found: list[list[str]] = [[]]
    pending: list[tuple[list[str], object]] = [([], root)]
    while pending:
        path, command = pending.pop()
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found.append([*path, name])
            pending.append(([*path, name], sub))
    return found


PATHS = _command_paths()


def _help(path: list[str]) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.output


def test_every_command_is_walked() -> None:
    assert ["configure"] in PATHS and ["label", "render"] in PATHS and len(PATHS) > 15


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "vehreg")
def test_help_shows_argument_names_and_no_bool_after_flags(path: list[str]) -> None:
    text = _help(path)
    assert "<bool>" not in text
    usage = next(line for line in text.splitlines() if "Usage:" in line)
    assert not re.search(r"\{[a-z_]+\}", usage), usage


def test_usage_names_the_argument() -> None:
    assert "Usage: vehreg label render [OPTIONS] REGISTRATION_ID" in _help(["label", "render"])


def test_configure_help_shows_the_sandbox_url() -> None:
    text = _help(["configure"])
    assert f"http://127.0.0.1:{DEFAULT_PORT}" in text
    assert "--show " in text and "--show <" not in text
