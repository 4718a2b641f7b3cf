"""Rows of a bulk sheet that share a vehicle code (or VIN) or an ID number, shown before sending."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["announce_duplicates"]


def announce_duplicates(
    console: Console, file: Path, owner_duplicates: str, kind: str = "ebike"
) -> None:
    """Rows sharing a vehicle code or an ID number, shown before anything is sent."""
    from ..bulk.columns import column_set
    from ..bulk.console import print_issues
    from ..bulk.validate import find_duplicates

    finder = find_duplicates(
        file,
        owner_severity="warning" if owner_duplicates == "warning" else "error",
        columns=column_set(kind),
    )
    if not finder.duplicate_rows:
        return
    issues = [
        issue
        for number in finder.duplicate_row_numbers()
        for issue in finder.issues_for(number, {})
    ]
    rows = finder.duplicate_rows
    held = sum(1 for n in finder.duplicate_row_numbers() if finder.holds_back(n))
    sent_en = f", the other {rows - held} are sent with a warning" if held < rows else ""
    sent_zh = f"，其余 {rows - held} 行提交并标记提示" if held < rows else ""
    console.print(
        f"[yellow]{rows} rows share a vehicle code or an ID number; "
        f"{held} of them will not be sent{sent_en}.[/]\n"
        f"[yellow]{rows} 行的整车编码或证件号码重复；其中 {held} 行不会提交{sent_zh}。[/]"
    )
    print_issues(console, issues)
