"""``vehreg bulk`` commands end to end, the docs' column table, and the example script."""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from vehreg_sdk.bulk.columns import COLUMNS
from vehreg_sdk.cli import app
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.testing.campus import campus_rows, write_campus_sheet

from .support import CAMPUS, STORE

ROOT = Path(__file__).resolve().parents[2]
RAW_ID = re.compile(r"(?<!\d)[1-9]\d{5}(?:19|20)\d{2}\d{7}[\dX](?!\d)")
RAW_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture
def credentials(sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VEHREG_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("VEHREG_APP_KEY", CAMPUS.app_key)
    monkeypatch.setenv("VEHREG_APP_SECRET", CAMPUS.app_secret)


def test_template_catalogue_validate_submit_labels(
    credentials: None, tmp_path: Path, today: date, pool_start: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "200")  # no line breaks inside the figures checked below
    runner = CliRunner()
    made = runner.invoke(app, ["bulk", "template", str(tmp_path / "t"), "--format", "csv"])
    assert made.exit_code == 0 and (tmp_path / "t.csv").exists()
    snapshot = tmp_path / "catalogue.json"
    fetched = runner.invoke(app, ["bulk", "catalogue", "--out", str(snapshot)])
    assert fetched.exit_code == 0 and len(json.loads(snapshot.read_text("utf-8"))) >= 40
    sheet = tmp_path / "school.csv"
    expected = write_campus_sheet(
        sheet, campus_rows(80, on=today, bad_every=20, pool_start=pool_start), encoding="gbk"
    )
    checked = runner.invoke(app, ["bulk", "validate", str(sheet), "--catalogue", str(snapshot)])
    assert checked.exit_code == 1
    submitted = runner.invoke(
        app, ["bulk", "submit", str(sheet), "--store", STORE, "--quiet",
              "--labels", str(tmp_path / "labels.pdf")],
    )  # fmt: skip
    assert submitted.exit_code == 1, submitted.output  # 4 rows need fixing
    output = submitted.output
    assert "76 registered" in output and "苏G" in output
    assert not RAW_ID.search(output) and not RAW_MOBILE.search(output)
    people = [r.values for r in campus_rows(80, on=today, bad_every=20, pool_start=pool_start)]
    for person in people:  # names and addresses are masked on the console too
        assert person["owner_name"] not in output and person["owner_address"] not in output
    assert "(76 labels 张)" in output
    pdf = (tmp_path / "labels.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    # A4 (595 x 842 pt), 36 labels a page: 76 labels fill 3 pages.
    assert set(re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)) == {(b"595.28", b"841.89")}
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) == 3
    with (tmp_path / "school.result.csv").open(encoding="gb18030") as handle:
        results = list(csv.DictReader(handle))
    assert len(results) == 80
    bad = {int(r["行号"]) for r in results if not r["号牌号码 plate"]}
    assert bad == set(expected)
    with (tmp_path / "school.rejected.csv").open(encoding="gb18030") as handle:
        assert {int(r["行号"]) for r in csv.DictReader(handle)} == set(expected)
    again = runner.invoke(app, ["bulk", "submit", str(sheet), "--store", STORE, "--quiet"])
    assert "76 from an earlier run" in again.output


def test_submit_refuses_an_unreadable_file(credentials: None, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_bytes(b"\x80\x81\xff")
    result = CliRunner().invoke(
        app, ["bulk", "submit", str(tmp_path / "bad.csv"), "--store", STORE]
    )
    assert result.exit_code == 2


def test_docs_list_every_column() -> None:
    text = (ROOT / "docs" / "bulk.md").read_text("utf-8")
    for column in COLUMNS:
        assert f"`{column.key}`" in text and column.header_zh in text, column.key


@pytest.mark.slow
def test_example_runs_against_its_embedded_sandbox(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    env["VEHREG_CONFIG_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "campus_batch.py")],
        capture_output=True, text=True, encoding="utf-8", timeout=300, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "registered 57" in done.stdout and "57 labels" in done.stdout


def test_submit_to_a_store_that_is_not_yours_stops_at_once(
    credentials: None, tmp_path: Path, today: date, pool_start: int
) -> None:
    sheet = tmp_path / "s.csv"
    write_campus_sheet(sheet, campus_rows(5, on=today, pool_start=pool_start))
    result = CliRunner().invoke(
        app, ["bulk", "submit", str(sheet), "--store", "st_demo_haizhou_1", "--quiet"]
    )
    assert result.exit_code == 2
    assert "store.not_found" in result.output or "门店不存在" in result.output


def test_ctrl_c_prints_the_whole_command_to_resume(
    credentials: None, tmp_path: Path, today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every option of the run, quoted for the shell, on one line however narrow the terminal."""
    import vehreg_sdk.cli.bulk as cli_bulk

    async def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_bulk, "_submit", interrupted)
    monkeypatch.setenv("COLUMNS", "60")
    sheet = tmp_path / "my school [2026].csv"
    write_campus_sheet(sheet, campus_rows(3, on=today))
    labels = tmp_path / "plate labels.pdf"
    result = CliRunner().invoke(
        app, ["bulk", "submit", str(sheet), "--store", STORE, "--batch-size", "40",
              "--concurrency", "8", "--mode", "single", "--under-16", "warning",
              "--date", today.isoformat(), "--labels", str(labels), "--quiet"],
    )  # fmt: skip
    assert result.exit_code == 130, result.output
    assert "已停止" in result.output and "Stopped" in result.output
    (line,) = [line for line in result.output.splitlines() if "vehreg bulk submit" in line]
    words = shlex.split(line)
    assert words[:4] == ["vehreg", "bulk", "submit", str(sheet)]
    pairs = {words[i]: words[i + 1] for i in range(4, len(words) - 1) if words[i].startswith("--")}
    assert pairs["--store"] == STORE
    assert pairs["--journal"] == str(tmp_path / "my school [2026].journal.sqlite")
    assert pairs["--batch-size"] == "40" and pairs["--concurrency"] == "8"
    assert pairs["--mode"] == "single" and pairs["--under-16"] == "warning"
    assert pairs["--date"] == today.isoformat() and pairs["--labels"] == str(labels)
    assert words[-1] == "--quiet"


def test_duplicates_are_announced_before_anything_is_sent(
    credentials: None, tmp_path: Path, today: date, pool_start: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("COLUMNS", "200")
    rows = list(campus_rows(6, on=today, pool_start=pool_start))
    rows[4].values["vehicle_code"] = rows[1].values["vehicle_code"]
    sheet = tmp_path / "dup.csv"
    write_campus_sheet(sheet, rows)
    result = CliRunner().invoke(app, ["bulk", "submit", str(sheet), "--store", STORE, "--quiet"])
    assert result.exit_code == 1, result.output
    output = result.output
    before, _, after = output.partition("6 rows 行")
    assert after, output  # the final summary came ...
    assert "2 rows share a vehicle code or an ID number; 2 of them will not be sent" in before
    assert "其中 2 行不会提交" in before  # ... after the notice
    assert "file.duplicate_vehicle_code" in before and "row 6" in before
    assert after.startswith(": 4 registered")
