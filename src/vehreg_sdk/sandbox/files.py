"""Multipart form parsing (in memory, bounded) and image checks by magic bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from .problems import ProblemError, violation

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: The whole multipart request may carry a full 5 MB file plus its framing.
MAX_MULTIPART_BODY = MAX_UPLOAD_BYTES + 64 * 1024

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(slots=True)
class Part:
    """One multipart part: a text field (``filename`` None) or a file."""

    name: str
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


def _malformed(message: str, message_zh: str) -> ProblemError:
    return ProblemError(
        "body.invalid_multipart",
        errors=[violation("body", "body.invalid_multipart", message, message_zh)],
    )


def parse_multipart(content_type: str, body: bytes) -> dict[str, Part]:
    """Parts by field name (the first of a repeated name wins); 400 on malformed input."""
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise _malformed("The Content-Type has no boundary.", "Content-Type 缺少 boundary 参数。")
    parts: list[Part] = []
    current: list[Part] = []
    header: dict[str, bytes] = {"name": b"", "value": b""}
    disposition: list[bytes] = [b""]

    def on_part_begin() -> None:
        disposition[0] = b""
        current[:] = [Part(name="")]

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["name"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        if header["name"].lower() == b"content-disposition":
            disposition[0] = header["value"]
        header["name"], header["value"] = b"", b""

    def on_headers_finished() -> None:
        _, options = parse_options_header(disposition[0])
        part = current[0]
        part.name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            part.filename = options[b"filename"].decode("utf-8", "replace")

    def on_part_data(data: bytes, start: int, end: int) -> None:
        current[0].data += data[start:end]

    def on_part_end() -> None:
        parts.append(current[0])

    ended: list[bool] = []

    def on_end() -> None:
        ended.append(True)

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_end": on_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except (FormParserError, ValueError) as exc:
        raise _malformed(
            "The multipart body could not be parsed.", "无法解析 multipart 请求体。"
        ) from exc
    if not ended:  # no closing boundary: the body was cut short
        raise _malformed("The multipart body ends early.", "multipart 请求体不完整。")
    by_name: dict[str, Part] = {}
    for part in parts:
        by_name.setdefault(part.name, part)
    return by_name


def image_type(data: bytes) -> str | None:
    """``image/jpeg`` or ``image/png`` by magic bytes, else None (the declared type is ignored)."""
    if data.startswith(_JPEG):
        return "image/jpeg"
    if data.startswith(_PNG):
        return "image/png"
    return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
