"""Cheap construction, lazy imports, closed pools, no fd growth, thread safety."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from vehreg_sdk import AsyncVehregClient, VehregClient, VehregError

from .loopback import LoopbackServer

KEYS: dict[str, Any] = {"app_key": "dk_1", "app_secret": "sk_1"}


def _fd_count() -> int:
    return len(os.listdir("/proc/self/fd"))


def _settled_fd_count(limit: int, timeout: float = 30.0) -> int:
    """Server-side sockets close a moment after the client's; wait for them."""
    deadline = time.monotonic() + timeout
    count = _fd_count()
    while count > limit and time.monotonic() < deadline:
        time.sleep(0.05)
        count = _fd_count()
    return count


@pytest.fixture(scope="module")
def loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


def test_construction_makes_no_pool_and_imports_no_resource() -> None:
    code = (
        "import sys\n"
        "from vehreg_sdk import VehregClient\n"
        "c = VehregClient(base_url='https://bureau.test', app_key='k', app_secret='s')\n"
        "assert c._kernel.pool._client is None\n"
        "loaded = [m for m in ('pydantic', 'vehreg_sdk.resources.ebike_registrations',"
        " 'vehreg_sdk.types', 'keyring') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8", check=True
    )
    assert out.stdout.strip() == ""
    # How fast construction is (target < 5 ms) is bench/bench_client.py's job, not a test's.


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_no_fd_growth_after_1000_clients(loopback: LoopbackServer) -> None:
    def one() -> None:
        with VehregClient(base_url=loopback.base_url, **KEYS) as client:
            assert client.stores.list().data[0].id == "st_1"

    one()  # warm up: imports, the shared TLS-free pool setup
    baseline = _fd_count()
    for _ in range(1000):
        one()
    assert _settled_fd_count(baseline) <= baseline


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
async def test_no_fd_growth_async(loopback: LoopbackServer) -> None:
    async def one() -> None:
        async with AsyncVehregClient(base_url=loopback.base_url, **KEYS) as client:
            page = await client.stores.list()
            assert page.data[0].id == "st_1"

    await one()
    baseline = _fd_count()
    for _ in range(200):
        await one()
    assert _settled_fd_count(baseline) <= baseline


def test_closed_client_refuses_politely(loopback: LoopbackServer) -> None:
    client = VehregClient(base_url=loopback.base_url, **KEYS)
    client.stores.list()
    client.close()
    with pytest.raises(VehregError, match="closed"):
        client.stores.list()


def test_one_client_shared_by_threads(loopback: LoopbackServer) -> None:
    errors: list[BaseException] = []
    with VehregClient(base_url=loopback.base_url, **KEYS) as client:

        def work() -> None:
            try:
                for _ in range(25):
                    assert client.stores.list().request_id == "req_loop"
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        pool_client = client._kernel.pool._client
    assert errors == []
    assert pool_client is not None


def test_user_http_client_is_left_open(loopback: LoopbackServer) -> None:
    import httpx

    with httpx.Client() as own:
        with VehregClient(base_url=loopback.base_url, http_client=own, **KEYS) as client:
            client.stores.list()
        assert not own.is_closed


def test_repr_hides_the_secret() -> None:
    client = VehregClient(base_url="https://bureau.test", app_key="dk_1", app_secret="sk_secret")
    assert "sk_secret" not in repr(client)
    assert "sk_secret" not in repr(client._options)
