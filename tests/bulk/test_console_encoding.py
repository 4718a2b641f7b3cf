"""The CLI on a Windows console or a service log: output in GBK (code page 936) or cp1252,
piped or redirected. Nothing may fail on a character the encoding lacks; the run's files
are all written; the log stays readable in its own encoding."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import CAMPUS, STORE

ENCODINGS = ["gbk", "cp1252"]


def vehreg(args: list[str], encoding: str, log: Path, env: dict[str, str] | None = None) -> int:
    """Run ``vehreg ARGS > log`` with the console encoding of a Windows till."""
    full_env = {**os.environ, **(env or {}), "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    with log.open("wb") as out:
        done = subprocess.run(
            [sys.executable, "-m", "vehreg_sdk.cli", *args],
            stdout=out, stderr=subprocess.STDOUT, env=full_env, timeout=240, check=False,
        )  # fmt: skip
    return done.returncode


def read_log(log: Path, encoding: str) -> str:
    text = log.read_bytes().decode(encoding)  # strict: the log is valid in its own encoding
    assert "Traceback" not in text and "UnicodeEncodeError" not in text, text
    return text


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_offline_commands_survive_a_legacy_console(
    encoding: str, tmp_path: Path, today: date, pool_start: int
) -> None:
    log = tmp_path / "log.txt"
    assert vehreg(["--help"], encoding, log) == 0
    assert "vehreg" in read_log(log, encoding)
    template = ["bulk", "template", str(tmp_path / "学校"), "--format", "csv"]
    assert vehreg(template, encoding, log) == 0
    read_log(log, encoding)
    sheet = tmp_path / "学校.csv"
    write_campus_sheet(sheet, campus_rows(12, on=today, bad_every=4, pool_start=pool_start))
    assert vehreg(["bulk", "validate", str(sheet)], encoding, log) == 1
    text = read_log(log, encoding)
    if encoding == "gbk":
        assert "√" in text or "×" in text or "行" in text  # symbols GBK has, Chinese kept
    assert vehreg(["outbox", "status", "--db", str(tmp_path / "店.db")], encoding, log) == 0
    read_log(log, encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_bulk_submit_redirected_to_a_log_writes_every_report(
    encoding: str, sandbox: SandboxServer, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / "学校.csv"
    bad = write_campus_sheet(
        sheet, campus_rows(20, on=today, bad_every=10, pool_start=pool_start), encoding="gbk"
    )
    log = tmp_path / "log.txt"
    env = {
        "VEHREG_BASE_URL": sandbox.base_url,
        "VEHREG_APP_KEY": CAMPUS.app_key,
        "VEHREG_APP_SECRET": CAMPUS.app_secret,
    }
    code = vehreg(
        ["bulk", "submit", str(sheet), "--store", STORE, "--labels", str(tmp_path / "标签.pdf")],
        encoding, log, env,
    )  # fmt: skip
    text = read_log(log, encoding)
    assert code == 1, text  # the bad rows need fixing; nothing crashed
    with (tmp_path / "学校.result.csv").open(encoding="gb18030") as handle:
        results = list(csv.DictReader(handle))
    assert len(results) == 20
    assert {int(r["行号"]) for r in results if not r["号牌号码 plate"]} == set(bad)
    assert (tmp_path / "学校.rejected.csv").exists()
    assert (tmp_path / "标签.pdf").read_bytes().startswith(b"%PDF")
