"""A till wired to the sandbox bureau over real HTTP on loopback (for whole-sale tests)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import Outbox
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

TILL_KINDS = ("id_front", "id_back", "invoice", "certificate", "vehicle_code_rubbing",
              "vehicle_photo")  # fmt: skip


@contextmanager
def live_till(tmp_path: Path) -> Iterator[tuple[Till, SandboxServer]]:
    with SandboxServer(db_path=tmp_path / "bureau.db", review_delay=0.0, port=0) as sandbox:
        dealer = sandbox.dealers[0]
        outbox = Outbox(tmp_path / "shop.db", retry_base_seconds=0.05, retry_max_seconds=0.2)

        def client() -> VehregClient:
            return VehregClient(
                base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
            )

        till = Till(outbox, host=PluginHost(load_entry_points=False), client_factory=client)
        try:
            yield till, sandbox
        finally:
            till.close()
            outbox.close()


def sale_body(sandbox: SandboxServer, n: int, invoice_number: str | None = None) -> dict[str, Any]:
    (code,) = sellable_vehicle_codes(1, start=9000 + 50 * n)
    body = demo_registration_body(
        code, sandbox.dealers[0].store_ids[0], index=n, invoice_number=invoice_number
    )
    body.pop("uploads", None)
    return body


def jpeg(label: str) -> bytes:
    """A small real JPEG (decodable), its colour drawn from ``label``, via Pillow."""
    import hashlib
    import io

    from PIL import Image

    seed = hashlib.sha256(label.encode()).digest()  # different pixels per label
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (seed[0], seed[1], seed[2])).save(buffer, "JPEG")
    return buffer.getvalue()
