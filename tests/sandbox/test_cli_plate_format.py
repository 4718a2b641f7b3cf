"""``vehreg sandbox serve --plate-format``: the plate pattern from the command line."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from vehreg_sdk.cli import app as vehreg
from vehreg_sdk.cli import sandbox as sandbox_cli
from vehreg_sdk.sandbox import DEMO_DEALERS, bureau

from .conftest import Signer, register


def _squash(text: str) -> str:
    """Text without whitespace and box drawing: rich wraps the error inside a frame."""
    return re.sub(r"[\s\u2500-\u257f]", "", text)


def _serve(tmp_path: Path, *options: str) -> Any:
    args = ["sandbox", "serve", "--port", "0", "--db", str(tmp_path / "s.db"), *options]
    return CliRunner().invoke(vehreg, [*args, "--review-delay", "0", "--rate-limit", "0"])


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The ASGI apps ``serve`` would have run; uvicorn returns at once instead of serving."""
    apps: list[Any] = []

    def run(self: uvicorn.Server, sockets: Any = None) -> None:
        apps.append(self.config.app)

    monkeypatch.setattr(uvicorn.Server, "run", run)
    return apps


def test_the_cli_default_is_the_sandbox_default() -> None:
    assert sandbox_cli.DEFAULT_PLATE_FORMAT == bureau.DEFAULT_PLATE_FORMAT
    assert sandbox_cli.DEFAULT_PLATE_CAPACITY == bureau.DEFAULT_PLATE_CAPACITY


def test_help_documents_the_option() -> None:
    result = CliRunner().invoke(vehreg, ["sandbox", "serve", "--help"])
    assert result.exit_code == 0
    assert "--plate-format" in result.output
    assert "--plate-capacity" in result.output


async def test_plates_follow_the_pattern_given_on_the_command_line(
    tmp_path: Path, served: list[Any]
) -> None:
    result = _serve(tmp_path, "--plate-format", "苏GD{serial:05d}", "--plate-capacity", "99999")
    assert result.exit_code == 0, result.output
    assert "苏GD00001, 苏GD00002" in result.output  # the banner shows the pattern
    (application,) = served
    settings = application.state.bureau.settings
    assert (settings.plate_format, settings.plate_capacity) == ("苏GD{serial:05d}", 99_999)
    transport = httpx.ASGITransport(app=application)
    signer = Signer(DEMO_DEALERS[0], time.time)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://sandbox.test", auth=signer
        ) as client:
            first = await register(client, start=0, with_uploads=False)
            second = await register(client, start=500, index=1, with_uploads=False)
    finally:
        await application.state.bureau.aclose()
    assert [first["plate_number"], second["plate_number"]] == ["苏GD00001", "苏GD00002"]


def test_the_default_pattern_without_the_option(tmp_path: Path, served: list[Any]) -> None:
    result = _serve(tmp_path)
    assert result.exit_code == 0, result.output
    assert "苏G000001, 苏G000002" in result.output
    (application,) = served
    assert application.state.bureau.settings.plate_format == "苏G{serial:06d}"


@pytest.mark.parametrize(
    ("pattern", "english"),
    [
        pytest.param("苏G000001", "no {serial} field", id="no-serial"),
        pytest.param("苏G{serial:06q}", "not a usable pattern", id="bad-format-spec"),
        pytest.param("苏G{serial", "not a usable pattern", id="unbalanced-brace"),
        pytest.param("苏G{serial}{station}", "not a usable pattern", id="unknown-field"),
        pytest.param("苏G{serial}{0}", "not a usable pattern", id="positional-field"),
        pytest.param("苏G{{serial}}", "same plate for different serials", id="escaped-serial"),
    ],
)
def test_a_bad_pattern_is_a_clear_bilingual_error(
    tmp_path: Path, served: list[Any], pattern: str, english: str
) -> None:
    result = _serve(tmp_path, "--plate-format", pattern)
    assert result.exit_code == 2, result.output  # a usage error, not a crash
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    assert "Traceback" not in result.output
    flat = _squash(result.output)
    assert _squash(english) in flat
    assert "号牌格式" in flat
    assert "--plate-format" in flat
    assert served == []  # nothing was served
    assert not (tmp_path / "s.db").exists()  # nor any database created


def test_a_bad_capacity_is_refused(tmp_path: Path, served: list[Any]) -> None:
    result = _serve(tmp_path, "--plate-capacity", "0")
    assert result.exit_code == 2
    flat = _squash(result.output)
    assert "atleast1" in flat and "号牌容量" in flat
    assert served == []
