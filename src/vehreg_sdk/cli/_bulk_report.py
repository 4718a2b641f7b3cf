"""The end of ``vehreg bulk submit``: the result on screen, the reports, the label sheet, and
the command to resume when the run stopped early."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ._bulk_common import EXIT_ROWS, fail, print_command

if TYPE_CHECKING:
    from rich.console import Console

    from ..bulk.result import BulkResult

__all__ = ["report"]


def report(
    console: Console,
    file: Path,
    result: BulkResult,
    labels: Path | None,
    resume: str,
    kind: str = "ebike",
) -> None:
    from rich.markup import escape

    from ..bulk.console import print_result
    from ._held_files import explain_rewrite, write_reports
    from .bulk_car import owner_names

    print_result(console, result, owner_names(file, kind))
    held = write_reports(console, file, result)  # a file Excel holds open is named
    if labels is not None and result.counts.registered and kind == "ebike":
        _labels(console, result, labels)
    if not result.complete:
        console.print(f"[yellow]Stopped early 提前停止: {escape(str(result.stop_reason))}[/]")
        console.print("Resume 继续:")
        print_command(console, resume)
    if held:
        explain_rewrite(console, held, resume)
    if not result.ok or held:
        raise typer.Exit(EXIT_ROWS)


def _labels(console: Console, result: BulkResult, output: Path) -> None:
    from rich.markup import escape

    from .._client import VehregClient
    from ..labels import PlateLabel, render_sheet

    with VehregClient() as client:
        stores = {s.id: s for s in client.stores.list()}
        store = stores.get(result.store_id)
        if store is None:
            raise fail(f"store {result.store_id} not found", f"门店 {result.store_id} 不存在")
        labels = [
            PlateLabel.from_registration(client.ebike_registrations.retrieve(reg_id), store)
            for _, reg_id, _ in result.plates()
        ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(render_sheet(labels))
    console.print(f"Label sheet 标签页: {escape(str(output))} ({len(labels)} labels 张)")
