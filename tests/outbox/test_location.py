"""An outbox on a network share or drive is refused: SQLite's WAL needs every process on one
host, so queued sales could be lost there."""

from __future__ import annotations

from pathlib import Path

import pytest

from vehreg_sdk import VehregError
from vehreg_sdk.outbox import Outbox, OutboxOnNetworkPath, _location


@pytest.mark.parametrize(
    "path",
    [
        r"\\SHOP-PC\vehreg\shop.db",
        r"\\192.168.1.10\共享\离线队列.db",
        r"\\?\UNC\SHOP-PC\vehreg\shop.db",
        "//SHOP-PC/vehreg/shop.db",
    ],
)
def test_unc_paths_are_refused_with_both_languages(path: str) -> None:
    with pytest.raises(OutboxOnNetworkPath) as caught:
        Outbox(path)
    error = caught.value
    assert isinstance(error, VehregError)
    assert "network share" in error.message and "bridge" in error.message
    assert "网络共享" in error.message_zh and "收银对接" in error.message_zh


@pytest.mark.parametrize(
    "path",
    [r"C:\ProgramData\vehreg\shop.db", r"\\?\C:\vehreg\shop.db", r"\\.\C:\x.db", "shop.db",
     "/var/lib/vehreg/shop.db"],
)  # fmt: skip
def test_local_paths_are_not_unc(path: str) -> None:
    assert not _location.is_unc(path)


def test_a_mapped_network_drive_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_location, "drive_is_remote", lambda path: True)
    with pytest.raises(OutboxOnNetworkPath) as caught:
        Outbox(tmp_path / "shop.db")
    assert "network drive" in caught.value.message and "网络驱动器" in caught.value.message_zh
    assert not (tmp_path / "shop.db").exists()  # refused before anything was created


def test_the_mount_table_tells_network_file_systems(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(
        "/dev/sda1 / ext4 rw 0 0\n"
        "server:/export /mnt/share nfs4 rw 0 0\n"
        "//nas/shop /mnt/shop\\040folder cifs rw 0 0\n",
        encoding="utf-8",
    )
    fs = _location._posix_filesystem
    assert fs(Path("/mnt/share/vehreg/shop.db"), mounts) == "nfs4"
    assert fs(Path("/mnt/shop folder/shop.db"), mounts) == "cifs"
    assert fs(Path("/home/clerk/shop.db"), mounts) == "ext4"
    assert fs(Path("/mnt/sharex/shop.db"), mounts) == "ext4"  # a prefix is not a mount


def test_a_local_disk_is_accepted(tmp_path: Path) -> None:
    with Outbox(tmp_path / "店" / "shop.db") as outbox:
        assert outbox.counts() is not None
