"""The non-Python clients: curl + openssl walk-through and Java signer, against a live sandbox."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from vehreg_sdk.sandbox import SandboxServer

from .test_signing import EXPECTED

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.skipif(
    not (shutil.which("bash") and shutil.which("curl") and shutil.which("openssl")),
    reason="needs bash, curl and openssl",
)
def test_curl_walkthrough_reaches_approved(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "walk.db", review_delay=0.2, rate_limit=50) as sandbox:
        dealer = sandbox.dealers[0]
        env = {
            **os.environ,
            "VEHREG_BASE_URL": sandbox.base_url,
            "VEHREG_APP_KEY": dealer.app_key,
            "VEHREG_APP_SECRET": dealer.app_secret,
            "VEHREG_WAIT_SECONDS": "30",
        }
        result = subprocess.run(
            ["bash", str(EXAMPLES / "curl_walkthrough.sh")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "plate token signature OK" in result.stdout
    assert "is approved (plate 苏G" in result.stdout
    assert "ebike_registration.approved" in result.stdout
    assert "car registration vr_" in result.stdout and "and car L" in result.stdout


@pytest.mark.skipif(not shutil.which("java"), reason="needs a Java 11+ runtime")
def test_java_signer_matches_the_worked_examples_and_the_bureau(tmp_path: Path) -> None:
    source = str(EXAMPLES / "VehregSigner.java")
    offline = subprocess.run(
        ["java", source], capture_output=True, text=True, timeout=120, check=True
    )
    assert f"example 1: {EXPECTED['get_sha256']}" in offline.stdout
    assert f"example 2: {EXPECTED['post_sha256']}" in offline.stdout
    with SandboxServer(tmp_path / "java.db") as sandbox:
        dealer = sandbox.dealers[0]
        env = {
            **os.environ,
            "VEHREG_BASE_URL": sandbox.base_url,
            "VEHREG_APP_KEY": dealer.app_key,
            "VEHREG_APP_SECRET": dealer.app_secret,
        }
        live = subprocess.run(
            ["java", source, "stores"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    assert live.stdout.startswith("200 "), live.stdout + live.stderr
    assert dealer.store_ids[0] in live.stdout
