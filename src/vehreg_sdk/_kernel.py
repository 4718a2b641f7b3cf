"""One request, start to finish: build → sign → send → retry (same key) → map errors.

The request is built and its body serialised once per call; each attempt only swaps
the per-attempt headers (``X-Vehreg-Retry-Count`` and a fresh signature with a new
timestamp and nonce) and sends the very same bytes. A POST carries one
``Idempotency-Key`` for the whole call, so a retry after a lost response is answered
from the bureau's idempotency record instead of registering the bike twice.

The kernel knows signing, errors and logging; it knows no resource.
"""

from __future__ import annotations

import copy
import json as _json
import logging
import ssl
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from typing import Any, Final, Self, TypeVar

import httpx

from . import __version__
from ._errors import APIConnectionError, APIStatusError, APITimeoutError
from ._logging import logger, redact_headers
from ._options import (
    DEFAULT_CONNECT_TIMEOUT,
    UNSIGNED_PATHS,
    ClientOptions,
)
from ._pool import AsyncPool, SyncPool, shared_ssl_context
from ._response import APIResponse
from ._retry import RETRYABLE_TRANSPORT, parse_retry_after, retry_delay, should_retry
from ._signing import signature_headers
from ._types import RequestOptions

T = TypeVar("T")

__all__ = ["AsyncKernel", "SyncKernel", "parse_retry_after", "retry_delay"]

RETRY_COUNT_HEADER: Final = "X-Vehreg-Retry-Count"
IDEMPOTENCY_HEADER: Final = "Idempotency-Key"
_USER_AGENT: Final = f"vehreg-sdk/{__version__} httpx/{httpx.__version__}"
_DEFAULT_HEADERS: Final = {"User-Agent": _USER_AGENT, "Accept": "application/json"}


def _unix_time() -> int:
    """The signing timestamp (a seam for the signing-vector tests)."""
    return int(time.time())


def to_timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if value is None:
        return httpx.Timeout(None)
    return httpx.Timeout(value, connect=min(DEFAULT_CONNECT_TIMEOUT, value))


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


_deprecation_warned: set[str] = set()


def _warn_deprecated_once(response: httpx.Response) -> None:
    """The bureau marks what it will stop accepting (today: signature version 1.0); say so once."""
    warning = response.headers.get("warning") or response.headers["deprecation"]
    if warning not in _deprecation_warned:
        _deprecation_warned.add(warning)
        logger.warning("the bureau reports a deprecated request feature: %s", warning)


class _KernelBase:
    """What the sync and async kernels share: building, signing, deciding, logging."""

    def __init__(self, options: ClientOptions) -> None:
        self.options = options
        self._base_url = options.base_url
        self._timeout = to_timeout(options.timeout)
        self._timeout_ext = self._timeout.as_dict()

    def with_options(self, options: ClientOptions) -> Self:
        """A kernel with other settings that shares this one's pool and sleep."""
        kernel = copy.copy(self)
        _KernelBase.__init__(kernel, options)
        return kernel

    def http_client_kwargs(self) -> dict[str, Any]:
        verify: ssl.SSLContext | bool = (
            shared_ssl_context() if self._base_url.startswith("https:") else False
        )
        return {"timeout": self._timeout, "verify": verify, "follow_redirects": False}

    def build_request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None,
        json_body: Any,
        files: Mapping[str, Any] | None,
        data: Mapping[str, str] | None,
        request_options: RequestOptions,
    ) -> httpx.Request:
        """The request of one call; its body is serialised here, once."""
        query: dict[str, str] = {}
        for source in (params, request_options.get("extra_query")):
            if source:
                query.update({k: _query_value(v) for k, v in source.items() if v is not None})
        headers: dict[str, str] = {**_DEFAULT_HEADERS, **self.options.default_headers}
        content: bytes | None = None
        if json_body is not None:
            content = _json.dumps(json_body, ensure_ascii=False, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        if method == "POST":
            headers[IDEMPOTENCY_HEADER] = request_options.get("idempotency_key") or str(
                uuid.uuid4()
            )
        extra_headers = request_options.get("extra_headers")
        if extra_headers:
            headers.update(extra_headers)
        if "timeout" in request_options:
            timeout_ext = to_timeout(request_options["timeout"]).as_dict()
        else:
            timeout_ext = self._timeout_ext
        request = httpx.Request(
            method,
            self._base_url + path,
            params=query or None,
            headers=headers,
            content=content,
            files=files,
            data=data,
            extensions={"timeout": timeout_ext},
        )
        if files is not None:
            request.read()  # multipart: fix the bytes (and boundary) that every attempt sends
        return request

    def prepare_attempt(self, request: httpx.Request, retries_taken: int) -> None:
        """Per-attempt headers: the retry count and a fresh signature (new timestamp, nonce)."""
        request.headers[RETRY_COUNT_HEADER] = str(retries_taken)
        raw_path = request.url.raw_path
        path, _, query = raw_path.partition(b"?")
        path_text = path.decode("ascii")
        if path_text not in UNSIGNED_PATHS:
            request.headers.update(
                signature_headers(
                    app_key=self.options.app_key,
                    secret=self.options.app_secret,
                    method=request.method,
                    path=path_text,
                    query=query.decode("ascii"),
                    body=request.content,
                    timestamp=_unix_time(),
                    signature_method=self.options.signature_method,
                    version=self.options.signature_version,
                    idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
                    content_type=request.headers.get("Content-Type"),
                )
            )
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "attempt %d: %s %s headers=%s",
                retries_taken,
                request.method,
                raw_path.decode("ascii"),
                redact_headers(request.headers.items()),
            )

    def retry_wait(
        self, request: httpx.Request, retries_taken: int, reason: str, after: str | None
    ) -> float:
        delay = retry_delay(retries_taken, after)
        logger.info(
            "retrying %s %s in %.2f s (retry %d of %d): %s",
            request.method,
            request.url.raw_path.decode("ascii"),
            delay,
            retries_taken + 1,
            self.options.max_retries,
            reason,
        )
        return delay

    def finish(
        self,
        request: httpx.Request,
        response: httpx.Response,
        started: float,
        retries_taken: int,
    ) -> None:
        """Log the outcome and raise the mapped error for a 4xx/5xx."""
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "%s %s -> %d (request_id=%s, retries=%d, %.1f ms%s)",
                request.method,
                request.url.raw_path.decode("ascii"),
                response.status_code,
                response.headers.get("x-request-id"),
                retries_taken,
                (time.perf_counter() - started) * 1000,
                ", replayed" if response.headers.get("idempotent-replayed") == "true" else "",
            )
        if "deprecation" in response.headers:
            _warn_deprecated_once(response)
        if response.status_code >= 400:
            raise APIStatusError.from_response(response, retries_taken=retries_taken)

    def connection_error(
        self, request: httpx.Request, exc: Exception, retries_taken: int
    ) -> APIConnectionError:
        logger.info(
            "%s %s failed after %d retries: %s",
            request.method,
            request.url.raw_path.decode("ascii"),
            retries_taken,
            type(exc).__name__,
        )
        if isinstance(exc, httpx.TimeoutException):
            return APITimeoutError(request=request)
        return APIConnectionError(
            f"Could not reach the vehicle administration at {self._base_url}: {type(exc).__name__}",
            f"无法连接车管所服务（{self._base_url}）：{type(exc).__name__}",
            request=request,
        )


