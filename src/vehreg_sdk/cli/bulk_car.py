"""``vehreg bulk ... --kind car``: the car side of the bulk commands (a fleet, a dealer's cars).

The sheet is the car template (``vehreg bulk template --kind car``); the channel is
named once for the run, ``--store`` (a registration station) or ``--onsite`` (a
completed on-site inspection, the way of key and operating vehicles). Everything
else (journal, resume, reports, rejected-rows export, exit codes) is the campus
flow's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from ..bulk.result import BulkResult
    from ..bulk.validate import ValidationSummary

__all__ = [
    "car_channel",
    "owner_names",
    "print_car_channel",
    "submit_cars",
    "submit_with_progress",
    "validate_cars",
]


def car_channel(store: str | None, onsite: str | None) -> tuple[str, str] | None:
    """``(channel field, id)`` of the options, or ``None`` when not exactly one is given."""
    if (store is None) == (onsite is None):
        return None
    return ("store_id", store) if store is not None else ("onsite_inspection_id", str(onsite))


def validate_cars(file: Path, report: Path, *, on: date | None, channel: str) -> ValidationSummary:
    """Every car row checked offline, as if sent through ``channel``."""
    from ..bulk.car_parse import CarRowParser
    from ..bulk.validate import validate_file
    from ..rules._input import today_shanghai

    parser = CarRowParser(on=on or today_shanghai(), channel=channel, references=False)
    return validate_file(file, report=report, parser=parser)


async def submit_cars(
    file: Path,
    *,
    channel: tuple[str, str],
    concurrency: int,
    batch_size: int,
    mode: str,
    journal: Path,
    on: date | None,
    progress: Any,
) -> BulkResult:
    """The rows sent through ``client.car_bulk.submit`` (journaled, resumable)."""
    from .._client import AsyncVehregClient

    field, channel_id = channel
    store_id = channel_id if field == "store_id" else None
    onsite_id = channel_id if field == "onsite_inspection_id" else None
    async with AsyncVehregClient() as client:
        result: BulkResult = await client.car_bulk.submit(
            file, store_id=store_id, onsite_inspection_id=onsite_id, concurrency=concurrency,
            journal=journal, mode=mode,  # type: ignore[arg-type]
            batch_size=batch_size, on=on, progress=progress,
        )  # fmt: skip
        return result


async def submit_with_progress(
    console: Console, file: Path, channel: tuple[str, str], concurrency: int, batch_size: int,
    mode: str, journal: Path, on: date | None, quiet: bool,
) -> BulkResult:  # fmt: skip
    """:func:`submit_cars` with the channel announced and a progress bar (unless ``quiet``)."""
    from ..bulk.console import ProgressBar

    print_car_channel(console, channel)
    bar: ProgressBar | None = None if quiet else ProgressBar(console, None)
    try:
        if bar is not None:
            bar.__enter__()
        return await submit_cars(
            file, channel=channel, concurrency=concurrency, batch_size=batch_size, mode=mode,
            journal=journal, on=on, progress=bar,
        )  # fmt: skip
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def owner_names(file: Path, kind: str) -> dict[int, str]:
    """The first rows' owner names, for the result table (masked when printed)."""
    from ..bulk.columns import column_set
    from ..bulk.readers import open_sheet

    names: dict[int, str] = {}
    with open_sheet(file, column_set(kind)) as sheet:
        for row in sheet.rows():
            if len(names) >= 20:
                break
            names[row.row_number] = row.values.get("owner_name", "")
    return names


def print_car_channel(console: Console, channel: tuple[str, str]) -> None:
    field, channel_id = channel
    where = "station 登记服务站" if field == "store_id" else "on-site inspection 上门查验"
    console.print(f"[dim]Channel 办理渠道: {where} {channel_id}[/]")
