"""``vehreg label`` end to end: a sale in the sandbox bureau, then render, print and verify."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from typer.testing import CliRunner

from vehreg_sdk import VehregClient, _jws, plates
from vehreg_sdk.cli import app
from vehreg_sdk.labels import PlateLabel, render
from vehreg_sdk.sandbox import SandboxServer, seed
from vehreg_sdk.testing import SAMPLE_JPEG
from vehreg_sdk.types import EbikeRegistration, EbikeVehicle

from .conftest import OTHER_KEY
from .decode import decode, with_border
from .independent import cose_claims
from .test_transports import FakePrinter

JPEG = SAMPLE_JPEG  # a real JPEG: uploads are decoded to be prepared
TILL_PHOTO_KINDS = (
    "id_front",
    "id_back",
    "invoice",
    "certificate",
    "vehicle_code_rubbing",
    "vehicle_photo",
)


@pytest.fixture(scope="module")
def bureau() -> Iterator[tuple[SandboxServer, EbikeRegistration]]:
    with SandboxServer(review_delay=0) as server:
        dealer = server.dealers[0]
        with VehregClient(
            base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
        ) as client:
            (code,) = seed.sellable_vehicle_codes(1, start=4000)
            store_id = client.stores.list().data[0].id
            certificate = client.certificates.retrieve(code)
            vehicle = EbikeVehicle.from_certificate(certificate, color="白")
            uploads = [client.uploads.create(kind=k, file=JPEG).id for k in TILL_PHOTO_KINDS]
            body = seed.demo_registration_body(code, store_id, index=7)
            registration = client.ebike_registrations.create(
                vehicle=vehicle,
                uploads=uploads,
                certificate=certificate,
                store_id=store_id,
                owner=body["owner"],
                sale=body["sale"],
            )
        yield server, registration


@pytest.fixture
def cli_env(
    bureau: tuple[SandboxServer, EbikeRegistration],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> dict[str, str]:
    server, _ = bureau
    dealer = server.dealers[0]
    monkeypatch.setenv("VEHREG_CONFIG_DIR", str(tmp_path / "config"))
    env = {
        "VEHREG_BASE_URL": server.base_url,
        "VEHREG_APP_KEY": dealer.app_key,
        "VEHREG_APP_SECRET": dealer.app_secret,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_the_sandbox_tokens_verify_offline(
    bureau: tuple[SandboxServer, EbikeRegistration],
) -> None:
    server, registration = bureau
    jwks = VehregClient(base_url=server.base_url, app_key="k", app_secret="s").keys.retrieve()
    assert registration.plate_token and registration.plate_credential
    assert len(registration.plate_credential) <= 221  # QR version 8 at level M
    for token in (registration.plate_token, registration.plate_credential):
        claims = plates.verify_token(token, jwks)
        assert claims.plate == registration.plate_number
        assert claims.registration_id == registration.id
        assert claims.vehicle_code == registration.vehicle.vehicle_code
        assert claims.kid == jwks.kids[0]
    # The issuer's claims, read by an independent COSE/CWT library.
    independent = cose_claims(registration.plate_credential, jwks.model_dump(mode="json"))
    assert independent[-1] == registration.plate_number
    assert independent[-3] == int(registration.vehicle.vehicle_code)
    assert independent[-5] == bytes.fromhex(registration.id.removeprefix("reg_"))


@pytest.mark.parametrize(("fmt", "size", "dpi"), [("png", "50x30", 203), ("png", "60x40", 300)])
def test_render_png_decodes_to_the_registration(
    cli_env: dict[str, str],
    bureau: tuple[SandboxServer, EbikeRegistration],
    tmp_path: Path,
    fmt: str,
    size: str,
    dpi: int,
) -> None:
    _, registration = bureau
    out = tmp_path / f"label.{fmt}"
    result = run(
        "label",
        "render",
        registration.id,
        "--format",
        fmt,
        "--size",
        size,
        "--dpi",
        str(dpi),
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert registration.plate_number in result.output
    found = decode(with_border(Image.open(io.BytesIO(out.read_bytes()))), "QRCode", "Code128")
    assert found == {
        "QRCode": [registration.plate_credential],
        "Code128": [registration.vehicle.vehicle_code],
    }


def test_print_reaches_the_printer_and_verify_reads_the_label(
    cli_env: dict[str, str],
    bureau: tuple[SandboxServer, EbikeRegistration],
    tmp_path: Path,
) -> None:
    _, registration = bureau
    printer = FakePrinter()
    try:
        result = run(
            "label",
            "print",
            registration.id,
            "--printer",
            f"tcp://127.0.0.1:{printer.port}",
            "--format",
            "zpl",
        )
        assert result.exit_code == 0, result.output
    finally:
        printer.close()
    assert len(printer.jobs) == 1
    assert f"MM,A{registration.plate_credential}^FS".encode() in printer.jobs[0]

    png = tmp_path / "label.png"
    assert run("label", "render", registration.id, "-o", str(png)).exit_code == 0
    result = run("label", "verify", str(png))  # fetches /v1/keys once and keeps a copy
    assert result.exit_code == 0, result.output
    assert f"plate / 号牌: {registration.plate_number}" in result.output
    assert "GENUINE / 真品" in result.output
    cached = tmp_path / "config" / "jwks.json"  # beside config.json in VEHREG_CONFIG_DIR
    assert json.loads(cached.read_text(encoding="utf-8"))["keys"]


def test_verify_with_the_network_off(
    cli_env: dict[str, str],
    bureau: tuple[SandboxServer, EbikeRegistration],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, registration = bureau
    jwks_file = tmp_path / "jwks.json"
    plates.save_jwks(
        jwks_file,
        VehregClient(base_url=server.base_url, app_key="k", app_secret="s").keys.retrieve(),
    )
    import httpx

    def offline(*args: object, **kwargs: object) -> None:
        raise AssertionError("no network during an offline verify")

    monkeypatch.setattr(httpx, "get", offline)
    monkeypatch.delenv("VEHREG_BASE_URL")
    assert registration.plate_token
    result = run("label", "verify", registration.plate_token, "--jwks", str(jwks_file))
    assert result.exit_code == 0, result.output
    assert "GENUINE" in result.output

    header, body, signature = registration.plate_token.split(".")
    claims = json.loads(_jws.b64url_decode(body))
    claims["plate"] = "苏G00000"
    forged_body = _jws.b64url_encode(json.dumps(claims, ensure_ascii=False).encode())
    tampered = run(
        "label", "verify", f"{header}.{forged_body}.{signature}", "--jwks", str(jwks_file)
    )
    assert tampered.exit_code == 3
    assert "plate / 号牌: 苏G00000" in tampered.output
    assert "NOT GENUINE: tampered / 非真品：已被篡改" in tampered.output

    other = _jws.sign_compact(claims, OTHER_KEY, "forger-kid")
    unknown = run("label", "verify", other, "--jwks", str(jwks_file))
    assert unknown.exit_code == 4
    assert "unknown key / 非真品：未知签名密钥" in unknown.output

    blank = tmp_path / "blank.png"
    Image.new("1", (200, 100), 1).save(blank)
    assert run("label", "verify", str(blank), "--jwks", str(jwks_file)).exit_code == 5

    not_a_key_set = tmp_path / "bad.json"
    not_a_key_set.write_text("{not json", encoding="utf-8")
    broken = run("label", "verify", registration.plate_token, "--jwks", str(not_a_key_set))
    assert broken.exit_code == 5
    assert broken.exception is None or isinstance(broken.exception, SystemExit)
    assert "公钥" in broken.output or "JWKS" in broken.output.upper()


def test_print_to_an_unreachable_printer_fails_cleanly(
    cli_env: dict[str, str], bureau: tuple[SandboxServer, EbikeRegistration]
) -> None:
    _, registration = bureau
    printer = FakePrinter()
    port = printer.port
    printer.close()
    result = CliRunner().invoke(
        app,
        [
            "label",
            "print",
            registration.id,
            "--printer",
            f"tcp://127.0.0.1:{port}",
            "--timeout",
            "1",
        ],
    )
    assert result.exit_code == 1
    assert "unavailable" in result.output and "不可用" in result.output


def test_cli_and_library_render_the_same_bytes(
    cli_env: dict[str, str],
    bureau: tuple[SandboxServer, EbikeRegistration],
    tmp_path: Path,
) -> None:
    server, registration = bureau
    dealer = server.dealers[0]
    with VehregClient(
        base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        store = next(s for s in client.stores.list() if s.id == registration.store_id)
    label = PlateLabel.from_registration(registration, store)
    out = tmp_path / "label.tspl"
    assert run("label", "render", registration.id, "-f", "tspl", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == render(label, "tspl")


@pytest.mark.parametrize(
    ("fmt", "extra"),
    [
        ("png", []),
        ("svg", []),
        ("pdf", []),
        ("zpl", []),
        ("tspl", []),
        ("escpos", []),
        ("escpos", ["--raster"]),
        ("zpl", ["--printer-fonts"]),
    ],
)
def test_verify_reads_every_format_the_project_writes(
    cli_env: dict[str, str],
    bureau: tuple[SandboxServer, EbikeRegistration],
    tmp_path: Path,
    fmt: str,
    extra: list[str],
) -> None:
    _, registration = bureau
    out = tmp_path / f"label.{fmt}"
    assert run("label", "render", registration.id, "-f", fmt, *extra, "-o", str(out)).exit_code == 0
    result = run("label", "verify", str(out))
    assert result.exit_code == 0, result.output
    assert f"plate / 号牌: {registration.plate_number}" in result.output
    assert "GENUINE / 真品" in result.output


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("noise.bin", bytes(range(256)) * 4),
        ("broken.pdf", b"%PDF-1.7\n garbage"),
        ("other.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("empty.zpl", b"^XA^FO10,10^FDhello^FS^XZ"),
        ("empty.tspl", b"SIZE 50 mm,30 mm\r\nCLS\r\nPRINT 1,1\r\n"),
        ("empty.escpos", b"\x1b@hello\n"),
    ],
)
def test_verify_on_a_file_without_a_token_exits_5_in_two_languages(
    cli_env: dict[str, str], tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(app, ["label", "verify", str(path)])
    assert result.exit_code == 5, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "no plate token" in result.output or "pypdfium2" in result.output
    assert "没有" in result.output or "需要" in result.output


def test_a_cancelled_registration_verifies_as_revoked_offline(
    cli_env: dict[str, str],
    bureau: tuple[SandboxServer, EbikeRegistration],
    tmp_path: Path,
) -> None:
    server, _ = bureau
    dealer = server.dealers[0]
    with VehregClient(
        base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        store_id = client.stores.list().data[0].id
        sold = []
        for index, code in enumerate(seed.sellable_vehicle_codes(2, start=4100)):
            body = seed.demo_registration_body(code, store_id, index=8 + index)
            body.pop("uploads")
            sold.append(client.ebike_registrations.create(**body))
        earlier, registration = sold
        client.ebike_registrations.cancel(earlier.id)  # the list is not empty before
        label = tmp_path / "label.zpl"
        assert run("label", "render", registration.id, "-f", "zpl", "-o", str(label)).exit_code == 0
        old_list = tmp_path / "old-status.json"
        assert run("label", "status", str(old_list)).exit_code == 0
        new_list = tmp_path / "status.json"
        assert run("label", "status", str(new_list)).exit_code == 0
        client.ebike_registrations.cancel(registration.id, reason="sale reversed")
        updated = run("label", "status", str(new_list))  # only what is new (since=version)
        assert updated.exit_code == 0, updated.output
        jwks = client.keys.retrieve()

    jwks_file = tmp_path / "jwks.json"
    plates.save_jwks(jwks_file, jwks)
    revoked = run(
        "label", "verify", str(label), "--jwks", str(jwks_file), "--status", str(new_list)
    )
    assert revoked.exit_code == 6, revoked.output
    assert "REVOKED / 已作废" in revoked.output and "cancelled" in revoked.output
    assert "old) / 状态列表签发于" in revoked.output

    stale = run("label", "verify", str(label), "--jwks", str(jwks_file), "--status", str(old_list))
    assert stale.exit_code == 0, stale.output
    assert "not revoked as of the status list issued" in stale.output
    assert "a later cancellation is not in it" in stale.output

    status = plates.load_status(new_list, jwks)
    with pytest.raises(plates.TokenRevokedError) as caught:
        plates.verify_token(registration.plate_credential or "", jwks, status=status)
    assert caught.value.reason == "cancelled"
    assert caught.value.list_issued_at >= caught.value.revoked_at
    with pytest.raises(plates.TokenRevokedError):  # the old JWS of the same plate too
        plates.verify_token(registration.plate_token or "", jwks, status=status)
    assert {registration.id, earlier.id} <= set(status.revoked) and status.since == 0
    assert len(status.signed) == 2  # the whole list, then the update fetched with since
    old = plates.load_status(old_list, jwks)
    assert earlier.id in old.revoked and registration.id not in old.revoked


def test_verify_a_pdf_without_pypdfium2_says_what_to_install(
    cli_env: dict[str, str],
    bureau: tuple[SandboxServer, EbikeRegistration],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, registration = bureau
    out = tmp_path / "label.pdf"
    assert run("label", "render", registration.id, "-f", "pdf", "-o", str(out)).exit_code == 0
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # as on a till without it
    result = CliRunner().invoke(app, ["label", "verify", str(out)])
    assert result.exit_code == 5
    assert "pip install pypdfium2" in result.output and "需要 pypdfium2" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
