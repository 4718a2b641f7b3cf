"""What the ``vehreg bulk`` commands share: exit codes, the console, a failure, a command line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from ._failures import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_USAGE

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_ROWS",
    "EXIT_USAGE",
    "command_line",
    "fail",
    "new_console",
    "print_command",
]

#: Some rows have errors or were not registered (the CLI's ``EXIT_FAILED``).
EXIT_ROWS = EXIT_FAILED


def new_console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def fail(message: str, message_zh: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"{message}\n{message_zh}", err=True)
    return typer.Exit(code)


def command_line(words: list[str], **options: tuple[Any, Any]) -> str:
    """A command line for this machine's shell (cmd.exe, PowerShell, POSIX): ``words``, then
    each option whose value is not its default."""
    for name, (value, default) in options.items():
        if value == default:
            continue
        flag = "--" + name.replace("_", "-")
        words += [flag] if value is True else [flag, str(value)]
    from ._shell import shell_join

    return shell_join(words)


def print_command(console: Console, command: str) -> None:
    """A command to copy: one line however narrow the terminal, no markup read into it."""
    console.print(f"  {command}", markup=False, highlight=False, soft_wrap=True)
