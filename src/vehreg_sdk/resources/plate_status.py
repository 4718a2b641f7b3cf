"""``client.plate_status``: the bureau's signed list of revoked plates (cancelled or rejected
registrations), for checking printed labels offline.

``retrieve()`` brings the whole list; ``retrieve(since=cached.version)`` only what is new.
Verify and merge with :func:`vehreg_sdk.plates.verify_status` and
``PlateStatusList.updated``; keep it with :func:`vehreg_sdk.plates.save_status`.
"""

from __future__ import annotations

from typing import Unpack

from .._types import RequestOptions
from ..types.plate_status import PlateStatus
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, to_raw, to_raw_async

__all__ = ["AsyncPlateStatusResource", "PlateStatusResource"]

PATH = "/v1/plate-status"
_PARSE = model_parser(PlateStatus)


class PlateStatusResource(SyncAPIResource):
    def retrieve(self, *, since: int = 0, **options: Unpack[RequestOptions]) -> PlateStatus:
        """Revocations after version ``since`` (0: all), signed (:class:`PlateStatus`)."""
        result: PlateStatus = self._request(
            "GET", PATH, _PARSE, options, params={"since": since} if since else None
        )
        return result


class AsyncPlateStatusResource(AsyncAPIResource):
    async def retrieve(self, *, since: int = 0, **options: Unpack[RequestOptions]) -> PlateStatus:
        """See :meth:`PlateStatusResource.retrieve`."""
        result: PlateStatus = await self._request(
            "GET", PATH, _PARSE, options, params={"since": since} if since else None
        )
        return result


class PlateStatusWithRawResponse:
    def __init__(self, resource: PlateStatusResource) -> None:
        self.retrieve = to_raw(resource.retrieve)


class AsyncPlateStatusWithRawResponse:
    def __init__(self, resource: AsyncPlateStatusResource) -> None:
        self.retrieve = to_raw_async(resource.retrieve)
