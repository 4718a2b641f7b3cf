"""Where the examples find a bureau: ``VEHREG_BASE_URL`` if set, else an embedded sandbox."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from vehreg_sdk.testing import SAMPLE_JPEG

JPEG = SAMPLE_JPEG  # a tiny real JPEG standing in for a photo from the till's camera
TILL_PHOTO_KINDS = (
    "id_front",
    "id_back",
    "invoice",
    "certificate",
    "vehicle_code_rubbing",
    "vehicle_photo",
)


@contextmanager
def bureau() -> Iterator[dict[str, str]]:
    """Client settings: your configured bureau, or a sandbox on a free loopback port."""
    if os.environ.get("VEHREG_BASE_URL"):
        yield {}  # VehregClient() reads VEHREG_* (or what `vehreg configure` saved)
        return
    from vehreg_sdk.sandbox import SandboxServer

    with SandboxServer(review_delay=0) as sandbox:
        dealer = sandbox.dealers[0]
        yield {
            "base_url": sandbox.base_url,
            "app_key": dealer.app_key,
            "app_secret": dealer.app_secret,
        }


def scan_and_owner(index: int = 0) -> tuple[str, dict[str, str]]:
    """A certificate QR as the scanner reads it, and a fictional buyer (test identity)."""
    from vehreg_sdk.sandbox import seed

    (vehicle_code,) = seed.sellable_vehicle_codes(1, start=3000 + 100 * index)
    scan = "http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode=" + vehicle_code
    return scan, seed.demo_owner(40 + index)
