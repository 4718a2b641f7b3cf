from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from outbox.outbox_support import FakeClient, MemoryKeyring
from vehreg_sdk.outbox import Outbox
from vehreg_sdk.pos import PluginHost, Till


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """Every POS test runs against a real keyring backend kept in memory."""
    monkeypatch.delenv("VEHREG_PRINTER", raising=False)
    monkeypatch.delenv("VEHREG_DISABLE_PLUGINS", raising=False)
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def fake_client() -> FakeClient:
    return FakeClient()


@pytest.fixture
def till(tmp_path: Path, fake_client: FakeClient) -> Iterator[Till]:
    outbox = Outbox(tmp_path / "shop.db", retry_base_seconds=0.01, retry_max_seconds=0.05)
    host = PluginHost(load_entry_points=False)
    shop = Till(outbox, host=host, client_factory=lambda: fake_client, worker_id="test-till")
    yield shop
    shop.close()
    outbox.close()
