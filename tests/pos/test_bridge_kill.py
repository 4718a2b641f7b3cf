"""Kill -9 of the bridge process (``vehreg pos serve``) between the plate and the plate-fitted
photo loses nothing: after a restart the photo is sent once and the sale is approved.

The real command in a subprocess, the sandbox bureau over loopback behind a TCP front that
can take the till's network down (so a photo is provably queued and not yet sent when the
bridge dies). ``Popen.kill`` is SIGKILL on POSIX (TerminateProcess on Windows): no handler,
no clean shutdown.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from vehreg_sdk import VehregClient
from vehreg_sdk.sandbox import SandboxServer

from .hang_proxy import HangingBureau
from .live_bureau import TILL_KINDS, jpeg, sale_body

TOKEN = "kill-test-token"
VEHREG = [sys.executable, "-m", "vehreg_sdk.cli"]


@contextmanager
def bridge_process(env: dict[str, str]) -> Iterator[tuple[httpx.Client, subprocess.Popen[str]]]:
    proc = subprocess.Popen(
        [*VEHREG, "pos", "serve", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    lines, base_url = [], None
    for line in proc.stdout:
        lines.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+)/login\?code=", line)
        base_url = found.group(1) if found else base_url
        if "API token" in line:
            break
    assert base_url is not None, "".join(lines)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with httpx.Client(base_url=base_url, headers=headers, timeout=10) as http:
            deadline = time.monotonic() + 30
            while True:  # the banner comes before uvicorn accepts
                try:
                    http.get("/health").raise_for_status()
                    break
                except httpx.HTTPError:
                    assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
                    time.sleep(0.1)
            yield http, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def kill_9(proc: subprocess.Popen[str]) -> None:
    proc.kill()
    proc.wait(timeout=15)
    assert proc.returncode != 0  # died, not shut down


def wait_for(http: httpx.Client, local_id: str, done: Any, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        view: dict[str, Any] = http.get(f"/sales/{local_id}").json()
        if done(view) or time.monotonic() > deadline:
            assert done(view), view
            return view
        time.sleep(0.2)


def upload(http: httpx.Client, local_id: str, kind: str) -> None:
    response = http.post(
        f"/sales/{local_id}/photos",
        data={"kind": kind},
        files={"file": (f"{kind}.jpg", jpeg(f"kill-{kind}"), "image/jpeg")},
    )
    assert response.status_code == 202, response.text


def test_kill_9_of_the_bridge_between_the_plate_and_the_fitted_photo(tmp_path: Path) -> None:
    with (
        SandboxServer(db_path=tmp_path / "bureau.db", review_delay=0) as sandbox,
        HangingBureau(sandbox.port, refuse=True) as network,
    ):
        network.answering.set()
        dealer = sandbox.dealers[0]
        env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
        env.update(
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            PYTHONIOENCODING="utf-8",
            VEHREG_CONFIG_DIR=str(tmp_path / "config"),
            VEHREG_OUTBOX=str(tmp_path / "shop.db"),
            VEHREG_BRIDGE_TOKEN=TOKEN,
            VEHREG_BASE_URL=network.base_url,
            VEHREG_APP_KEY=dealer.app_key,
            VEHREG_APP_SECRET=dealer.app_secret,
        )
        # 1. the sale and its photos; the plate is issued; the bridge is killed
        with bridge_process(env) as (http, proc):
            created = http.post("/sales", json=sale_body(sandbox, 7))
            assert created.status_code == 202, created.text
            local_id = created.json()["local_id"]
            for kind in TILL_KINDS:
                upload(http, local_id, kind)
            plated = wait_for(
                http,
                local_id,
                lambda v: v["plate_number"] and v["photos"] and all(p["sent"] for p in v["photos"]),
            )
            kill_9(proc)
        # 2. restarted with the network down: the plate is still there, the fitted photo is
        #    accepted (queued on disk), and the bridge is killed again before it can go out
        network.cut()
        with bridge_process(env) as (http, proc):
            after = http.get(f"/sales/{local_id}").json()
            assert after["status"] == "plate_assigned"
            assert after["plate_number"] == plated["plate_number"]
            upload(http, local_id, "plate_fitted")
            queued = http.get(f"/sales/{local_id}").json()
            assert [p["sent"] for p in queued["photos"] if p["kind"] == "plate_fitted"] == [False]
            kill_9(proc)
        # 3. restarted with the network back: the photo is sent, once, and the sale approved
        network.answering.set()
        with bridge_process(env) as (http, proc):
            approved = wait_for(http, local_id, lambda v: v["status"] == "approved")
            assert all(p["sent"] for p in approved["photos"])
            registration_id = approved["registration_id"]
        with VehregClient(
            base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
        ) as bureau:
            at_bureau = bureau.ebike_registrations.retrieve(registration_id)
        kinds = [p.kind for p in at_bureau.photos]
        assert kinds.count("plate_fitted") == 1
        assert sorted(kinds) == sorted([*TILL_KINDS, "plate_fitted"])
        assert at_bureau.status == "approved"
