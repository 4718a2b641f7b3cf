"""``vehreg outbox sync`` tells cron and Task Scheduler whether sales remain undelivered."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outbox.outbox_support import FakeClient, sale_payload
from vehreg_sdk.cli import app
from vehreg_sdk.cli._failures import EXIT_OK, EXIT_UNREACHABLE
from vehreg_sdk.outbox import Outbox


@pytest.fixture
def dead_bureau(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("VEHREG_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("VEHREG_APP_KEY", "dk_test")
    monkeypatch.setenv("VEHREG_APP_SECRET", "sk_test")
    monkeypatch.setenv("VEHREG_TIMEOUT", "0.5")


def test_sales_still_in_backoff_after_an_outage_exit_8(tmp_path: Path, dead_bureau: None) -> None:
    db = tmp_path / "shop.db"
    with Outbox(db) as box:
        item = box.enqueue(sale_payload(1))
    with Outbox(db) as box, box._write() as conn:
        conn.execute(
            "UPDATE items SET attempts = 1, last_error_code = 'network.unreachable',"
            " next_attempt_at = ? WHERE local_id = ?",
            (box.now() + 600, item.local_id),
        )
    result = CliRunner().invoke(app, ["outbox", "sync", "--db", str(db)])
    assert result.exit_code == EXIT_UNREACHABLE, result.output
    assert "claimed 0" in result.output and "未能送达" in result.output


def test_a_due_sale_that_cannot_be_sent_exits_8(tmp_path: Path, dead_bureau: None) -> None:
    db = tmp_path / "shop.db"
    with Outbox(db) as box:
        box.enqueue(sale_payload(2))
    result = CliRunner().invoke(app, ["outbox", "sync", "--db", str(db)])
    assert result.exit_code == EXIT_UNREACHABLE, result.output
    with Outbox(db) as box:
        assert box.counts()["queued"] == 1  # kept for the next run


def test_nothing_due_and_nothing_waiting_exits_0(tmp_path: Path, dead_bureau: None) -> None:
    db = tmp_path / "shop.db"
    with Outbox(db) as box:
        box.enqueue(sale_payload(3))
        box.sync(FakeClient())  # delivered earlier
    result = CliRunner().invoke(app, ["outbox", "sync", "--db", str(db)])
    assert result.exit_code == EXIT_OK, result.output
