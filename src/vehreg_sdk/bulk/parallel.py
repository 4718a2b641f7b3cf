"""Checking a large CSV on several cores: rows parsed in forked worker processes, in order.

The main process reads the file and writes the report; workers run the
rules on chunks of rows and send back only the issues, so little crosses the
process boundary. At most ``2 x jobs`` chunks are in flight, so memory stays
bounded however long the file. Workers are *forked*: they inherit the parser
(its catalogue and rule configuration) instead of receiving it pickled, so
this path exists where ``fork`` does (Linux, macOS) and
:func:`~.validate.validate_file` falls back to one process elsewhere.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from .parse import RowIssue, RowParser
from .readers import SourceRow

__all__ = ["CHUNK_ROWS", "available", "parsed_issues"]

CHUNK_ROWS = 2_000
_parser: RowParser | None = None


def available() -> bool:
    """Whether forked workers can be used here."""
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _init(parser: RowParser) -> None:  # pragma: no cover - runs in the workers
    global _parser
    _parser = parser


def _chunk(rows: list[tuple[int, dict[str, str]]]) -> list[tuple[int, list[tuple[Any, ...]]]]:
    parser = _parser
    assert parser is not None
    out = []
    for number, values in rows:
        parsed = parser.parse(number, values)
        if parsed.issues:
            out.append((number, [_pack(i) for i in parsed.issues]))
    return out


def _pack(issue: RowIssue) -> tuple[Any, ...]:
    return (issue.row_number, issue.column, issue.field, issue.code, issue.message,
            issue.message_zh, issue.severity, issue.value)  # fmt: skip


def parsed_issues(
    rows: Iterator[SourceRow], parser: RowParser, jobs: int
) -> Iterator[tuple[SourceRow, list[RowIssue]]]:
    """Every row with the issues the rules find in it (empty list: a good row), in file order.

    The rows are yielded back (for the report's copies of bad rows); a row's
    cells are kept in the parent only while its chunk is in flight.
    """
    context = multiprocessing.get_context("fork")
    pending: deque[tuple[list[SourceRow], Future[list[tuple[int, list[tuple[Any, ...]]]]]]] = (
        deque()
    )
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_init, initargs=(parser,)
    ) as pool:

        def drain_one() -> Iterator[tuple[SourceRow, list[RowIssue]]]:
            chunk, future = pending.popleft()
            found = {
                number: [RowIssue(*packed) for packed in issues]
                for number, issues in future.result()
            }
            for source in chunk:
                yield source, found.get(source.row_number, [])

        chunk: list[SourceRow] = []
        for source in rows:
            chunk.append(source)
            if len(chunk) >= CHUNK_ROWS:
                payload = [(s.row_number, s.values) for s in chunk]
                pending.append((chunk, pool.submit(_chunk, payload)))
                chunk = []
                if len(pending) >= 2 * jobs:
                    yield from drain_one()
        if chunk:
            pending.append((chunk, pool.submit(_chunk, [(s.row_number, s.values) for s in chunk])))
        while pending:
            yield from drain_one()
