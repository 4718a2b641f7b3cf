"""``vehreg sandbox serve``: it prints the base URL and paste-ready credentials, then serves."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from vehreg_sdk.cli.sandbox import banner
from vehreg_sdk.sandbox import DEMO_DEALERS


def test_banner_has_paste_ready_lines_for_every_dealer(tmp_path: Path) -> None:
    text = banner(
        "http://127.0.0.1:8780",
        DEMO_DEALERS,
        db_path=tmp_path / "x.db",
        review_delay=2,
        rate_limit=50,
    )
    for dealer in DEMO_DEALERS:
        assert f"export VEHREG_APP_KEY={dealer.app_key}" in text
        assert f"export VEHREG_APP_SECRET={dealer.app_secret}" in text
        assert f'$env:VEHREG_APP_SECRET="{dealer.app_secret}"' in text
        assert all(store in text for store in dealer.store_ids)
    assert text.count("export VEHREG_BASE_URL=http://127.0.0.1:8780") == len(DEMO_DEALERS)
    assert "50 requests/s" in text


def test_serve_prints_then_serves_and_keeps_state(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    command = [
        sys.executable, "-c", "from vehreg_sdk.cli import main; main()", "sandbox", "serve",
        "--port", "0", "--db", str(db), "--review-delay", "0", "--rate-limit", "0",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        env=env,
    )
    try:
        assert process.stdout is not None
        lines: list[str] = []
        deadline = time.monotonic() + 30
        while not any(line.startswith("export VEHREG_BASE_URL=") for line in lines):
            assert time.monotonic() < deadline, lines
            line = process.stdout.readline()
            assert line, lines
            lines.append(line.rstrip("\n"))
        base_url = next(line for line in lines if line.startswith("export VEHREG_BASE_URL="))
        base_url = base_url.split("=", 1)[1]
        for _ in range(100):
            try:
                health = httpx.get(f"{base_url}/v1/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert health.json()["status"] == "ok"
        assert "rate limit    off" in "\n".join(lines)
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert db.exists()


def test_several_workers_need_postgresql(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from vehreg_sdk.cli import app

    result = CliRunner().invoke(
        app, ["sandbox", "serve", "--port", "0", "--db", str(tmp_path / "x.db"), "--workers", "2"]
    )
    assert result.exit_code == 2
    assert "postgresql://" in result.output and "PostgreSQL" in result.output
    assert not (tmp_path / "x.db").exists()


def test_the_banner_hides_the_database_password() -> None:
    text = banner(
        "http://127.0.0.1:8780",
        DEMO_DEALERS,
        db_path="postgresql://vendor:s3cret@db.internal:5432/sandbox",
        review_delay=2,
        rate_limit=50,
        workers=4,
    )
    assert "s3cret" not in text
    assert "postgresql://vendor:***@db.internal:5432/sandbox" in text
    assert "workers       4" in text


def test_an_unreachable_database_is_said_without_a_traceback() -> None:
    from typer.testing import CliRunner

    from vehreg_sdk.cli import app

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql://vendor:s3cret@127.0.0.1:{port}/sandbox"
    result = CliRunner().invoke(app, ["sandbox", "serve", "--port", "0", "--db", url])
    assert result.exit_code == 1, result.output
    assert (
        "cannot open the sandbox database" in result.output
        and "无法打开沙箱数据库" in result.output
    )
    assert "s3cret" not in result.output and "Traceback" not in result.output
