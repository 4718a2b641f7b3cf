"""Fixtures of the temporary-plate tests: the sandbox on a real loopback port with a clock the
test moves, a signed HTTP client, and complete request bodies for fictional buyers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.sandbox.conftest import JPEG, FakeClock, Signer, post_headers

from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.car_seed import demo_car_owner, unused_car_certificates
from vehreg_sdk.sandbox.clock import shanghai_date

#: A registration station (authorised to print temporary plates), and an ordinary store.
STATION = DEMO_DEALERS[0].store_ids[0]
SHOP = DEMO_DEALERS[0].store_ids[1]
DAY = 86_400.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(sandbox_db: Path | str, clock: FakeClock) -> Iterator[SandboxServer]:
    """On each engine in turn (``sandbox_db``: SQLite, then PostgreSQL)."""
    with SandboxServer(sandbox_db, clock=clock, webhook_backoff=0.05) as running:
        yield running


def signed(server: SandboxServer, index: int = 0) -> httpx.Client:
    return httpx.Client(
        base_url=server.base_url,
        auth=Signer(DEMO_DEALERS[index], server.bureau.clock),
        timeout=10.0,
    )


@pytest.fixture
def bureau(server: SandboxServer) -> Iterator[httpx.Client]:
    with signed(server) as client:
        yield client


@pytest.fixture
def other(server: SandboxServer) -> Iterator[httpx.Client]:
    with signed(server, 1) as client:
        yield client


def post(client: httpx.Client, path: str, body: Any, key: str | None = None) -> httpx.Response:
    return client.post(
        path,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **post_headers(key)},
    )


def upload(client: httpx.Client, kind: str) -> str:
    response = client.post(
        "/v1/uploads",
        data={"kind": kind},
        files={"file": ("photo.jpg", JPEG, "image/jpeg")},
        headers=post_headers(),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def today(client: httpx.Client) -> date:
    return shanghai_date(client.auth.clock())  # type: ignore[attr-defined]


def fresh_vin() -> str:
    (certificate,) = unused_car_certificates(1)
    return str(certificate["vin"])


def plate_body(
    client: httpx.Client,
    *,
    vin: str | None = None,
    situation: str = "purchased",
    start: date | None = None,
    days: int = 30,
    insurance_end: date | None = None,
    store_id: str = STATION,
    uploads: list[str] | None = None,
) -> dict[str, Any]:
    """A complete ``POST /v1/temporary-plates`` body; ``valid_to`` is ``start + days``."""
    first = start or today(client)
    kinds = ["id_front", "insurance_policy", "certificate", "invoice"]
    return {
        "store_id": store_id,
        "situation": situation,
        "vin": vin or fresh_vin(),
        "owner": demo_car_owner(7),
        "insurance": {
            "policy_number": "PDZA2026000000071",
            "starts_on": first.isoformat(),
            "ends_on": (insurance_end or first + timedelta(days=364)).isoformat(),
        },
        "valid_from": first.isoformat(),
        "valid_to": (first + timedelta(days=days)).isoformat(),
        "uploads": uploads if uploads is not None else [upload(client, k) for k in kinds],
    }


def issued(client: httpx.Client, plate: dict[str, Any]) -> dict[str, Any]:
    """The plate after the bureau's issue step (``review_delay`` 0: the next request)."""
    response = client.get(f"/v1/temporary-plates/{plate['id']}")
    assert response.status_code == 200, response.text
    return dict(response.json())
