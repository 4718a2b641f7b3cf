"""Fixtures of the bulk tests: campus sheets, a loopback sandbox, signed raw clients.

The people in every sheet are fictional (``vehreg_sdk.testing``), with valid
check characters, generated from fixed seeds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support.loopback import dealer_client

from vehreg_sdk import VehregClient
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.catalogue import catalogue
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock

from .support import CAMPUS, OTHER, Signer

#: Regions of 1,200 certificates; the pool has 36,000, and each module has a sandbox of its own,
#: so the regions are used again, round robin (a module has far fewer than 30 such tests).
_pool_starts = itertools.count(0, 1)
_POOL_REGIONS = 30


@pytest.fixture(autouse=True)
def _no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("VEHREG_BASE_URL", "VEHREG_APP_KEY", "VEHREG_APP_SECRET", "VEHREG_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VEHREG_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture
def today() -> date:
    """The sandbox's business date (Asia/Shanghai)."""
    return shanghai_date(system_clock())


@pytest.fixture
def snapshot() -> dict[str, Any]:
    """The sandbox catalogue as an offline snapshot (product model -> entry)."""
    return {m["product_model"]: m for m in catalogue()}


@pytest.fixture
def pool_start() -> int:
    """A fresh region of the sandbox's certificate pool for each test sharing a sandbox."""
    return (next(_pool_starts) % _POOL_REGIONS) * 1200


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxServer]:
    """One loopback sandbox per test module (its own database)."""
    db = tmp_path_factory.mktemp("bulk-sandbox") / "sandbox.db"
    with SandboxServer(db, review_delay=0) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[VehregClient]:
    yield from dealer_client(sandbox, CAMPUS)


@pytest.fixture
def raw(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """Raw httpx signed as the campus dealer."""
    with httpx.Client(base_url=sandbox.base_url, auth=Signer(), timeout=30) as c:
        yield c


@pytest.fixture
def raw_other(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """Raw httpx signed as the other demo dealer."""
    with httpx.Client(base_url=sandbox.base_url, auth=Signer(OTHER), timeout=30) as c:
        yield c
