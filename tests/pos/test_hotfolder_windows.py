"""The hot folder on Windows, simulated: a result file the POS holds open, an antivirus lock
on the move. ``os.replace`` onto (or of) a file that another process has open fails on
Windows with a sharing violation; here it is made to fail the same way for chosen paths.
Nothing may be lost, nothing reported as a duplicate, and the watcher keeps running."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from vehreg_pos_hotfolder import HotFolder

from outbox.outbox_support import FakeClient, sale_payload
from vehreg_sdk.pos import Till

_real_replace = os.replace


def sharing_violation(path: object) -> PermissionError:
    error = PermissionError(
        13,
        "The process cannot access the file because it is being used by another process",
        str(path),
    )
    error.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION, as on Windows
    return error


class Locks:
    """Which paths are 'open in another program' right now."""

    def __init__(self) -> None:
        self.held: list[Callable[[Path, Path], bool]] = []
        self.refused = 0

    def replace(self, src: Any, dst: Any) -> None:
        source, target = Path(src), Path(dst)
        if any(held(source, target) for held in self.held):
            self.refused += 1
            raise sharing_violation(target)
        _real_replace(src, dst)


@pytest.fixture
def locks(monkeypatch: pytest.MonkeyPatch) -> Locks:
    state = Locks()
    monkeypatch.setattr(os, "replace", state.replace)
    return state


@contextmanager
def held(locks: Locks, rule: Callable[[Path, Path], bool]) -> Iterator[None]:
    locks.held.append(rule)
    try:
        yield
    finally:
        locks.held.remove(rule)


def results(_: Path, target: Path) -> bool:
    return target.parent.name == "results"


def moves_out_of_inbox(source: Path, target: Path) -> bool:
    return target.parent.name in {"processed", "rejected"}


@pytest.fixture
def folder(tmp_path: Path, till: Till) -> HotFolder:
    return HotFolder(tmp_path / "inbox", till, settle_seconds=0.0, give_up_seconds=2.0)


def drop(folder: HotFolder, name: str, sale: dict[str, Any]) -> Path:
    path = folder.inbox / name
    tmp = path.with_name(name + ".tmp")
    tmp.write_text(json.dumps(sale), encoding="utf-8")
    past = time.time() - 5
    os.utime(tmp, (past, past))
    _real_replace(tmp, path)
    return path


def result(folder: HotFolder, stem: str) -> dict[str, Any]:
    return json.loads((folder.results / f"{stem}.result.json").read_text(encoding="utf-8"))


def test_result_file_in_use_is_retried_and_the_file_is_not_a_duplicate(
    folder: HotFolder, till: Till, locks: Locks
) -> None:
    drop(folder, "sale-1.json", {**sale_payload(1), "pos_reference": "W-1"})
    with held(locks, results):
        for _ in range(3):  # seen, then taken and queued twice, but no result could be written
            assert folder.poll() == []
        assert locks.refused >= 2 and len(till.outbox.list()) == 1
        assert (folder.inbox / "sale-1.json").exists()  # not moved while its result is unwritten
    [outcome] = folder.poll()
    assert outcome.outcome == "processed" and not outcome.duplicate
    assert result(folder, "sale-1")["duplicate"] is False
    assert len(till.outbox.list()) == 1


def test_a_move_blocked_by_antivirus_is_retried(
    folder: HotFolder, till: Till, locks: Locks
) -> None:
    drop(folder, "sale-2.json", sale_payload(2))
    with held(locks, moves_out_of_inbox):
        assert folder.poll() == [] and folder.poll() == []
        assert locks.refused == 1
    [outcome] = folder.poll()
    assert outcome.outcome == "processed" and not outcome.duplicate
    assert (folder.processed / "sale-2.json").exists()
    assert len(till.outbox.list()) == 1


def test_result_updates_wait_for_the_pos_to_close_the_file(
    folder: HotFolder, till: Till, locks: Locks
) -> None:
    drop(folder, "sale-3.json", sale_payload(3))
    assert len(folder.poll() + folder.poll()) == 1
    assert result(folder, "sale-3")["status"] == "queued"
    till.sync()  # the plate arrives while the POS has the result open
    with held(locks, results):
        assert folder.poll() == []  # does not raise
        assert folder.poll() == []
        assert result(folder, "sale-3")["status"] == "queued"
    folder.poll()
    after = result(folder, "sale-3")
    assert after["status"] == "plate_assigned" and after["plate_number"]  # the update was kept


def test_a_rejected_file_whose_move_fails_is_rejected_once(folder: HotFolder, locks: Locks) -> None:
    path = folder.inbox / "bad.json"
    path.write_text('{"store_id": 1}', encoding="utf-8")
    past = time.time() - 5
    os.utime(path, (past, past))
    with held(locks, moves_out_of_inbox):
        assert folder.poll() == [] and folder.poll() == []
    [outcome] = folder.poll()
    assert outcome.outcome == "rejected"
    assert len(list(folder.rejected.glob("bad*.reason.json"))) >= 1
    assert not path.exists()


def test_the_watcher_keeps_running_through_locks(tmp_path: Path, locks: Locks) -> None:
    from vehreg_pos_hotfolder import watch

    inbox = tmp_path / "inbox"
    stop = threading.Event()
    runner = threading.Thread(
        target=watch,
        args=(inbox,),
        kwargs={
            "outbox_path": tmp_path / "shop.db",
            "interval_s": 0.05,
            "sync_interval_s": 0.05,
            "client_factory": FakeClient,
            "stop": stop,
            "echo": lambda _line: None,
        },
        daemon=True,
    )
    with held(locks, results):
        runner.start()
        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "s.json").write_text(json.dumps(sale_payload(4)), encoding="utf-8")
        deadline = time.monotonic() + 10
        while locks.refused < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert runner.is_alive() and locks.refused >= 5
    target = inbox / "results" / "s.result.json"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if target.exists() and json.loads(target.read_text(encoding="utf-8")).get("plate_number"):
            break
        time.sleep(0.05)
    stop.set()
    runner.join(30)
    assert json.loads(target.read_text(encoding="utf-8"))["plate_number"]
