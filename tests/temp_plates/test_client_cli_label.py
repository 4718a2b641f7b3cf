"""The client (sync and async), the printed plate decoded back from its PDF and PNG, and the CLI
(``vehreg temp-plate request|print|verify``), against the sandbox on a real loopback port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.labels.independent import opencv_decode
from tests.support.loopback import dealer_client
from typer.testing import CliRunner

from vehreg_sdk import AsyncVehregClient, LocalValidationError, VehregClient, labels, plates
from vehreg_sdk.cli import app
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.car_seed import demo_car_owner, unused_car_certificates
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.testing import SAMPLE_JPEG as JPEG
from vehreg_sdk.types import TemporaryPlate

STATION, SHOP = DEMO_DEALERS[0].store_ids[0], DEMO_DEALERS[0].store_ids[1]


@pytest.fixture(scope="module")
def server(module_sandbox_db: Path | str) -> Iterator[SandboxServer]:
    with SandboxServer(module_sandbox_db) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> Iterator[VehregClient]:
    yield from dealer_client(server, DEMO_DEALERS[0])


def _fields(client: VehregClient, *, store_id: str = STATION, days: int = 30, start: int = 0
            ) -> dict[str, Any]:  # fmt: skip
    first = shanghai_date(datetime.now(UTC).timestamp()) + timedelta(days=start)
    (certificate,) = unused_car_certificates(1)
    kinds = ("id_front", "insurance_policy", "certificate", "invoice")
    return {
        "store_id": store_id,
        "situation": "purchased",
        "vin": certificate["vin"],
        "owner": demo_car_owner(3),
        "insurance": {
            "policy_number": "PDZA2026000000033",
            "starts_on": first.isoformat(),
            "ends_on": (first + timedelta(days=364)).isoformat(),
        },
        "valid_from": first,
        "valid_to": first + timedelta(days=days),
        "uploads": [client.uploads.create(kind=kind, file=JPEG).id for kind in kinds],
    }


def test_the_local_rules_refuse_before_sending(client: VehregClient) -> None:
    fields = _fields(client, days=31)
    with pytest.raises(LocalValidationError) as refused:
        client.temporary_plates.create(**fields)
    assert [v.code for v in refused.value.violations] == ["temporary_plate.validity_too_long"]
    assert refused.value.violations[0].message_zh
    assert list(client.temporary_plates.list(vin=fields["vin"])) == []  # nothing was sent


def test_the_printed_plate_decodes_back_and_verifies_offline(
    client: VehregClient, tmp_path: Path
) -> None:
    created = client.temporary_plates.create(**_fields(client, start=1))
    assert isinstance(created, TemporaryPlate) and created.status == "requested"
    plate = client.temporary_plates.wait(created.id, timeout=10, interval=0.05)
    assert plate.status == "issued" and plate.plate_credential and plate.issuer
    store = next(s for s in client.stores.list() if s.id == STATION)
    sheet = labels.TemporaryPlateSheet.from_plate(plate, store)
    assert sheet.is_plate and sheet.sandbox
    jwks = client.keys.retrieve()
    assert plate.not_before is not None and plate.expires_at is not None
    for paper, fmt in (("A5", "pdf"), ("A4", "pdf"), ("A5", "png")):
        path = tmp_path / f"plate-{paper}.{fmt}"
        path.write_bytes(labels.render_temporary_plate(sheet, fmt, paper=paper))
        token = labels.read_token(path)
        assert token == plate.plate_credential
        claims = plates.verify_token(token, jwks, now=plate.not_before, vin=plate.vin)
        assert claims.plate == plate.plate_number and claims.expires_at == plate.expires_at
        with pytest.raises(plates.TokenNotYetValidError):
            plates.verify_token(token, jwks, now=plate.not_before - timedelta(seconds=1))
        with pytest.raises(plates.TokenExpiredError):
            plates.verify_token(token, jwks, now=plate.expires_at)
    from PIL import Image

    # A second, independent QR decoder reads the PNG too.
    with Image.open(tmp_path / "plate-A5.png") as image:
        assert opencv_decode(image) == plate.plate_credential


def test_another_store_prints_the_buyers_receipt(client: VehregClient, tmp_path: Path) -> None:
    plate = client.temporary_plates.wait(
        client.temporary_plates.create(**_fields(client, store_id=SHOP)).id,
        timeout=10,
        interval=0.05,
    )
    assert plate.plate_credential is None and plate.delivery.method == "mail"
    store = next(s for s in client.stores.list() if s.id == SHOP)
    sheet = labels.TemporaryPlateSheet.from_plate(plate, store)
    assert not sheet.is_plate
    path = tmp_path / "receipt.pdf"
    path.write_bytes(labels.render_temporary_plate(sheet))
    with pytest.raises(labels.LabelReadError):
        labels.read_token(path)  # no QR code: a receipt is not a plate


async def test_the_async_client(server: SandboxServer) -> None:
    dealer = DEMO_DEALERS[0]
    with VehregClient(
        base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as sync_client:
        fields = _fields(sync_client)
    async with AsyncVehregClient(
        base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        created = await client.temporary_plates.create(**fields)
        again = await client.temporary_plates.create(**fields)  # the business key: same plate
        assert again.id == created.id and again.issue_number == 1
        plate = await client.temporary_plates.wait(created.id, timeout=10, interval=0.05)
        assert plate.status == "issued"
        listed = [p.id async for p in client.temporary_plates.list(vin=fields["vin"])]
        assert listed == [created.id]
        raw = await client.with_raw_response.temporary_plates.retrieve(created.id)
        assert raw.status_code == 200


@pytest.fixture
def cli_env(server: SandboxServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    dealer = DEMO_DEALERS[0]
    monkeypatch.setenv("VEHREG_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("VEHREG_BASE_URL", server.base_url)
    monkeypatch.setenv("VEHREG_APP_KEY", dealer.app_key)
    monkeypatch.setenv("VEHREG_APP_SECRET", dealer.app_secret)
    keys = tmp_path / "keys.json"
    with VehregClient() as client:
        plates.save_jwks(keys, client.keys.retrieve())
    return keys


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_the_cli_requests_prints_and_verifies(
    client: VehregClient, cli_env: Path, tmp_path: Path
) -> None:
    fields = _fields(client, days=10)
    body = {**fields, "valid_from": str(fields["valid_from"]), "valid_to": str(fields["valid_to"])}
    request_file = tmp_path / "request.json"
    request_file.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    requested = run("temp-plate", "request", str(request_file), "--wait", "--timeout", "10")
    assert requested.exit_code == 0, requested.output
    plate_id = requested.output.split(":")[0]
    assert plate_id.startswith("tp_") and "issued" in requested.output
    pdf = tmp_path / "plate.pdf"
    printed = run("temp-plate", "print", plate_id, "-o", str(pdf), "--paper", "A4")
    assert printed.exit_code == 0, printed.output
    plate = client.temporary_plates.retrieve(plate_id)
    keys = str(cli_env)
    ok = run("temp-plate", "verify", str(pdf), "--jwks", keys, "--vin", fields["vin"])
    assert ok.exit_code == 0, ok.output
    assert "GENUINE" in ok.output and plate.plate_number in ok.output
    assert f"{plate.valid_from} – {plate.last_valid_day}" in ok.output
    assert plate.not_before is not None and plate.expires_at is not None
    early = (plate.not_before - timedelta(seconds=1)).isoformat()
    assert run("temp-plate", "verify", str(pdf), "--jwks", keys, "--at", early).exit_code == 7
    late = run("label", "verify", str(pdf), "--jwks", keys, "--at", plate.expires_at.isoformat())
    assert late.exit_code == 7 and "EXPIRED" in late.output and "过期" in late.output
    (other_vin,) = [c["vin"] for c in unused_car_certificates(1)]
    wrong = run("temp-plate", "verify", str(pdf), "--jwks", keys, "--vin", other_vin)
    assert wrong.exit_code == 3 and "车辆不符" in wrong.output
    bad_time = run("temp-plate", "verify", str(pdf), "--jwks", keys, "--at", "yesterday")
    assert bad_time.exit_code == 2


def test_the_cli_refuses_a_bad_request_in_both_languages(cli_env: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = run("temp-plate", "request", str(broken))
    assert result.exit_code == 5 and "JSON" in result.output
    too_long = tmp_path / "long.json"
    too_long.write_text(
        json.dumps({"store_id": STATION, "situation": "export", "vin": "LSVAU2180N2183456"}),
        encoding="utf-8",
    )
    result = run("temp-plate", "request", str(too_long))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
