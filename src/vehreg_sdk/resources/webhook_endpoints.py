"""``client.webhook_endpoints``: where the bureau POSTs events (signed; see ``webhooks.verify``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Unpack

from .._logging import logger
from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import RequestOptions
from ..types.events import WebhookEndpoint
from ._base import (
    AsyncAPIResource,
    SyncAPIResource,
    model_parser,
    segment,
    to_raw,
    to_raw_async,
    to_raw_async_list,
)

__all__ = ["AsyncWebhookEndpoints", "WebhookEndpoints"]

PATH = "/v1/webhook-endpoints"
_PARSE = model_parser(WebhookEndpoint)


def _rotate_body(grace_period_s: int | None) -> dict[str, int]:
    return {} if grace_period_s is None else {"grace_period_s": grace_period_s}


def _without_key(options: RequestOptions) -> RequestOptions:
    """The caller's options for a follow-up request, which needs its own idempotency key."""
    follow_up = RequestOptions(**options)
    follow_up.pop("idempotency_key", None)
    return follow_up


class WebhookEndpoints(SyncAPIResource):
    def create(
        self, *, url: str, events: Sequence[str], **options: Unpack[RequestOptions]
    ) -> WebhookEndpoint:
        """Register ``url`` for ``events``. The result's ``secret`` is shown this once: store it.

        If the bureau's answer is a replay (a retry after a lost response, or the same
        ``idempotency_key`` again), it carries no secret; the client then rotates the secret
        once and returns the endpoint with the new one (any earlier secret keeps signing for
        the bureau's default grace period). ``with_raw_response`` returns the replay as is.
        """
        body = {"url": url, "events": list(events)}
        result: WebhookEndpoint = self._request("POST", PATH, _PARSE, options, json_body=body)
        if self._raw or result.secret is not None:
            return result
        logger.info("webhook endpoint %s: replayed without its secret; rotating", result.id)
        return self.rotate_secret(result.id, **_without_key(options))

    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[WebhookEndpoint]:
        params = page_params(limit=limit, cursor=cursor)
        page: SyncCursorPage[WebhookEndpoint] = self._page(PATH, WebhookEndpoint, params, options)
        return page

    def rotate_secret(
        self,
        endpoint_id: str,
        *,
        grace_period_s: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookEndpoint:
        """A new signing secret, returned this once in ``secret``: store it.

        For ``grace_period_s`` (0 to 86400; the bureau's default is 86400) deliveries carry
        a signature with the old secret too, so receivers can switch without losing events;
        0 ends the old secret at once (it leaked). A retry under the same idempotency key
        answers the endpoint without ``secret``.
        """
        result: WebhookEndpoint = self._action(
            PATH, endpoint_id, "rotate-secret", _PARSE, options,
            json_body=_rotate_body(grace_period_s),
        )  # fmt: skip
        return result

    def delete(self, endpoint_id: str, **options: Unpack[RequestOptions]) -> WebhookEndpoint:
        """Stop deliveries to this endpoint; returns it with ``deleted=True``."""
        result: WebhookEndpoint = self._request(
            "DELETE", f"{PATH}/{segment(endpoint_id)}", _PARSE, options
        )
        return result


class AsyncWebhookEndpoints(AsyncAPIResource):
    async def create(
        self, *, url: str, events: Sequence[str], **options: Unpack[RequestOptions]
    ) -> WebhookEndpoint:
        """See :meth:`WebhookEndpoints.create` (a replay without secret is rotated once)."""
        body = {"url": url, "events": list(events)}
        result: WebhookEndpoint = await self._request("POST", PATH, _PARSE, options, json_body=body)
        if self._raw or result.secret is not None:
            return result
        logger.info("webhook endpoint %s: replayed without its secret; rotating", result.id)
        return await self.rotate_secret(result.id, **_without_key(options))

    def list(
        self,
        *,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[WebhookEndpoint]:
        params = page_params(limit=limit, cursor=cursor)
        paginator: AsyncPaginator[WebhookEndpoint] = self._page(
            PATH, WebhookEndpoint, params, options
        )
        return paginator

    async def rotate_secret(
        self,
        endpoint_id: str,
        *,
        grace_period_s: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> WebhookEndpoint:
        """See :meth:`WebhookEndpoints.rotate_secret`."""
        result: WebhookEndpoint = await self._action(
            PATH, endpoint_id, "rotate-secret", _PARSE, options,
            json_body=_rotate_body(grace_period_s),
        )  # fmt: skip
        return result

    async def delete(self, endpoint_id: str, **options: Unpack[RequestOptions]) -> WebhookEndpoint:
        result: WebhookEndpoint = await self._request(
            "DELETE", f"{PATH}/{segment(endpoint_id)}", _PARSE, options
        )
        return result


class WebhookEndpointsWithRawResponse:
    def __init__(self, endpoints: WebhookEndpoints) -> None:
        self.create = to_raw(endpoints.create)
        self.list = to_raw(endpoints.list)
        self.rotate_secret = to_raw(endpoints.rotate_secret)
        self.delete = to_raw(endpoints.delete)


class AsyncWebhookEndpointsWithRawResponse:
    def __init__(self, endpoints: AsyncWebhookEndpoints) -> None:
        self.create = to_raw_async(endpoints.create)
        self.list = to_raw_async_list(endpoints.list)
        self.rotate_secret = to_raw_async(endpoints.rotate_secret)
        self.delete = to_raw_async(endpoints.delete)
