"""``client.photo_requirements``: which photos the review requires, per registration kind."""

from __future__ import annotations

from typing import Any, Final, Literal, Unpack

import httpx

from .._types import RequestOptions
from ..types.photo_requirements import PhotoRequirement
from ._base import AsyncAPIResource, SyncAPIResource, to_raw, to_raw_async

__all__ = [
    "AsyncPhotoRequirements",
    "AsyncPhotoRequirementsWithRawResponse",
    "PhotoRequirements",
    "PhotoRequirementsWithRawResponse",
]

PATH: Final = "/v1/photo-requirements"
RegistrationKind = Literal["ebike", "car"]


def _parse(response: httpx.Response) -> list[PhotoRequirement]:
    body: dict[str, Any] = response.json()
    return [PhotoRequirement.model_validate(item) for item in body.get("data", [])]


def _params(registration_kind: str | None) -> dict[str, str]:
    return {"registration_kind": registration_kind} if registration_kind else {}


class PhotoRequirements(SyncAPIResource):
    def list(
        self,
        *,
        registration_kind: RegistrationKind | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[PhotoRequirement]:
        """Every photo kind of ``registration_kind`` (``ebike`` or ``car``; all when None):
        when it is taken, whether the review requires it, and its Chinese label."""
        result: list[PhotoRequirement] = self._request(
            "GET", PATH, _parse, options, params=_params(registration_kind)
        )
        return result


class AsyncPhotoRequirements(AsyncAPIResource):
    async def list(
        self,
        *,
        registration_kind: RegistrationKind | None = None,
        **options: Unpack[RequestOptions],
    ) -> list[PhotoRequirement]:
        result: list[PhotoRequirement] = await self._request(
            "GET", PATH, _parse, options, params=_params(registration_kind)
        )
        return result


class PhotoRequirementsWithRawResponse:
    def __init__(self, resource: PhotoRequirements) -> None:
        self.list = to_raw(resource.list)


class AsyncPhotoRequirementsWithRawResponse:
    def __init__(self, resource: AsyncPhotoRequirements) -> None:
        self.list = to_raw_async(resource.list)
