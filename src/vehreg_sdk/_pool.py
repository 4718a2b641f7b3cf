"""The connection pools behind the kernels: created on the first request, not before.

A client and its ``with_options`` copies share one pool. Creating the ``httpx`` client
(and, for https, loading the CA bundle into a TLS context) is the expensive part of a
client's life, so it happens lazily, once, and the TLS context is shared process-wide.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Callable
from typing import Any, Final

import httpx

from ._errors import VehregError

__all__ = ["AsyncPool", "SyncPool", "shared_ssl_context"]

_CLOSED_EN: Final = "This client has been closed; create a new one"
_CLOSED_ZH: Final = "客户端已关闭，请新建一个"


_ssl_lock = threading.Lock()
_ssl_context: ssl.SSLContext | None = None


def shared_ssl_context() -> ssl.SSLContext:
    """One verified TLS context per process: loading the CA bundle costs ~20 ms, once."""
    global _ssl_context
    if _ssl_context is None:
        with _ssl_lock:
            if _ssl_context is None:
                _ssl_context = httpx.create_ssl_context()
    return _ssl_context


class SyncPool:
    """The lazily created ``httpx.Client``, shared by a client and its ``with_options`` copies."""

    def __init__(
        self, kwargs: Callable[[], dict[str, Any]], http_client: httpx.Client | None = None
    ) -> None:
        self._kwargs = kwargs
        self._client = http_client
        self._owns_client = http_client is None
        self._lock = threading.Lock()
        self._closed = False

    def get(self) -> httpx.Client:
        client = self._client
        if client is None:
            with self._lock:
                if self._closed:
                    raise VehregError(_CLOSED_EN, _CLOSED_ZH)
                if self._client is None:
                    self._client = httpx.Client(**self._kwargs())
                client = self._client
        return client

    def close(self) -> None:
        with self._lock:
            self._closed = True
            client, self._client = self._client, None
        if client is not None and self._owns_client:
            client.close()


class AsyncPool:
    """The lazily created ``httpx.AsyncClient`` (made inside the running event loop)."""

    def __init__(
        self, kwargs: Callable[[], dict[str, Any]], http_client: httpx.AsyncClient | None = None
    ) -> None:
        self._kwargs = kwargs
        self._client = http_client
        self._owns_client = http_client is None
        self._closed = False

    def get(self) -> httpx.AsyncClient:
        client = self._client
        if client is None:
            if self._closed:
                raise VehregError(_CLOSED_EN, _CLOSED_ZH)
            client = self._client = httpx.AsyncClient(**self._kwargs())
        return client

    async def close(self) -> None:
        self._closed = True
        client, self._client = self._client, None
        if client is not None and self._owns_client:
            await client.aclose()
