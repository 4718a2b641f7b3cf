"""``vehreg bulk`` commands end to end, the docs' column table, and the example script."""

from __future__ import annotations

import csv
import json
import os
import re
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
    credentials: None, tmp_path: Path, today: date, pool_start: int
) -> None:
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
    assert (tmp_path / "labels.pdf").read_bytes().startswith(b"%PDF")
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
        capture_output=True, text=True, timeout=300, env=env,
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
