"""A command line to copy, quoted for the shell that will run it.

``vehreg bulk submit`` prints the command that resumes a run. On Windows that line is pasted
into cmd.exe or PowerShell, which read neither POSIX single quotes nor each other's: cmd.exe
takes double quotes (and treats ``& | < > ^ %`` specially outside them), PowerShell takes
single quotes literally (``$`` and a backtick expand inside double quotes).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Literal

Shell = Literal["posix", "cmd", "powershell"]

__all__ = ["Shell", "current_shell", "shell_join"]

#: characters cmd.exe reads outside double quotes, and what splits arguments
_CMD_SPECIAL = re.compile(r'[\s&|<>^()%!,;="]')
#: what PowerShell leaves alone in a bare word
_POWERSHELL_PLAIN = re.compile(r"[\w\-.:/\\=+,]+")


def current_shell(platform: str | None = None, environ: Mapping[str, str] | None = None) -> Shell:
    """``posix`` outside Windows; on Windows the parent shell, cmd.exe when it is unknown."""
    if (platform or sys.platform) != "win32":
        return "posix"
    name = ""
    if environ is None:  # this process: ask for its parent; given an environment: judge that
        try:
            import shellingham  # type: ignore[import-untyped]  # typer's dependency

            name = shellingham.detect_shell()[0].lower()
        except Exception:  # not installed, or no parent shell found: guess below
            name = ""
    if name in {"powershell", "pwsh"}:
        return "powershell"
    if name == "cmd":
        return "cmd"
    # PowerShell puts the user's own module folder first in PSModulePath for its children.
    env = os.environ if environ is None else environ
    first = env.get("PSModulePath", "").split(";")[0].lower()
    return "powershell" if "documents" in first else "cmd"


def _cmd_word(word: str) -> str:
    quoted = subprocess.list2cmdline([word])  # the C runtime's rules for " and backslashes
    if quoted.startswith('"') or (word and not _CMD_SPECIAL.search(word)):
        return quoted
    trailing = len(quoted) - len(quoted.rstrip("\\"))
    return '"' + quoted + "\\" * trailing + '"'


def _powershell_word(word: str) -> str:
    if word and _POWERSHELL_PLAIN.fullmatch(word):
        return word
    return "'" + word.replace("'", "''") + "'"


def shell_join(words: Sequence[str], shell: Shell | None = None) -> str:
    """``words`` as one line for ``shell`` (default: the shell running this process)."""
    shell = shell or current_shell()
    if shell == "cmd":
        return " ".join(_cmd_word(w) for w in words)
    if shell == "powershell":
        line = " ".join(_powershell_word(w) for w in words)
        # a quoted program name is a string to PowerShell: the call operator runs it
        return f"& {line}" if words and line.startswith("'") else line
    return shlex.join(words)
