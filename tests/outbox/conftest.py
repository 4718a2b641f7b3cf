"""The outbox tests run on both engines: a till's SQLite file and a hub's PostgreSQL.

``outbox_target`` is where the outbox of a test lives: a file in ``tmp_path`` or a fresh
PostgreSQL database (then the hub's master key is set in the environment, so worker
processes the test starts find it too). Tests of the SQLite file's own behaviour (file
permissions, a damaged file, WAL, process-id leases) open a file in ``tmp_path``
themselves and are not parametrized: they say so in their docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from vehreg_sdk.outbox import Outbox

#: a fixed master key for the tests' hub outboxes (32 bytes, base64)
TEST_KEY = "dmVocmVnLXRlc3Qtb3V0Ym94LWtleS0wMTIzNDU2Nzg="

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def outbox_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def outbox_target(
    outbox_backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> Path | str:
    """The file or URL of this test's outbox."""
    if outbox_backend == "sqlite":
        return tmp_path / "shop.db"
    url = str(request.getfixturevalue("postgres_url"))
    monkeypatch.setenv("VEHREG_OUTBOX_KEY", TEST_KEY)
    return url


@pytest.fixture
def open_outbox(outbox_target: Path | str) -> Iterator[Callable[..., Outbox]]:
    """Opens this test's outbox (as often as a test needs: tills, a bridge, a worker)."""
    opened: list[Outbox] = []

    def make(**options: Any) -> Outbox:
        box = Outbox(outbox_target, **options)
        opened.append(box)
        return box

    yield make
    for box in opened:
        box.close()


@pytest.fixture
def outbox(open_outbox: Callable[..., Outbox]) -> Outbox:
    return open_outbox(retry_base_seconds=0.01, retry_max_seconds=0.05)
