"""What the ``vehreg demo`` walks share: their options, the label file, the embedded
sandbox and client, the numbered steps and the closing lines.

The heavy imports (rich, the client, the sandbox) stay inside the functions so that
``vehreg --help`` does not pay for them.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from vehreg_sdk import VehregClient

SHANGHAI = timezone(timedelta(hours=8))  # business dates are Asia/Shanghai dates (no DST)

OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Folder for the plate label (default: a new temporary folder, printed at "
        "the end). 标签输出文件夹（默认新建临时文件夹）。",
    ),
]
LabelOption = Annotated[
    Path | None,
    typer.Option("--label", "-o", help="The label file itself, instead of --out. 标签图片文件。"),
]


def label_file(out: Path | None, label_path: Path | None, *, prefix: str, name: str) -> Path:
    """``--label`` as given, else ``name`` in ``--out`` or in a new temporary folder."""
    if label_path is not None:
        return label_path
    folder = out if out is not None else Path(tempfile.mkdtemp(prefix=prefix))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


class Walk:
    """The console a walk prints to, its numbered steps and its closing lines."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console: Console = Console(highlight=False)
        self.started = time.perf_counter()

    def step(self, number: int, en: str, zh: str) -> None:
        self.console.print(f"\n[bold cyan]{number}. {zh}[/]  [dim]{en}[/]")

    def finish(self, what: str, status: str, label_path: Path) -> None:
        """Exit 1 unless the walk ended ``approved``; else name the label and the time."""
        elapsed = time.perf_counter() - self.started
        if status != "approved":
            self.console.print(f"[red]the {what} ended {status}, not approved[/]")
            raise typer.Exit(1)
        self.console.print(f"\nlabel 标签: {label_path.resolve()}")
        self.console.print(f"[bold green]Done in {elapsed:.1f} s. 演示完成。[/]")


@contextmanager
def sandbox_client(
    walk: Walk, title: str, *, review_delay: float, prefix: str
) -> Iterator[VehregClient]:
    """The embedded sandbox bureau on a free loopback port (its database in a temporary
    folder) and a client signed in as its first dealer."""
    from vehreg_sdk import VehregClient
    from vehreg_sdk.sandbox import SandboxServer

    with tempfile.TemporaryDirectory(prefix=prefix) as workdir:
        db_path = Path(workdir) / "sandbox.db"
        with SandboxServer(db_path=db_path, review_delay=review_delay) as sandbox:
            dealer = sandbox.dealers[0]
            walk.console.print(
                f"[bold]{title}[/] — sandbox bureau at [green]{sandbox.base_url}[/] "
                "(沙箱车管所已启动)"
            )
            with VehregClient(
                base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
            ) as client:
                yield client
