"""Helpers of the integration tests: a sale's inputs and a transport that loses responses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx

from vehreg_sdk import _signing
from vehreg_sdk.sandbox import seed
from vehreg_sdk.testing import SAMPLE_JPEG

JPEG = SAMPLE_JPEG  # a real JPEG: uploads are decoded to be prepared
#: every kind the review needs before the plate-fitted photo
TILL_PHOTO_KINDS = (
    "id_front",
    "id_back",
    "invoice",
    "certificate",
    "vehicle_code_rubbing",
    "vehicle_photo",
)


def sale_inputs(
    vehicle_code: str, store_id: str, index: int, invoice_suffix: str = ""
) -> dict[str, Any]:
    """``create()`` keyword arguments (without ``vehicle`` and ``uploads``) for one sale."""
    body = seed.demo_registration_body(vehicle_code, store_id, index=index)
    sale = dict(body["sale"])
    if invoice_suffix:
        sale["invoice_number"] = f"{index:04d}{invoice_suffix}"
    return {"store_id": store_id, "owner": body["owner"], "sale": sale}


LOST = "lost"  # forward, let the bureau commit, then drop the response
FORGET_KEY = "forget-key"  # also: the retry arrives as if the idempotency record expired


def forget_key(request: httpx.Request, dealer: seed.DemoDealer) -> None:
    """Give the request a new Idempotency-Key, as if the bureau had forgotten the old one.

    Signature version 1.1 covers the key, so a key swapped in transit is refused; the
    simulation re-signs with the dealer's secret (same timestamp and nonce).
    """
    request.headers["Idempotency-Key"] = str(uuid.uuid4())
    path, _, query = request.url.raw_path.decode("ascii").partition("?")
    request.headers.update(
        _signing.signature_headers(
            app_key=dealer.app_key,
            secret=dealer.app_secret,
            method=request.method,
            path=path,
            query=query,
            body=request.content,
            timestamp=int(request.headers["X-Vehreg-Timestamp"]),
            nonce=request.headers["X-Vehreg-Nonce"],
            version="1.1",
            idempotency_key=request.headers["Idempotency-Key"],
            content_type=request.headers.get("Content-Type"),
        )
    )


class LosingTransport(httpx.BaseTransport):
    """Forwards to the real loopback bureau; for chosen registration POSTs, the bureau's
    answer is thrown away after it committed, and the client sees a read error."""

    def __init__(self, plan: Callable[[int], list[str]], dealer: seed.DemoDealer) -> None:
        self._inner = httpx.HTTPTransport()
        self._dealer = dealer
        self._plan = plan
        self._sale = 0
        self._attempt = 0
        self._current: list[str] = []
        self.dropped = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        is_create = request.method == "POST" and request.url.path == "/v1/ebike-registrations"
        if not is_create:
            return self._inner.handle_request(request)
        retry = int(request.headers.get("X-Vehreg-Retry-Count", "0"))
        if retry == 0:
            self._current = self._plan(self._sale)
            self._sale += 1
        action = self._current[retry] if retry < len(self._current) else None
        if retry > 0 and FORGET_KEY in self._current:
            forget_key(request, self._dealer)
        response = self._inner.handle_request(request)
        response.read()
        response.close()
        if action in (LOST, FORGET_KEY):
            self.dropped += 1
            raise httpx.ReadError("connection reset after the request was sent", request=request)
        return response

    def close(self) -> None:
        self._inner.close()


class AsyncLosingTransport(httpx.AsyncBaseTransport):
    def __init__(self, plan: Callable[[int], list[str]], dealer: seed.DemoDealer) -> None:
        self._sync = LosingTransport(plan, dealer)
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Reuse the sync bookkeeping; forward asynchronously.
        sync = self._sync
        is_create = request.method == "POST" and request.url.path == "/v1/ebike-registrations"
        if not is_create:
            return await self._inner.handle_async_request(request)
        retry = int(request.headers.get("X-Vehreg-Retry-Count", "0"))
        if retry == 0:
            sync._current = sync._plan(sync._sale)
            sync._sale += 1
        action = sync._current[retry] if retry < len(sync._current) else None
        if retry > 0 and FORGET_KEY in sync._current:
            forget_key(request, sync._dealer)
        response = await self._inner.handle_async_request(request)
        await response.aread()
        await response.aclose()
        if action in (LOST, FORGET_KEY):
            sync.dropped += 1
            raise httpx.ReadError("connection reset after the request was sent", request=request)
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()
