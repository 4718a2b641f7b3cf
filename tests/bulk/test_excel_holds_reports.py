"""On Windows, Excel holding last run's report open makes writing it fail with a sharing
violation. Simulated here for chosen paths: the run's results are kept (journal intact), the
clerk is told to close the file in Excel, and the same command run again writes the reports
without registering any row twice."""

from __future__ import annotations

import builtins
import io
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from vehreg_sdk.cli import app
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import CAMPUS, STORE

_real_open, _real_io_open, _real_replace = builtins.open, io.open, os.replace


def sharing_violation(path: object) -> PermissionError:
    error = PermissionError(
        13,
        "The process cannot access the file because it is being used by another process",
        str(path),
    )
    error.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION, as on Windows
    return error


class Excel:
    """Holds files open: writing or replacing one raises what Windows raises."""

    def __init__(self) -> None:
        self.held: set[str] = set()
        self.refused = 0

    def _check(self, path: Any, mode: str) -> None:
        if isinstance(path, int) or not any(m in mode for m in "wax+"):
            return
        if Path(os.fsdecode(path)).name in self.held:
            self.refused += 1
            raise sharing_violation(path)

    def open(self, file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        self._check(file, mode)
        return _real_io_open(file, mode, *args, **kwargs)

    def replace(self, src: Any, dst: Any, **kwargs: Any) -> None:
        self._check(dst, "w")
        _real_replace(src, dst, **kwargs)


@pytest.fixture
def excel(monkeypatch: pytest.MonkeyPatch) -> Excel:
    state = Excel()
    monkeypatch.setattr(builtins, "open", state.open)
    monkeypatch.setattr(io, "open", state.open)
    monkeypatch.setattr(os, "replace", state.replace)
    return state


@pytest.fixture
def credentials(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEHREG_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("VEHREG_APP_KEY", CAMPUS.app_key)
    monkeypatch.setenv("VEHREG_APP_SECRET", CAMPUS.app_secret)
    monkeypatch.setenv("COLUMNS", "300")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_reports_held_open_by_excel_are_named_and_a_rerun_writes_them(
    suffix: str, excel: Excel, credentials: None, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / f"学校{suffix}"
    rows = campus_rows(12, on=today, bad_every=6, pool_start=pool_start + 500)
    write_campus_sheet(sheet, rows)
    result_file = tmp_path / f"学校.result{suffix}"
    rejected_file = tmp_path / f"学校.rejected{suffix}"
    excel.held = {result_file.name, rejected_file.name}
    runner = CliRunner()
    command = ["bulk", "submit", str(sheet), "--store", STORE, "--quiet"]

    first = runner.invoke(app, command)
    output = first.output
    assert first.exit_code == 1, output
    assert "Traceback" not in output and isinstance(first.exception, SystemExit)
    assert "10 registered" in output
    for held in (result_file, rejected_file):
        assert f"Close {held.name} in Excel first" in output
        assert f"请先在 Excel 中关闭 {held.name}" in output
        assert not held.exists()
    assert excel.refused >= 2
    assert "sends nothing twice" in output and "不会重复提交" in output
    assert re.search(r"vehreg bulk submit .*--journal", output)  # the command to run again

    excel.held = set()  # Excel closed
    again = runner.invoke(app, command)
    assert again.exit_code == 1, again.output  # 2 rows still need fixing
    assert "10 from an earlier run" in again.output  # nothing sent twice
    assert result_file.exists() and rejected_file.exists()
