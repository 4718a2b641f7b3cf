"""A report file that another program (Excel, most often) holds open on Windows.

Windows refuses to write or replace a file that Excel has open (a sharing violation,
``PermissionError``). By then every row's outcome is in the journal, so nothing is lost:
the clerk is told which file to close, and the same command, run again with the same
journal, writes the reports without sending any row twice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..bulk.result import BulkResult

#: Windows' ERROR_SHARING_VIOLATION and ERROR_LOCK_VIOLATION
_IN_USE = {32, 33}


def held_by_another_program(exc: OSError) -> bool:
    """True for a file in use (Windows) or not writable right now (a read-only lock)."""
    return isinstance(exc, PermissionError) or getattr(exc, "winerror", None) in _IN_USE


def write_or_report_held(
    console: Console, path: Path, write: Callable[[Path], Path]
) -> Path | None:
    """``write(path)``; when the file is held open, say so (both languages) and return None."""
    from rich.markup import escape

    try:
        return write(path)
    except OSError as exc:
        if not held_by_another_program(exc):
            raise
    name, short = escape(str(path)), escape(path.name)
    console.print(
        f"[yellow]Cannot write {name}: it is open in another program. Close {short} "
        "in Excel first.[/]\n"
        f"[yellow]无法写入 {name}：文件正被其他程序占用。请先在 Excel 中关闭 {short}。[/]"
    )
    return None


def write_reports(console: Console, file: Path, result: BulkResult) -> list[Path]:
    """The results file and (when rows failed) the rows to fix, beside ``file`` and in its
    format; returns those that another program held open (not written)."""
    from rich.markup import escape

    suffix = ".xlsx" if file.suffix.lower() == ".xlsx" else ".csv"
    held: list[Path] = []
    target = file.with_name(f"{file.stem}.result{suffix}")
    if write_or_report_held(console, target, result.write_results) is None:
        held.append(target)
    else:
        console.print(f"Results 结果: {escape(str(target))}")
    if result.counts.not_registered:
        target = file.with_name(f"{file.stem}.rejected{suffix}")
        if write_or_report_held(console, target, result.export_rejected) is None:
            held.append(target)
        else:
            console.print(
                f"Rows to fix 需修改的行: {escape(str(target))}"
                "  (fix them and submit that file 修改后提交该文件)"
            )
    return held


def explain_rewrite(console: Console, held: list[Path], command: str) -> None:
    """How to get the reports that could not be written: the same command again."""
    console.print(
        f"{len(held)} report file(s) not written; every row's result is kept in the journal. "
        "Close them and run the same command again: it writes the reports and sends "
        "nothing twice.\n"
        f"有 {len(held)} 个报告文件未能写入；每一行的结果都已保存在日志中。关闭这些文件后重新运行"
        "同一命令即可写出报告，不会重复提交："
    )
    console.print(f"  {command}", markup=False, highlight=False, soft_wrap=True)
