"""Helpers of the bulk tests: the demo dealers, a contract signer, batch polling."""

from __future__ import annotations

import time
import uuid
from collections.abc import Generator
from typing import Any

import httpx

from vehreg_sdk import _signing
from vehreg_sdk.sandbox import DEMO_DEALERS

CAMPUS = DEMO_DEALERS[1]
STORE = CAMPUS.store_ids[0]
OTHER = DEMO_DEALERS[0]


class Signer(httpx.Auth):
    """Signs each request exactly as the contract says (raw-HTTP contract tests)."""

    requires_request_body = True

    def __init__(self, dealer: Any = CAMPUS) -> None:
        self.dealer = dealer

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        path, _, query = request.url.raw_path.decode("ascii").partition("?")
        request.headers.update(
            _signing.signature_headers(
                app_key=self.dealer.app_key,
                secret=self.dealer.app_secret,
                method=request.method,
                path=path,
                query=query,
                body=request.content,
                timestamp=int(time.time()),
            )
        )
        if request.method == "POST" and "Idempotency-Key" not in request.headers:
            request.headers["Idempotency-Key"] = str(uuid.uuid4())
        yield request


def wait_batch(raw: httpx.Client, batch_id: str, timeout: float = 30) -> dict[str, Any]:
    """Poll a batch until it is completed or failed."""
    deadline = time.monotonic() + timeout
    while True:
        batch: dict[str, Any] = raw.get(f"/v1/ebike-registration-batches/{batch_id}").json()
        if batch["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return batch
        time.sleep(0.02)


def all_items(raw: httpx.Client, batch_id: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a batch, following the cursor."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = raw.get(f"/v1/ebike-registration-batches/{batch_id}/items", params=query).json()
        items += page["data"]
        if not page["has_more"]:
            return items
        cursor = page["next_cursor"]
