from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vehreg_sdk.outbox import Outbox


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Outbox]:
    with Outbox(tmp_path / "shop.db", retry_base_seconds=0.01, retry_max_seconds=0.05) as box:
        yield box
