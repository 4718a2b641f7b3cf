"""``client.events``: what happened to the dealer's registrations, oldest first."""

from __future__ import annotations

from typing import Unpack

from .._pagination import AsyncPaginator, SyncCursorPage, after_next, page_params
from .._types import RequestOptions
from ..types.events import Event
from ._base import AsyncAPIResource, SyncAPIResource, to_raw, to_raw_async_list

__all__ = ["AsyncEvents", "Events"]

PATH = "/v1/events"


class Events(SyncAPIResource):
    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[Event]:
        """Events after the event id ``after`` (exclusive); iterate to catch up completely.

        Keep the id of the last event you handled and pass it next time: that is the
        polling alternative to webhooks.
        """
        params = page_params(after=after, limit=limit)
        page: SyncCursorPage[Event] = self._page(PATH, Event, params, options, after_next)
        return page


class AsyncEvents(AsyncAPIResource):
    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Event]:
        params = page_params(after=after, limit=limit)
        paginator: AsyncPaginator[Event] = self._page(PATH, Event, params, options, after_next)
        return paginator


class EventsWithRawResponse:
    def __init__(self, events: Events) -> None:
        self.list = to_raw(events.list)


class AsyncEventsWithRawResponse:
    def __init__(self, events: AsyncEvents) -> None:
        self.list = to_raw_async_list(events.list)
