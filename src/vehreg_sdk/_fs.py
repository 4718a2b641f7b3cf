"""Files only their owner may read: the outbox (names, ID numbers, photos) and token files.

POSIX: folders the SDK creates are 0700, files 0600. Windows: a no-op, because the
per-user folders used there (``%LOCALAPPDATA%``, ``%APPDATA%``) are already private to the
account by their ACL, and ``chmod`` cannot express more than read-only there.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

POSIX = os.name == "posix"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dir(path: Path) -> None:
    """Create ``path`` and missing parents; the folders created here are owner-only.

    An existing folder is left as it is: it may be shared on purpose (``/tmp``, a
    mounted volume), and only what the SDK creates is the SDK's to restrict.
    """
    missing: list[Path] = []
    current = path
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        restrict(folder, PRIVATE_DIR_MODE)


def restrict(path: Path, mode: int = PRIVATE_FILE_MODE) -> None:
    """Make an existing file (or folder, with ``mode=0o700``) owner-only; POSIX only."""
    if not POSIX:
        return
    with contextlib.suppress(FileNotFoundError):
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)


def create_private_file(path: Path) -> None:
    """Make sure ``path`` exists and is owner-only, creating it empty with 0600 if missing.

    Creating the file before a library opens it (SQLite) means it is never readable by
    others, not even for the moment between creation and a later ``chmod``.
    """
    make_private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        restrict(path)
    else:
        os.close(fd)


def write_private_text(path: Path, text: str) -> None:
    """Replace ``path`` atomically with ``text`` (UTF-8), owner-only from the first byte."""
    make_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    restrict(path)
