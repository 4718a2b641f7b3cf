"""Small shared types: per-call options, file inputs, the "not given" sentinel.

No httpx or pydantic at import: ``_client`` imports this module and must stay light.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING, Any, Final, Literal, TypeAlias, TypedDict, final

if TYPE_CHECKING:
    import httpx

__all__ = ["NOT_GIVEN", "FileInput", "NotGiven", "PollOptions", "RequestOptions"]


@final
class NotGiven:
    """Marks an option the caller did not pass (``None`` can be a real value: no timeout)."""

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

#: what ``file=`` accepts: bytes, a path, an open binary file, or
#: ``(filename, content)`` / ``(filename, content, content_type)``.
FileInput: TypeAlias = (
    "bytes | os.PathLike[str] | IO[bytes] | tuple[str, bytes | IO[bytes]]"
    " | tuple[str, bytes | IO[bytes], str]"
)


class RequestOptions(TypedDict, total=False):
    """Keyword-only options every resource method takes.

    ``idempotency_key``: sent as ``Idempotency-Key`` on a POST, reused on every retry
    (default: a fresh UUID per call; pass your sale id to make a later call, such as an
    outbox resend, land on the same registration). ``timeout``: for this call only.
    ``extra_headers`` / ``extra_query``: added to this request (they are signed too).
    """

    idempotency_key: str
    timeout: float | httpx.Timeout | None
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]


class PollOptions(TypedDict, total=False):
    """:class:`RequestOptions` for ``wait()``, whose own ``timeout`` bounds the whole wait."""

    idempotency_key: str
    extra_headers: Mapping[str, str]
    extra_query: Mapping[str, Any]


def file_to_tuple(file: Any, default_name: str = "upload") -> tuple[str, bytes, str | None]:
    """Normalise ``file=`` to ``(filename, bytes, content_type or None)``; reads it once."""
    content_type: str | None = None
    if isinstance(file, tuple):
        name, body = file[0], file[1]
        if len(file) > 2:
            content_type = file[2]
        data = body if isinstance(body, bytes) else body.read()
        return str(name), bytes(data), content_type
    if isinstance(file, bytes | bytearray | memoryview):
        return default_name, bytes(file), None
    if isinstance(file, os.PathLike):
        path = os.fspath(file)
        with open(path, "rb") as fh:
            return os.path.basename(path), fh.read(), None
    if hasattr(file, "read"):
        name = os.path.basename(str(getattr(file, "name", default_name)))
        return name, bytes(file.read()), None
    raise TypeError(
        "file must be bytes, a path, a binary file or a (filename, content[, type]) tuple"
        " / file 应为字节、路径、二进制文件或 (文件名, 内容[, 类型]) 元组"
    )


def guess_content_type(filename: str, data: bytes) -> str:
    """JPEG and PNG are what the bureau accepts; sniff the bytes first, then the name."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    lower = filename.lower()
    if lower.endswith((".jpg", ".jpeg")):
        return "image/jpeg"
    if lower.endswith(".png"):
        return "image/png"
    return "application/octet-stream"
