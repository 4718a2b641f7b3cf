"""Checking a large CSV on several cores: rows parsed in forked worker processes, in order.

The main process reads the file (the CSV parser and the duplicate scan) and
writes the report; workers turn the raw cells into rows and run the rules,
and send back only the issues, so little crosses the process boundary. At
most ``2 x jobs`` chunks are in flight, so memory stays bounded however long
the file. Workers are *forked*: they inherit the parser (its catalogue and
rule configuration) instead of receiving it pickled, so this path exists where
``fork`` does (Linux, macOS) and :func:`~.validate.validate_file` uses one
process elsewhere.
"""

from __future__ import annotations

import multiprocessing
import operator
import os
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .parse import RowIssue, RowParser

__all__ = ["CHUNK_ROWS", "available", "checked_cells"]

CHUNK_ROWS = 2_000
_state: dict[str, Any] = {}

Packed = tuple[Any, ...]
#: (row number, issues) of every non-blank row of a chunk, in order
ChunkResult = list[tuple[int, list[Packed]]]


def available() -> bool:
    """Whether forked workers can be used here."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _init(parser: RowParser, keys: Sequence[str | None]) -> None:  # pragma: no cover - workers
    pairs = [(i, k) for i, k in enumerate(keys) if k is not None]
    _state["parser"] = parser
    _state["names"] = [k for _, k in pairs]
    _state["width"] = len(keys)
    _state["pick"] = operator.itemgetter(*[i for i, _ in pairs])


def _chunk(rows: list[tuple[int, list[str]]]) -> ChunkResult:  # pragma: no cover - workers
    parser: RowParser = _state["parser"]
    names, width, pick = _state["names"], _state["width"], _state["pick"]
    out: ChunkResult = []
    for number, cells in rows:
        if len(cells) < width:
            cells = [*cells, *([""] * (width - len(cells)))]
        picked = pick(cells)
        texts = [picked.strip()] if len(names) == 1 else [t.strip() for t in picked]
        values = dict(zip(names, texts, strict=True))
        if not any(texts):
            continue  # a blank row: not a row at all
        parsed = parser.parse(number, values)
        out.append((number, [_pack(i) for i in parsed.issues]))
    return out


def _pack(issue: RowIssue) -> Packed:
    return (issue.row_number, issue.column, issue.field, issue.code, issue.message,
            issue.message_zh, issue.severity, issue.value)  # fmt: skip


def checked_cells(
    raw_rows: Iterator[tuple[int, list[Any]]],
    keys: Sequence[str | None],
    parser: RowParser,
    jobs: int,
) -> Iterator[tuple[int, list[str], list[RowIssue]]]:
    """``(row_number, cells, issues)`` of every non-blank CSV row, in file order."""
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[tuple[int, list[str]]], Future[ChunkResult]]] = deque()
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init, initargs=(parser, list(keys))
    ) as pool:

        def drain_one() -> Iterator[tuple[int, list[str], list[RowIssue]]]:
            chunk, future = pending.popleft()
            cells = dict(chunk)
            for number, packed in future.result():
                yield number, cells[number], [RowIssue(*p) for p in packed]

        chunk: list[tuple[int, list[str]]] = []
        for number, cells in raw_rows:
            chunk.append((number, cells))
            if len(chunk) >= CHUNK_ROWS:
                pending.append((chunk, pool.submit(_chunk, chunk)))
                chunk = []
                if len(pending) >= 2 * jobs:
                    yield from drain_one()
        if chunk:
            pending.append((chunk, pool.submit(_chunk, chunk)))
        while pending:
            yield from drain_one()
