"""What the bulk runners of ``client.bulk`` and ``client.car_bulk`` share.

The batch items checked before sending, a single create's answer (:class:`Created`),
the recovery test of a 409, and opening and driving a journaled run to its end.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from .._errors import ConflictError, LocalValidationError
from ._ebike_submit import should_recover

if TYPE_CHECKING:
    from ..bulk.result import BulkResult

__all__ = [
    "Created",
    "batch_items",
    "created_from",
    "open_run",
    "recoverable",
    "run_to_end",
    "run_to_end_async",
    "single_body",
]


def batch_items(items: Sequence[Any]) -> list[Any]:
    """The items as JSON objects; their ``client_reference`` checked first, with no network call.

    Raises :class:`~vehreg_sdk.LocalValidationError` for a reference that breaks the
    rule (:func:`vehreg_sdk.rules.validate_client_reference`) or repeats in the batch,
    as the bureau would (``batch.reference_invalid``, ``batch.duplicate_reference``).
    """
    import dataclasses

    from ..rules import Violation, validate_client_reference

    out = [i.model_dump(mode="json") if hasattr(i, "model_dump") else dict(i) for i in items]
    errors: list[Violation] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(out):
        field = f"items.{index}.client_reference"
        reference = item.get("client_reference")
        invalid = validate_client_reference(reference, field)
        errors += [dataclasses.replace(v, code="batch.reference_invalid") for v in invalid]
        if invalid or not isinstance(reference, str):
            continue
        if reference in seen:
            errors.append(Violation(
                "batch.duplicate_reference", field,
                f"client_reference repeats item {seen[reference]}.",
                f"client_reference 与第 {seen[reference]} 个条目重复。",
            ))  # fmt: skip
        else:
            seen[reference] = index
    if errors:
        raise LocalValidationError(errors)
    return out


@dataclass(frozen=True, slots=True)
class Created:
    """What a single create of the bulk runner keeps of the answer: the id and the plate."""

    id: str
    plate_number: str | None


def created_from(response: httpx.Response) -> Created:
    data = json.loads(response.content)
    plate = data.get("plate_number")
    return Created(str(data["id"]), None if plate is None else str(plate))


def single_body(
    store_id: str, reference: str, item: Mapping[str, Any], channel: str = "store_id"
) -> dict[str, Any]:
    return {channel: store_id, **item, "client_reference": reference}


def recoverable(error: ConflictError) -> str | None:
    """The registration a 409 names when it may be this very row's earlier create."""
    return error.existing_id if should_recover(error, caller_key=True) else None


def open_run(
    rows: Any, parser: Any, options: Any, journal: str | Path | None, channel_id: str, **how: Any
) -> Any:
    """A :class:`~vehreg_sdk.bulk.submitter.Run` over ``rows`` with its journal open."""
    from ..bulk.inputs import open_rows
    from ..bulk.submitter import Run, open_journal

    stream = open_rows(rows, parser, **how)
    try:
        source = str(stream.info.path or "")
        return Run(stream, open_journal(journal, channel_id, source), options)
    except BaseException:
        stream.close()
        raise


def run_to_end(client: Any, run: Any) -> BulkResult:
    """Drive a prepared run to its end, then close its row stream and journal."""
    from ..bulk.drivers import run_sync

    try:
        run_sync(client, run)
        result: BulkResult = run.result()
    finally:
        run.stream.close()
        run.journal.close()
    return result


async def run_to_end_async(client: Any, run: Any) -> BulkResult:
    """See :func:`run_to_end`."""
    from ..bulk.drivers import run_async

    try:
        await run_async(client, run)
        result: BulkResult = run.result()
    finally:
        run.stream.close()
        run.journal.close()
    return result
