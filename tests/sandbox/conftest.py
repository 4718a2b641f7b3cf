"""Fixtures of the sandbox tests: an in-process bureau with a movable clock, signed clients."""

from __future__ import annotations

import json
import struct
import time
import uuid
import zlib
from collections.abc import AsyncIterator, Generator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from vehreg_sdk import _signing
from vehreg_sdk.sandbox import DEMO_DEALERS, create_app
from vehreg_sdk.sandbox.clock import shanghai_date
from vehreg_sdk.sandbox.seed import DemoDealer, demo_registration_body, sellable_vehicle_codes

#: 2026-11-26 10:00 Asia/Shanghai, the project's "today".
T0 = 1_795_658_400.0

#: The photo kinds the review needs before the plate-fitted photo.
TILL_KINDS = (
    "id_front",
    "id_back",
    "invoice",
    "certificate",
    "vehicle_code_rubbing",
    "vehicle_photo",
)


def tiny_png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PNG = tiny_png()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Signer(httpx.Auth):
    """Signs each request exactly as the contract says, from the bytes httpx will send."""

    requires_request_body = True

    def __init__(
        self,
        dealer: DemoDealer,
        clock: Any = time.time,
        method: _signing.SignatureMethod = "HMAC-SHA256",
        version: _signing.SignatureVersion = _signing.DEFAULT_SIGNATURE_VERSION,
    ) -> None:
        self.app_key, self.secret = dealer.app_key, dealer.app_secret
        self.clock = clock
        self.method = method
        self.version = version

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        request.headers.update(
            _signing.signature_headers(
                app_key=self.app_key,
                secret=self.secret,
                method=request.method,
                path=path,
                query=query,
                body=request.content,
                timestamp=int(self.clock()),
                signature_method=self.method,
                version=self.version,
                idempotency_key=request.headers.get("Idempotency-Key"),
                content_type=request.headers.get("Content-Type"),
            )
        )
        yield request


def post_headers(key: str | None = None) -> dict[str, str]:
    return {"Idempotency-Key": key or str(uuid.uuid4())}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sandbox.db"


@pytest.fixture
def app(sandbox_db: Path | str, clock: FakeClock) -> Starlette:
    """The bureau on each engine in turn (``sandbox_db``: SQLite, then PostgreSQL)."""
    return create_app(sandbox_db, clock=clock, webhook_backoff=0.05)


@pytest.fixture
async def bureau(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """Dealer 1 (three stores), in process, signed with the fake clock."""
    async with _client(app, DEMO_DEALERS[0]) as client:
        yield client
    await app.state.bureau.aclose()


@pytest.fixture
async def other(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """Dealer 2 (the campus dealer) on the same bureau."""
    async with _client(app, DEMO_DEALERS[1]) as client:
        yield client


@pytest.fixture
async def anonymous(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    """No signing at all."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.test") as client:
        yield client


def _client(app: Starlette, dealer: DemoDealer) -> httpx.AsyncClient:
    clock = app.state.bureau.clock
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://sandbox.test",
        auth=Signer(dealer, clock),
    )


async def upload(client: httpx.AsyncClient, kind: str, data: bytes = JPEG) -> str:
    response = await client.post(
        "/v1/uploads",
        data={"kind": kind},
        files={"file": ("photo.jpg", data, "image/jpeg")},
        headers=post_headers(),
    )
    assert response.status_code == 201, response.text
    upload_id: str = response.json()["id"]
    return upload_id


async def register(
    client: httpx.AsyncClient,
    *,
    start: int = 0,
    index: int = 0,
    store: int = 0,
    dealer: DemoDealer = DEMO_DEALERS[0],
    with_uploads: bool = True,
    key: str | None = None,
    **changes: Any,
) -> dict[str, Any]:
    """Create a registration for a fresh sellable bike; the response JSON."""
    (code,) = sellable_vehicle_codes(1, start=start)
    changes.setdefault("invoice_date", shanghai_date(client.auth.clock()))  # type: ignore[attr-defined]
    uploads = [await upload(client, kind) for kind in TILL_KINDS] if with_uploads else []
    body = demo_registration_body(
        code, dealer.store_ids[store], index=index, uploads=uploads, **changes
    )
    response = await client.post(
        "/v1/ebike-registrations",
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **post_headers(key)},
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def create_raw(
    client: httpx.AsyncClient, body: Any, key: str | None = None
) -> httpx.Response:
    return await client.post(
        "/v1/ebike-registrations",
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **post_headers(key)},
    )
