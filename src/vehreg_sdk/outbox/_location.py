"""Where an outbox file may live: on a disk of the machine that runs the sync.

SQLite's write-ahead log keeps its index in shared memory, which every process using the
database must see; processes on two hosts, or one process through a network file
system, do not share it, and then committed sales can be lost or the file damaged
(https://www.sqlite.org/wal.html, "all processes using a database must be on the same
host computer"). So a network path is refused outright: one machine holds the outbox,
and other tills reach it through the bridge. The drive-type check is a small per-OS
adapter: ``GetDriveTypeW`` on Windows, the mount table on Linux.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PureWindowsPath

from ._models import OutboxError

_NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "afs", "9p", "fuse.sshfs", "davfs",
     "fuse.rclone", "glusterfs", "ceph", "fuse.s3fs"}
)  # fmt: skip
_DRIVE_REMOTE = 4  # GetDriveTypeW


class OutboxOnNetworkPath(OutboxError):
    """The outbox file is on a network share or drive: SQLite's WAL needs one host."""

    code = "outbox.network_path"

    def __init__(self, path: Path, where: str, where_zh: str) -> None:
        super().__init__(
            f"the outbox {path} is on {where}; an outbox must be on a local disk of the machine "
            "that syncs it (SQLite's write-ahead log cannot be shared over a network, and "
            "queued sales could be lost). One machine holds the outbox; other tills use the "
            "bridge (vehreg pos serve) or drop files into its hot folder",
            f"离线队列文件 {path} 位于{where_zh}。离线队列必须放在执行同步的这台电脑的本地磁盘上"
            "（SQLite 预写日志无法通过网络共享，待发销售可能丢失）。请由一台电脑保存离线队列，"
            "其他收银机通过收银对接服务（vehreg pos serve）或该电脑的热文件夹提交",
        )
        self.path = path


def is_unc(path: str) -> bool:
    """``\\\\server\\share\\...`` or ``\\\\?\\UNC\\...``, with Windows path rules on any OS."""
    text = path.replace("/", "\\") if path.startswith("//") else path
    if text.upper().startswith("\\\\?\\UNC\\"):
        return True
    drive = PureWindowsPath(text).drive
    return drive.startswith("\\\\") and not drive.startswith(("\\\\?\\", "\\\\.\\"))


def _windows_drive_is_remote(path: Path) -> bool:
    import ctypes

    anchor = Path(path).resolve().anchor
    if not anchor:
        return False
    kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
    return int(kernel32.GetDriveTypeW(ctypes.c_wchar_p(anchor))) == _DRIVE_REMOTE


def _posix_filesystem(path: Path, mounts: Path = Path("/proc/self/mounts")) -> str | None:
    """The file-system type of the mount holding ``path`` (Linux), or ``None`` if unknown."""
    try:
        lines = mounts.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, fstype = "", None
    for line in lines:
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = fields[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, fstype = mount_point, fields[2]
    return fstype


def drive_is_remote(path: Path) -> bool:
    """True when ``path`` is on a mapped network drive (Windows) or a network file system."""
    if sys.platform == "win32":
        return _windows_drive_is_remote(path)
    fstype = _posix_filesystem(path)
    return fstype is not None and fstype.lower() in _NETWORK_FILESYSTEMS


def check_outbox_location(path: Path) -> None:
    """Raise :class:`OutboxOnNetworkPath` for a UNC path or a network drive; else return."""
    if is_unc(os.fspath(path)):
        raise OutboxOnNetworkPath(path, "a network share (UNC path)", "网络共享路径（UNC）")
    if drive_is_remote(path.parent if not path.exists() else path):
        raise OutboxOnNetworkPath(path, "a network drive", "网络驱动器")
