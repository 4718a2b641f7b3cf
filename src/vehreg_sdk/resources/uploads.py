"""``client.uploads``: photos and scans (JPEG or PNG, at most 5 MB) referenced by a sale."""

from __future__ import annotations

from typing import Any, Unpack

from .._types import FileInput, RequestOptions, file_to_tuple, guess_content_type
from ..types.uploads import Upload, UploadKind
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, to_raw, to_raw_async

__all__ = ["AsyncUploads", "Uploads", "multipart"]

PATH = "/v1/uploads"


def multipart(kind: UploadKind | str, file: FileInput) -> tuple[dict[str, Any], dict[str, str]]:
    """``(files, data)`` for a ``kind`` + ``file`` form; the file is read once, here."""
    name, content, content_type = file_to_tuple(file, default_name=f"{kind}.jpg")
    content_type = content_type or guess_content_type(name, content)
    return {"file": (name, content, content_type)}, {"kind": str(kind)}


class Uploads(SyncAPIResource):
    def create(
        self, *, kind: UploadKind | str, file: FileInput, **options: Unpack[RequestOptions]
    ) -> Upload:
        """Store one photo; pass the returned ``id`` in ``uploads=[...]`` of a registration.

        ``file``: bytes, a path, an open binary file, or ``(filename, bytes[, content_type])``.
        """
        files, data = multipart(kind, file)
        result: Upload = self._request(
            "POST", PATH, model_parser(Upload), options, files=files, data=data
        )
        return result


class AsyncUploads(AsyncAPIResource):
    async def create(
        self, *, kind: UploadKind | str, file: FileInput, **options: Unpack[RequestOptions]
    ) -> Upload:
        files, data = multipart(kind, file)
        result: Upload = await self._request(
            "POST", PATH, model_parser(Upload), options, files=files, data=data
        )
        return result


class UploadsWithRawResponse:
    def __init__(self, uploads: Uploads) -> None:
        self.create = to_raw(uploads.create)


class AsyncUploadsWithRawResponse:
    def __init__(self, uploads: AsyncUploads) -> None:
        self.create = to_raw_async(uploads.create)
