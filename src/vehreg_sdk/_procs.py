"""Is the process that holds an outbox lease still running? (pid reuse cannot fool it)

A lease holder is named ``host:pid.start:random`` (:func:`worker_id`), where ``start``
identifies that very process: on Linux the boot id and the process's start time in clock
ticks since boot, on Windows its creation time. After a power cut or a ``kill -9`` the pid
is gone, or belongs to another process with another start: :func:`holder_gone` says so and
the till takes its items back at once instead of waiting out the lease. Where the start
cannot be read (macOS, BSD) only a pid that no longer exists counts as gone; a holder on
another host is never judged (its lease runs out as before).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import sys
import uuid
from functools import cache

_HOLDER = re.compile(r"(?P<host>[^:]+):(?P<pid>\d+)(?:\.(?P<start>[0-9a-f]{12}))?:[0-9a-f]+$")


def worker_id() -> str:
    """A name for this process in leases and history: host, pid, start, a random part."""
    pid = os.getpid()
    start = process_start(pid)
    ident = f"{pid}.{start}" if start else str(pid)
    return f"{hostname()}:{ident}:{uuid.uuid4().hex[:6]}"


@cache
def hostname() -> str:
    # A ':' would break the ``host:pid`` parsing; host names never carry one anyway.
    return socket.gethostname().replace(":", "-") or "localhost"


def process_start(pid: int) -> str | None:
    """12 hex digits naming process ``pid``'s start, or ``None`` (gone, or not knowable)."""
    raw = _start_linux(pid) if sys.platform.startswith("linux") else None
    if raw is None and sys.platform == "win32":
        raw = _start_windows(pid)
    if raw is None:
        return None
    return hashlib.sha256(raw.encode()).hexdigest()[:12]


def holder_gone(lease_owner: str | None) -> bool:
    """True only when ``lease_owner`` is a process of this host that is certainly not running."""
    if not lease_owner:
        return False
    found = _HOLDER.search(lease_owner)
    if found is None or found["host"] != hostname():
        return False
    pid = int(found["pid"])
    if pid == os.getpid():
        return False  # this very process (another thread or Outbox): alive by definition
    if not _pid_exists(pid):
        return True
    recorded = found["start"]
    if recorded is None:
        return False
    current = process_start(pid)
    return current is not None and current != recorded


@cache
def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _start_linux(pid: int) -> str | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return None
    # Field 22 (starttime) counts from the end of "(comm)", which may contain spaces.
    fields = stat.rpartition(")")[2].split()
    if len(fields) < 20:
        return None
    return f"{_boot_id()}:{fields[19]}"


def _start_windows(pid: int) -> str | None:  # pragma: no cover - exercised on Windows tills
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return None
    try:
        times = [wintypes.FILETIME() for _ in range(4)]
        if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return None
        created = times[0]
        return f"{created.dwHighDateTime}:{created.dwLowDateTime}"
    finally:
        kernel32.CloseHandle(handle)


def _pid_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows tills
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)
        if handle:
            kernel32.CloseHandle(handle)
            return True
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists, not ours
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return True  # cannot tell: assume alive, the lease will expire anyway
    # A zombie (killed, not yet reaped by its parent) holds nothing any more.
    with (
        contextlib.suppress(OSError),
        open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle,
    ):
        if handle.read().rpartition(")")[2].split()[:1] == ["Z"]:
            return False
    return True
