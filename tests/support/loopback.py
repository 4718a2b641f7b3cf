"""The sandbox on a loopback port and an SDK client signed as one of its dealers.

Fixture bodies for test packages that run the client over real HTTP
(``yield from loopback_sandbox(...)``, ``yield from dealer_client(...)``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from vehreg_sdk import VehregClient
from vehreg_sdk.sandbox import SandboxServer


def loopback_sandbox(
    tmp_path_factory: pytest.TempPathFactory, name: str, **options: Any
) -> Iterator[SandboxServer]:
    """A sandbox with its own database in a fresh temporary folder, running until closed."""
    with SandboxServer(tmp_path_factory.mktemp(name) / f"{name}.db", **options) as running:
        yield running


def dealer_client(server: SandboxServer, dealer: Any) -> Iterator[VehregClient]:
    """A sync client of ``server`` with ``dealer``'s key and secret."""
    with VehregClient(
        base_url=server.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
    ) as client:
        yield client
