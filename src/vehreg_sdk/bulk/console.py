"""What ``vehreg bulk`` shows on the terminal: issue tables, a progress bar, the final report.

Personal data never reaches the console unmasked: issue values are masked
when the issue is made, and names in the final report go through
:func:`vehreg_sdk.privacy.mask_name`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import privacy
from .parse import RowIssue
from .reports import issues_text

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from .result import BulkResult
    from .submitter import BulkProgress
    from .validate import ValidationSummary

__all__ = ["ProgressBar", "print_issues", "print_result", "print_summary"]


def print_issues(console: Console, issues: Iterable[RowIssue], limit: int = 30) -> int:
    """A table of the first ``limit`` issues; returns how many were shown."""
    from rich.table import Table

    table = Table(title="问题 Issues", show_lines=False, expand=False)
    for head in ("行 row", "列 column", "值 value", "说明 message"):
        table.add_column(head, overflow="fold")
    shown = 0
    for issue in issues:
        if shown >= limit:
            break
        level = "" if issue.is_error else "[yellow](warning 提示)[/] "
        table.add_row(
            str(issue.row_number),
            issue.header or issue.column or "",
            issue.value or "",
            f"{level}{issue.message_zh}\n{issue.message} [dim]{issue.code}[/]",
        )
        shown += 1
    if shown:
        console.print(table)
    return shown


def print_summary(console: Console, summary: ValidationSummary) -> None:
    """The outcome of ``bulk validate`` in both languages."""
    encoding = f", {summary.encoding}" if summary.encoding else ""
    console.print(
        f"[bold]{summary.path.name}[/] ({summary.format}{encoding}): {summary.rows} rows 行, "
        f"[green]{summary.valid_rows} ok 通过[/], [red]{summary.error_rows} with errors 有错误[/], "
        f"[yellow]{summary.warning_rows} with warnings 有提示[/]"
    )
    shown = print_issues(console, summary.issues)
    total = summary.errors + summary.warnings
    if total > shown:
        console.print(f"… {total - shown} more issues 另有 {total - shown} 个问题")
    if summary.report is not None:
        console.print(f"Report 报告: {summary.report}")


class ProgressBar:
    """A rich progress bar fed by ``BulkProgress`` callbacks (rows done, rate, ETA)."""

    def __init__(self, console: Console, total: int | None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.progress: Progress = Progress(
            TextColumn("[bold]登记 registering[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[status]}"),
            console=console,
            transient=False,
        )
        self.task: TaskID = self.progress.add_task("bulk", total=total, rate="", status="")
        self._started = time.monotonic()
        self._last = 0.0

    def __call__(self, update: BulkProgress) -> None:
        now = time.monotonic()
        if now - self._last < 0.1 and update.done != update.total:
            return
        self._last = now
        elapsed = max(now - self._started, 1e-6)
        counts = update.counts
        status = f"[green]✓{counts.registered}[/] [red]✗{counts.rejected + counts.invalid}[/]"
        if counts.failed:
            status += f" [yellow]!{counts.failed}[/]"
        self.progress.update(
            self.task,
            completed=update.done,
            total=update.total,
            rate=f"{update.done / elapsed:,.0f} rows/s",
            status=status,
        )

    def __enter__(self) -> ProgressBar:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.progress.stop()


def print_result(
    console: Console, result: BulkResult, names: dict[int, str], limit: int = 20
) -> None:
    """Counts, then a plate (or the reasons) per row for the first ``limit`` rows."""
    from rich.table import Table

    counts = result.counts
    console.print(
        f"[bold]{counts.total}[/] rows 行: [green]{counts.registered} registered 已登记[/]"
        f" ({counts.resumed} from an earlier run 来自之前的运行), "
        f"[red]{counts.rejected} rejected 被退回[/], [red]{counts.invalid} not sent 未提交[/], "
        f"[yellow]{counts.failed + counts.pending} to retry 待重试[/]"
        + (f", [yellow]{counts.flagged} sent with warnings 有提示[/]" if counts.flagged else "")
    )
    table = Table(title="结果 Results", expand=False)
    for head in ("行 row", "学生 student", "号牌 plate", "原因 reason"):
        table.add_column(head, overflow="fold")
    for shown, outcome in enumerate(result.outcomes()):
        if shown >= limit:
            console.print(table)
            console.print("… see the results file for all rows 全部结果见结果文件")
            return
        name = privacy.mask_name(names.get(outcome.row_number, "")) if names else ""
        issues = (
            outcome.errors if outcome.status == "invalid" else outcome.errors + outcome.warnings
        )
        reason = privacy.mask_text(issues_text(issues)) if issues else ""
        table.add_row(str(outcome.row_number), name, outcome.plate_number or "", reason)
    console.print(table)
