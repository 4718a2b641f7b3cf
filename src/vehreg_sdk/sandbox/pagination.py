"""Query parameters, opaque cursors and list envelopes.

Every invalid query parameter is collected and answered at once with 400
``query.invalid``, one ``errors[]`` entry per parameter (field ``query.<name>``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from starlette.datastructures import QueryParams

from ..rules._violation import Violation
from .clock import parse_rfc3339, parse_shanghai_day
from .problems import ProblemError, violation

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

Item = TypeVar("Item")


def encode_cursor(seq: int) -> str:
    """An opaque cursor for the item with storage sequence ``seq``."""
    return base64.urlsafe_b64encode(f"v1:{seq}".encode()).decode().rstrip("=")


def _decode_cursor(text: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, number = raw.partition(":")
    if prefix != "v1" or not number.isascii() or not number.isdigit() or len(number) > 18:
        return None
    return int(number)


class QueryReader:
    """Reads and checks query parameters, collecting every error before answering."""

    def __init__(self, params: QueryParams) -> None:
        self.params = params
        self.errors: list[Violation] = []

    def _bad(self, name: str, code: str, message: str, message_zh: str) -> None:
        self.errors.append(violation(f"query.{name}", code, message, message_zh))

    def limit(self) -> int:
        raw = self.params.get("limit")
        if raw is None:
            return DEFAULT_LIMIT
        if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_LIMIT:
            return int(raw)
        self._bad(
            "limit",
            "query.range",
            "limit is an integer from 1 to 100.",
            "limit 应为 1 至 100 的整数。",
        )
        return DEFAULT_LIMIT

    def cursor(self, name: str = "cursor") -> int | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        seq = _decode_cursor(raw)
        if seq is None:
            self._bad(name, "query.cursor", "Not a cursor from this API.", "无效的分页游标。")
        return seq

    def text(self, name: str, max_length: int = 100) -> str | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        if len(raw) > max_length:
            self._bad(
                name,
                "query.too_long",
                f"At most {max_length} characters.",
                f"最多 {max_length} 个字符。",
            )
            return None
        return raw

    def choice(self, name: str, allowed: Collection[str]) -> str | None:
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        if raw not in allowed:
            self._bad(
                name,
                "query.choice",
                f"One of: {', '.join(sorted(allowed))}.",
                f"应为以下之一：{'、'.join(sorted(allowed))}。",
            )
            return None
        return raw

    def timestamp(self, name: str) -> float | None:
        """An RFC 3339 date-time *with* its offset (``Z`` or ``+08:00``), as epoch seconds."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        try:
            return parse_rfc3339(raw)
        except (ValueError, OverflowError):
            self._bad(
                name,
                "query.datetime",
                f"{name} is an RFC 3339 date-time with its offset, e.g. "
                "2026-11-26T00:00:00+08:00 (send + as %2B); for a whole business day "
                "use created_on=YYYY-MM-DD.",
                f"{name} 应为带时区偏移的 RFC 3339 时间，例如 2026-11-26T00:00:00+08:00"
                "（+ 号请写成 %2B）；按营业日查询请用 created_on=YYYY-MM-DD。",
            )
            return None

    def shanghai_day(self, name: str) -> tuple[float, float] | None:
        """An Asia/Shanghai date ``YYYY-MM-DD``, as the ``[start, end)`` of that day."""
        raw = self.params.get(name)
        if raw is None or raw == "":
            return None
        try:
            return parse_shanghai_day(raw)
        except (ValueError, OverflowError):
            self._bad(
                name,
                "query.date",
                f"{name} is a business date (Asia/Shanghai), YYYY-MM-DD, e.g. 2026-11-26.",
                f"{name} 应为营业日期（北京时间），格式 YYYY-MM-DD，例如 2026-11-26。",
            )
            return None

    def check(self) -> None:
        """Raise 400 ``query.invalid`` listing every bad parameter, if any."""
        if self.errors:
            raise ProblemError("query.invalid", errors=self.errors)


def envelope(
    items: Sequence[dict[str, Any]], has_more: bool, next_cursor: str | None
) -> dict[str, Any]:
    """``{"object": "list", "data": [...], "has_more": ..., "next_cursor": ...}``."""
    return {
        "object": "list",
        "data": list(items),
        "has_more": has_more,
        "next_cursor": next_cursor if has_more else None,
    }


def _seq(row: Any) -> int:
    return int(row["seq"])


def page_envelope(
    rows: Sequence[Item],
    limit: int,
    doc: Callable[[Item], dict[str, Any]],
    *,
    seq: Callable[[Item], int] = _seq,
) -> dict[str, Any]:
    """The envelope of a page read as ``limit + 1`` rows (the extra one only tells ``has_more``).

    The cursor is ``seq`` of the last row shown (by default its ``seq`` column).
    """
    page = rows[:limit]
    return envelope(
        [doc(row) for row in page],
        len(rows) > limit,
        encode_cursor(seq(page[-1])) if page else None,
    )
