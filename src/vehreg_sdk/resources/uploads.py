"""``client.uploads``: photos and scans (JPEG or PNG, at most 5 MB) referenced by a sale.

Every photo is prepared before it is sent (:func:`vehreg_sdk.photos.prepare_photo`:
upright, at most 2560 px and 1.5 MB, HEIC converted to JPEG, all metadata and GPS
removed); ``prepare=False`` sends the file exactly as given.
"""

from __future__ import annotations

from typing import Any, Unpack

from .._types import FileInput, RequestOptions, file_to_tuple, guess_content_type
from ..types.uploads import Upload, UploadKind
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, to_raw, to_raw_async

__all__ = ["AsyncUploads", "Uploads", "multipart", "multipart_async"]

PATH = "/v1/uploads"


def multipart(
    kind: UploadKind | str, file: FileInput, prepare: bool = True
) -> tuple[dict[str, Any], dict[str, str]]:
    """``(files, data)`` for a ``kind`` + ``file`` form; the file is read once, here.

    With ``prepare`` the photo is made ready first (:func:`~vehreg_sdk.photos.prepare_photo`);
    the caller's file is only read.
    """
    name, content, content_type = file_to_tuple(file, default_name=f"{kind}.jpg")
    if prepare:
        from ..photos import prepare_photo

        photo = prepare_photo(content, filename=name)
        name, content, content_type = photo.filename, photo.data, photo.content_type
    content_type = content_type or guess_content_type(name, content)
    return {"file": (name, content, content_type)}, {"kind": str(kind)}


async def multipart_async(
    kind: UploadKind | str, file: FileInput, prepare: bool = True
) -> tuple[dict[str, Any], dict[str, str]]:
    """:func:`multipart` off the event loop (decoding a 12 MB photo takes a moment)."""
    if not prepare:
        return multipart(kind, file, False)
    import anyio.to_thread

    return await anyio.to_thread.run_sync(multipart, kind, file, True)


class Uploads(SyncAPIResource):
    def create(
        self,
        *,
        kind: UploadKind | str,
        file: FileInput,
        prepare: bool = True,
        **options: Unpack[RequestOptions],
    ) -> Upload:
        """Store one photo; pass the returned ``id`` in ``uploads=[...]`` of a registration.

        ``file``: bytes, a path, an open binary file, or ``(filename, bytes[, content_type])``.
        ``prepare`` (default): the photo is sent upright, reduced and without metadata
        (:mod:`vehreg_sdk.photos`; needs the ``photos`` extra); ``False`` sends it as it is.
        """
        files, data = multipart(kind, file, prepare)
        result: Upload = self._request(
            "POST", PATH, model_parser(Upload), options, files=files, data=data
        )
        return result


class AsyncUploads(AsyncAPIResource):
    async def create(
        self,
        *,
        kind: UploadKind | str,
        file: FileInput,
        prepare: bool = True,
        **options: Unpack[RequestOptions],
    ) -> Upload:
        files, data = await multipart_async(kind, file, prepare)
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
