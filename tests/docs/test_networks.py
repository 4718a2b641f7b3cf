"""The client through a gateway that demands mutual TLS: a private CA and a client
certificate, given with ``http_client=`` exactly as docs/networks.md shows."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from vehreg_sdk import APIConnectionError, VehregClient
from vehreg_sdk.sandbox.app import create_app
from vehreg_sdk.sandbox.seed import DEMO_DEALERS

from .conftest import DOCS
from .markdown import code_blocks

GUIDES = [DOCS / "networks.md", DOCS / "networks.zh.md"]


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool = False,
    usage: x509.ObjectIdentifier | None = None,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name, issuer_key = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), True
        )
    if usage is not None:
        builder = builder.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    if usage == ExtendedKeyUsageOID.SERVER_AUTH:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(
    folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> None:
    (folder / f"{stem}-cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path = folder / f"{stem}-key.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)


@pytest.fixture
def pki(tmp_path: Path) -> Path:
    """bureau-ca.pem (the gateway's private CA), server-*.pem, till-*.pem (the client's)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue("Test gateway CA", ca_key, None, ca=True)
    (tmp_path / "bureau-ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    for stem, usage in (
        ("server", ExtendedKeyUsageOID.SERVER_AUTH),
        ("till", ExtendedKeyUsageOID.CLIENT_AUTH),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        _write(tmp_path, stem, _issue(f"test {stem}", key, (ca.subject, ca_key), usage=usage), key)
    return tmp_path


@pytest.fixture
def gateway(pki: Path) -> Iterator[str]:
    """The sandbox bureau behind TLS that requires a client certificate from the CA."""
    app = create_app(pki / "bureau.db", 0.0)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        loop="asyncio",
        ws="none",
        ssl_certfile=str(pki / "server-cert.pem"),
        ssl_keyfile=str(pki / "server-key.pem"),
        ssl_ca_certs=str(pki / "bureau-ca.pem"),
        ssl_cert_reqs=ssl.CERT_REQUIRED,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the TLS gateway did not start"
        time.sleep(0.01)
    try:
        yield f"https://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _mtls_block(guide: Path) -> str:
    (block,) = [b for b in code_blocks(guide) if "load_cert_chain" in b.code]
    return block.code


def _credentials(base_url: str) -> dict[str, str]:
    dealer = DEMO_DEALERS[0]
    return {"base_url": base_url, "app_key": dealer.app_key, "app_secret": dealer.app_secret}


@pytest.mark.parametrize("guide", GUIDES, ids=lambda p: p.name)
def test_the_guides_client_certificate_example_runs(guide: Path, pki: Path, gateway: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VEHREG_")}
    settings = _credentials(gateway)
    env["VEHREG_BASE_URL"] = settings["base_url"]
    env["VEHREG_APP_KEY"] = settings["app_key"]
    env["VEHREG_APP_SECRET"] = settings["app_secret"]
    env["VEHREG_CONFIG_DIR"] = str(pki / "config")
    (pki / "example.py").write_text(_mtls_block(guide), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "example.py"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env=env,
        cwd=pki,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "st_demo_haizhou_1" in result.stdout


def test_without_the_client_certificate_the_gateway_refuses(pki: Path, gateway: str) -> None:
    tls = ssl.create_default_context(cafile=str(pki / "bureau-ca.pem"))
    with (
        httpx.Client(verify=tls, timeout=10) as http,
        VehregClient(**_credentials(gateway), http_client=http, max_retries=0) as client,
        pytest.raises(APIConnectionError) as refused,
    ):
        client.stores.list()
    assert refused.value.message_zh


def test_without_the_private_ca_the_server_is_not_trusted(pki: Path, gateway: str) -> None:
    tls = ssl.create_default_context()  # the public roots only
    tls.load_cert_chain(pki / "till-cert.pem", pki / "till-key.pem")
    with (
        httpx.Client(verify=tls, timeout=10) as http,
        VehregClient(**_credentials(gateway), http_client=http, max_retries=0) as client,
        pytest.raises(APIConnectionError),
    ):
        client.stores.list()
