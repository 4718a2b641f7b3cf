"""A headless till: no OS keyring at all (keyring's ``fail.Keyring``), the real ``vehreg``
command in subprocesses. The bridge starts, hands out its token, and takes a rotated token
within seconds without a restart."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .bridge_process import VEHREG, start_bridge, stop_bridge, wait_healthy

NO_KEYRING = "keyring.backends.fail.Keyring"


@pytest.fixture
def headless_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    env.update(
        PYTHON_KEYRING_BACKEND=NO_KEYRING,
        VEHREG_CONFIG_DIR=str(tmp_path / "config"),
        VEHREG_OUTBOX=str(tmp_path / "shop.db"),
        PYTHONIOENCODING="utf-8",
    )
    return env


def _vehreg(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*VEHREG, *args], env=env, capture_output=True, text=True, timeout=60, encoding="utf-8"
    )


@pytest.fixture
def bridge(headless_env: dict[str, str]) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    proc, base_url, lines = start_bridge(headless_env)
    try:
        assert "Traceback" not in "".join(lines)
        assert any("bridge-token" in line for line in lines), "".join(lines)  # where the token is
        with httpx.Client(base_url=base_url, timeout=2) as http:
            wait_healthy(http, proc, lines)
        yield base_url, proc
    finally:
        stop_bridge(proc)


def test_token_without_a_keyring_goes_to_an_owner_only_file(
    headless_env: dict[str, str], tmp_path: Path
) -> None:
    first = _vehreg(headless_env, "pos", "token")
    assert first.returncode == 0, first.stderr
    token = first.stdout.strip()
    assert len(token) >= 40 and "\n" not in token  # $(vehreg pos token) captures it alone
    notice = first.stderr.strip().splitlines()
    assert len(notice) == 1 and "NoKeyringError" in notice[0] and "密钥环" in notice[0]
    file = tmp_path / "config" / "bridge-token"
    assert file.read_text(encoding="utf-8").strip() == token
    if os.name == "posix":
        assert file.stat().st_mode & 0o777 == 0o600
    again = _vehreg(headless_env, "pos", "token")
    assert again.returncode == 0 and again.stdout.strip() == token


def test_token_from_the_environment(headless_env: dict[str, str]) -> None:
    env = {**headless_env, "VEHREG_BRIDGE_TOKEN": "token-from-the-service-definition"}
    shown = _vehreg(env, "pos", "token")
    assert shown.returncode == 0 and shown.stdout.strip() == "token-from-the-service-definition"
    rotate = _vehreg(env, "pos", "token", "--rotate")
    assert rotate.returncode == 2 and "Traceback" not in rotate.stderr
    assert "VEHREG_BRIDGE_TOKEN" in rotate.stderr and "重启" in rotate.stderr


def test_the_bridge_starts_headless_and_rotation_takes_effect_live(
    headless_env: dict[str, str], bridge: tuple[str, subprocess.Popen[str]]
) -> None:
    base_url, proc = bridge
    old = _vehreg(headless_env, "pos", "token").stdout.strip()

    def status(token: str) -> int:
        return httpx.get(
            f"{base_url}/sales", headers={"Authorization": f"Bearer {token}"}, timeout=5
        ).status_code

    assert status(old) == 200
    rotated = _vehreg(headless_env, "pos", "token", "--rotate")
    assert rotated.returncode == 0, rotated.stderr
    new = rotated.stdout.strip()
    assert new and new != old
    started = time.monotonic()
    while not (status(old) == 401 and status(new) == 200):
        assert time.monotonic() - started < 10, "the running bridge did not take the new token"
        time.sleep(0.2)
    print(f"\nrotation took effect in {time.monotonic() - started:.1f} s")
    assert proc.poll() is None  # no restart


def test_configure_without_a_keyring_saves_what_is_not_secret(
    headless_env: dict[str, str], tmp_path: Path
) -> None:
    result = _vehreg(
        headless_env,
        *("configure", "--base-url", "http://127.0.0.1:9", "--app-key", "dk_headless"),
        *("--app-secret", "sk_never_on_disk"),
    )
    assert result.returncode == 7 and "Traceback" not in result.stderr
    assert "VEHREG_APP_SECRET" in result.stderr and "密钥未保存" in result.stderr
    config = (tmp_path / "config" / "config.json").read_text(encoding="utf-8")
    assert "dk_headless" in config and "sk_never_on_disk" not in config
    shown = _vehreg(headless_env, "configure", "--show")
    assert shown.returncode == 0 and "dk_headless" in shown.stdout
