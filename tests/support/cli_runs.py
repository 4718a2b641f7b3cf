"""The sandbox and ``vehreg`` runs in their own processes, for the kill-and-resume tests.

``tests/bulk/test_kill_resume.py`` (2,000 e-bikes) and ``tests/fleets/test_depot_kill_resume.py``
(100 buses) both start ``vehreg sandbox serve`` on a free loopback port, run ``vehreg bulk
submit`` as a child and kill it when its journal shows so many rows registered.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

#: The ``vehreg`` command, run by this interpreter.
CLI = [sys.executable, "-c", "from vehreg_sdk.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def registered_in_journal(journal: Path) -> int:
    """How many rows a bulk journal records as registered (0 while it does not exist yet)."""
    if not journal.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=1) as conn:
            row = conn.execute("SELECT COUNT(*) FROM items WHERE status = 'registered'").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0])


@contextmanager
def sandbox_process(db: Path) -> Iterator[str]:
    """``vehreg sandbox serve`` (no rate limit, no review delay) until it answers; its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [*CLI, "sandbox", "serve", "--port", str(port), "--db", str(db), "--rate-limit", "0",
         "--review-delay", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(base_url + "/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            pytest.fail("the sandbox did not start")
        time.sleep(0.1)
    try:
        yield base_url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def cli_env(base_url: str, dealer: Any, config_dir: Path) -> dict[str, str]:
    """The environment of a ``vehreg`` child: this dealer's credentials, its own config folder."""
    return {
        **os.environ,
        "VEHREG_BASE_URL": base_url,
        "VEHREG_APP_KEY": dealer.app_key,
        "VEHREG_APP_SECRET": dealer.app_secret,
        "VEHREG_CONFIG_DIR": str(config_dir),
    }
