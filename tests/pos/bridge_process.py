"""``vehreg pos serve`` in a subprocess: start it, read its banner, wait until it answers, stop it.

Shared by the headless-till test and the kill -9 test, which both run the real command.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import httpx

VEHREG = [sys.executable, "-m", "vehreg_sdk.cli"]
_LOGIN_URL = re.compile(r"(http://127\.0\.0\.1:\d+)/login\?code=")


def start_bridge(env: dict[str, str]) -> tuple[subprocess.Popen[str], str, list[str]]:
    """The running bridge, its base URL and its banner lines (up to the API token line)."""
    proc = subprocess.Popen(
        [*VEHREG, "pos", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    lines: list[str] = []
    base_url = None
    for line in proc.stdout:
        lines.append(line)
        found = _LOGIN_URL.search(line)
        base_url = found.group(1) if found else base_url
        if "API token" in line:
            break
    assert base_url is not None, "".join(lines)
    return proc, base_url, lines


def wait_healthy(http: httpx.Client, proc: subprocess.Popen[str], lines: list[str]) -> None:
    """The banner comes before uvicorn accepts: wait until ``/health`` answers."""
    deadline = time.monotonic() + 30
    while True:
        try:
            http.get("/health").raise_for_status()
            return
        except httpx.HTTPError:
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            time.sleep(0.1)


def stop_bridge(proc: subprocess.Popen[str]) -> None:
    """Terminate (kill if it does not end within 15 s) and close its pipe."""
    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()
