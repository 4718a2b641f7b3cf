"""The examples run against a real bridge; the ``vehreg outbox`` and ``vehreg pos`` commands."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from outbox.outbox_support import FakeClient, resident_id, sale_payload
from vehreg_sdk.cli import app
from vehreg_sdk.outbox import ItemStatus, Outbox

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
@pytest.mark.parametrize(
    "invoice", [None, "INV20260097"], ids=["approved", "returned-then-approved"]
)
def test_the_node_example_does_the_whole_sale(tmp_path: Path, invoice: str | None) -> None:
    from vehreg_pos_bridge import BridgeConfig, BridgeServer

    from .live_bureau import TILL_KINDS, jpeg, live_till, sale_body

    photos = tmp_path / "photos"
    photos.mkdir()
    for kind in (*TILL_KINDS, "plate_fitted"):
        (photos / f"{kind}.jpg").write_bytes(jpeg(kind))
    with live_till(tmp_path) as (till, sandbox):
        sale = tmp_path / "sale.json"
        body = {**sale_body(sandbox, 40, invoice), "pos_reference": "ORDER-1"}
        sale.write_text(json.dumps(body), encoding="utf-8")
        config = BridgeConfig(sync_interval_s=0.2)
        with BridgeServer(till, token="node-token", config=config) as bridge:
            env = {
                **os.environ,
                "VEHREG_BRIDGE_URL": bridge.base_url,
                "VEHREG_BRIDGE_TOKEN": "node-token",
            }
            done = subprocess.run(
                ["node", str(ROOT / "examples" / "pos_clients" / "pos_client.mjs"), str(sale),
                 str(photos)],
                env=env, capture_output=True, text=True, encoding="utf-8", timeout=90,
            )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    plated, last = json.loads(lines[0]), json.loads(lines[-1])
    assert plated["status"] == "plate_assigned" and plated["plate_number"].startswith("苏G")
    assert last["status"] == "approved"
    assert ("退回：invoice" in done.stdout) == (invoice is not None)


def test_the_csharp_example_uses_the_documented_api() -> None:
    source = (ROOT / "examples" / "pos_clients" / "VehregPosClient.cs").read_text(encoding="utf-8")
    needles = ('"/sales"', "Idempotency-Key", "/print", "/session-codes", "detail_zh",
               "/photos", "MultipartFormDataContent", "/photo-requirements", "/cancel",
               "retake_kinds", "plate_must_be_returned", "WaitForReviewAsync")  # fmt: skip
    for needle in needles:
        assert needle in source
    # the photo kinds are the bureau's list, never the example's own
    assert "vehicle_code_rubbing" not in source and '"id_front"' not in source


# scripts/install-test-deps.sh installs Mono with System.Net.Http and System.Runtime.Serialization.
@pytest.mark.skipif(
    not (shutil.which("mcs") and shutil.which("mono")), reason="needs Mono (mono-mcs, mono-runtime)"
)
@pytest.mark.parametrize(
    "invoice", [None, "INV20260097"], ids=["approved", "returned-then-approved"]
)
def test_the_csharp_example_compiles_and_does_the_whole_sale(
    tmp_path: Path, invoice: str | None
) -> None:
    from vehreg_pos_bridge import BridgeConfig, BridgeServer

    from .live_bureau import TILL_KINDS, jpeg, live_till, sale_body

    exe = tmp_path / "PosClientDemo.exe"
    sources = [str(ROOT / "examples" / "pos_clients" / name)
               for name in ("VehregPosClient.cs", "PosClientDemo.cs")]  # fmt: skip
    built = subprocess.run(
        ["mcs", "-warnaserror+", "-r:System.Net.Http", "-r:System.Runtime.Serialization",
         f"-out:{exe}", *sources],
        capture_output=True, text=True, encoding="utf-8", timeout=180, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout + built.stderr
    photos = tmp_path / "photos"
    photos.mkdir()
    for kind in (*TILL_KINDS, "plate_fitted"):
        (photos / f"{kind}.jpg").write_bytes(jpeg(f"cs-{kind}"))
    with live_till(tmp_path) as (till, sandbox):
        sale = tmp_path / "sale.json"
        body = {**sale_body(sandbox, 41, invoice), "pos_reference": "ORDER-CS-1"}
        sale.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        config = BridgeConfig(sync_interval_s=0.2)
        with BridgeServer(till, token="cs-token", config=config) as bridge:
            env = {**os.environ, "VEHREG_BRIDGE_URL": bridge.base_url,
                   "VEHREG_BRIDGE_TOKEN": "cs-token"}  # fmt: skip
            done = subprocess.run(
                ["mono", str(exe), str(sale), str(photos)],
                env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
            )  # fmt: skip
        [item] = till.outbox.list()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"status plate_assigned plate 苏G\w+", lines[1]), lines
    sent = [line.removeprefix("photo ") for line in lines if line.startswith("photo ")]
    assert sent == [*TILL_KINDS, "plate_fitted"]  # the bureau's required kinds, in its order
    assert lines[-1].startswith("status approved plate 苏G")
    assert ("退回：invoice" in done.stdout) == (invoice is not None)
    assert item.status == ItemStatus.APPROVED and item.dedupe_key == "ORDER-CS-1"


def _queued(db: Path, *numbers: int) -> list[str]:
    with Outbox(db) as box:
        return [box.enqueue(sale_payload(n)).local_id for n in numbers]


def test_outbox_status_flags_and_masks(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    _queued(db, 1, 2)
    with Outbox(db) as box, box._write() as conn:
        conn.execute("UPDATE items SET created_at = created_at - 90000")  # 25 h ago
    result = runner.invoke(app, ["outbox", "status", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "queued" in result.output and "已排队" in result.output
    assert "超时未登记" in result.output and "overdue" in result.output
    assert resident_id(1) not in result.output
    as_json = json.loads(runner.invoke(app, ["outbox", "status", "--db", str(db), "--json"]).output)
    assert as_json["counts"]["queued"] == 2 and len(as_json["overdue"]) == 2


def test_outbox_sync_retry_and_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "o.db"
    [local_id] = _queued(db, 3)
    fake = FakeClient()
    monkeypatch.setattr("vehreg_sdk._client.VehregClient", lambda: _Closing(fake))
    result = runner.invoke(app, ["outbox", "sync", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "plate assigned 1" in result.output and "已分配号牌 1" in result.output
    again = runner.invoke(app, ["outbox", "retry", local_id, "--db", str(db)])
    assert again.exit_code == 1 and "不能执行此操作" in again.output
    out = tmp_path / "export.csv"
    exported = runner.invoke(app, ["outbox", "export", "--csv", "--db", str(db), "-o", str(out)])
    assert exported.exit_code == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "plate_assigned" in text and "苏G000001" in text and resident_id(3) not in text
    with Outbox(db) as box:
        assert box.get(local_id).status == ItemStatus.PLATE_ASSIGNED


class _Closing:
    def __init__(self, fake: FakeClient) -> None:
        self.ebike_registrations = fake.ebike_registrations
        self.uploads = fake.uploads

    def __enter__(self) -> _Closing:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def test_pos_plugins_and_token_commands() -> None:
    listed = runner.invoke(app, ["pos", "plugins"])
    assert listed.exit_code == 0 and "vehreg.scan.certificate" in listed.output
    first = runner.invoke(app, ["pos", "token"]).output.strip()
    assert len(first) >= 40 and runner.invoke(app, ["pos", "token"]).output.strip() == first


def test_pos_serve_refuses_a_public_bind() -> None:
    result = runner.invoke(app, ["pos", "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "127.0.0.1" in result.output


def test_pos_serve_passes_allowed_hosts_and_checks_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    seen: dict[str, object] = {}

    def fake_run(server: uvicorn.Server, sockets: list[socket.socket]) -> None:
        from vehreg_pos_bridge.app import app_state

        (sock,) = sockets
        hosts = app_state(server.config.app).config.extra_hosts
        seen.update(host=sock.getsockname()[0], hosts=hosts)

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    base = [
        *("pos", "serve", "--db", str(tmp_path / "o.db"), "--port", "0"),
        *("--host", "0.0.0.0", "--allow-remote"),
    ]
    tls = ["--tls-cert", "c.pem", "--tls-key", "k.pem"]
    refused = runner.invoke(app, [*base, *tls])
    assert refused.exit_code == 2 and "--allowed-host" in refused.output
    ok = runner.invoke(
        app, [*base, *tls, "--allowed-host", "till-3.local", "--allowed-host", "192.168.1.20"]
    )
    assert ok.exit_code == 0, ok.output
    assert seen["hosts"] == ("till-3.local", "192.168.1.20") and seen["host"] == "0.0.0.0"
    assert re.search(r"https://till-3\.local:\d+/login\?code=", ok.output)