class SyncKernel(_KernelBase):
    """The sync request loop. Thread-safe: it keeps no per-request state."""

    def __init__(self, options: ClientOptions, http_client: httpx.Client | None = None) -> None:
        super().__init__(options)
        self.pool = SyncPool(self.http_client_kwargs, http_client)
        self.sleep: Callable[[float], None] = time.sleep

    def request(
        self,
        method: str,
        path: str,
        cast: Callable[[httpx.Response], T],
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        options: RequestOptions,
        raw: bool = False,
    ) -> Any:
        request = self.build_request(
            method, path, params=params, json_body=json_body, files=files, data=data,
            request_options=options,
        )  # fmt: skip
        client = self.pool.get()
        retries = 0
        limit = self.options.max_retries
        started = time.perf_counter()
        while True:
            self.prepare_attempt(request, retries)
            try:
                response = client.send(request)
            except (httpx.TimeoutException, *RETRYABLE_TRANSPORT) as exc:
                if retries >= limit:
                    raise self.connection_error(request, exc, retries) from exc
                self.sleep(self.retry_wait(request, retries, type(exc).__name__, None))
                retries += 1
                continue
            except httpx.TransportError as exc:
                raise self.connection_error(request, exc, retries) from exc
            if retries < limit and should_retry(response):
                after = response.headers.get("retry-after")
                self.sleep(self.retry_wait(request, retries, str(response.status_code), after))
                retries += 1
                continue
            self.finish(request, response, started, retries)
            if raw:
                return APIResponse(response, cast, retries)
            return cast(response)


class AsyncKernel(_KernelBase):
    """The async twin of :class:`SyncKernel`."""

    def __init__(
        self, options: ClientOptions, http_client: httpx.AsyncClient | None = None
    ) -> None:
        super().__init__(options)
        self.pool = AsyncPool(self.http_client_kwargs, http_client)
        self.sleep: Callable[[float], Awaitable[None]] = _async_sleep

    async def request(
        self,
        method: str,
        path: str,
        cast: Callable[[httpx.Response], T],
        *,
        params: Mapping[str, Any] | None = None,
        json_body: Any = None,
        files: Mapping[str, Any] | None = None,
        data: Mapping[str, str] | None = None,
        options: RequestOptions,
        raw: bool = False,
    ) -> Any:
        request = self.build_request(
            method, path, params=params, json_body=json_body, files=files, data=data,
            request_options=options,
        )  # fmt: skip
        client = self.pool.get()
        retries = 0
        limit = self.options.max_retries
        started = time.perf_counter()
        while True:
            self.prepare_attempt(request, retries)
            try:
                response = await client.send(request)
            except (httpx.TimeoutException, *RETRYABLE_TRANSPORT) as exc:
                if retries >= limit:
                    raise self.connection_error(request, exc, retries) from exc
                await self.sleep(self.retry_wait(request, retries, type(exc).__name__, None))
                retries += 1
                continue
            except httpx.TransportError as exc:
                raise self.connection_error(request, exc, retries) from exc
            if retries < limit and should_retry(response):
                after = response.headers.get("retry-after")
                await self.sleep(
                    self.retry_wait(request, retries, str(response.status_code), after)
                )
                retries += 1
                continue
            self.finish(request, response, started, retries)
            if raw:
                return APIResponse(response, cast, retries)
            return cast(response)


async def _async_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)
