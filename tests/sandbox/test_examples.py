"""The non-Python clients: curl + openssl walk-through and Java signer, against a live sandbox."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from vehreg_sdk._signing import canonical_query_from_string
from vehreg_sdk.sandbox import SandboxServer

from .test_signing import EXPECTED
from .test_signing_v11 import EXPECTED_V11

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.skipif(
    not (shutil.which("bash") and shutil.which("curl") and shutil.which("openssl")),
    reason="needs bash, curl and openssl",
)
def test_curl_walkthrough_reaches_approved(sandbox_db: Path | str) -> None:
    with SandboxServer(sandbox_db, review_delay=0.2, rate_limit=50) as sandbox:
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
            encoding="utf-8",
            timeout=120,
            check=False,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deprecated" not in result.stderr  # it signs version 1.1
    assert "plate token signature OK" in result.stdout
    assert "is approved (plate 苏G" in result.stdout
    assert "ebike_registration.approved" in result.stdout
    assert "car registration vr_" in result.stdout and "and car L" in result.stdout


#: what the Java and C# signers print without arguments (docs/api/signing.md)
SIGNER_OUTPUT = [
    f"example 3: {EXPECTED_V11['get']}",
    f"example 4: {EXPECTED_V11['HMAC-SHA256']}",
    f"example 1 (1.0, deprecated): {EXPECTED['get_sha256']}",
    f"example 2 (1.0, deprecated): {EXPECTED['post_sha256']}",
    # the same three queries through vehreg_sdk._signing: the languages agree
    "empty pairs: "
    + " | ".join(
        canonical_query_from_string(q) for q in ("q=a&&limit=2", "&flag&=x&q=a+b&", "q=100%")
    ),
]


def _sandbox_env(sandbox: SandboxServer) -> dict[str, str]:
    dealer = sandbox.dealers[0]
    return {
        **os.environ,
        "VEHREG_BASE_URL": sandbox.base_url,
        "VEHREG_APP_KEY": dealer.app_key,
        "VEHREG_APP_SECRET": dealer.app_secret,
    }


# CI installs java (.ci/run: default-jdk-headless), so this runs there.
@pytest.mark.skipif(not shutil.which("java"), reason="needs a Java 11+ runtime")
def test_java_signer_matches_the_worked_examples_and_the_bureau(
    tmp_path: Path, sandbox_db: Path | str
) -> None:
    source = str(EXAMPLES / "VehregSigner.java")
    offline = subprocess.run(
        ["java", source], capture_output=True, text=True, encoding="utf-8", timeout=120, check=True
    )
    assert offline.stdout.splitlines() == SIGNER_OUTPUT
    with SandboxServer(sandbox_db) as sandbox:
        live = subprocess.run(
            ["java", source, "stores"],
            env=_sandbox_env(sandbox),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=True,
        )
    assert live.stdout.startswith("200 "), live.stdout + live.stderr
    assert sandbox.dealers[0].store_ids[0] in live.stdout
    assert "webhook endpoint: 201" in live.stdout  # a POST: Idempotency-Key, Content-Type signed
    assert "DEPRECATED" not in live.stdout


# scripts/install-test-deps.sh installs Mono (mono-mcs, mono-runtime) for the README and CI.
@pytest.mark.skipif(
    not (shutil.which("mcs") and shutil.which("mono")), reason="needs Mono (mono-mcs, mono-runtime)"
)
def test_csharp_signer_compiles_matches_the_worked_examples_and_walks_the_bureau(
    tmp_path: Path,
    sandbox_db: Path | str,
) -> None:
    exe = tmp_path / "VehregSigner.exe"
    sources = sorted(str(path) for path in (EXAMPLES / "csharp").glob("*.cs"))
    built = subprocess.run(
        ["mcs", "-warnaserror+", f"-out:{exe}", *sources],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=180,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    offline = subprocess.run(
        ["mono", str(exe)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    assert offline.stdout.splitlines() == SIGNER_OUTPUT
    with SandboxServer(sandbox_db) as sandbox:
        walk = subprocess.run(
            ["mono", str(exe), "walk"],
            env=_sandbox_env(sandbox),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=180,
            check=False,
        )
    out = walk.stdout
    assert walk.returncode == 0, out + walk.stderr
    assert "GET /v1/stores -> 200" in out
    assert sandbox.dealers[0].store_ids[0] in out
    assert "POST /v1/webhook-endpoints -> 201" in out
    assert "secret returned: True" in out
    assert "replayed: True, secret returned again: False" in out
    assert "/rotate-secret -> 200" in out
    assert "new secret returned: True" in out
    assert "DEPRECATED" not in out
