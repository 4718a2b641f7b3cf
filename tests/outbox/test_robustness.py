"""The outbox on a real till: damaged files, owner-only files, power cuts, another dealer's bike.

All but the last test are about the SQLite file itself (its damage, its permissions, leases
judged by process ids): they run on SQLite only. A hub's leases are tested in test_hub.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from vehreg_sdk import VehregClient, VehregError
from vehreg_sdk._procs import holder_gone, hostname, process_start
from vehreg_sdk.outbox import ItemStatus, Outbox, OutboxDamaged, export_csv, make_worker_id
from vehreg_sdk.sandbox import DEMO_DEALERS
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes
from vehreg_sdk.testing import SAMPLE_JPEG

from .bureau import CountingSandbox
from .outbox_support import FakeClient, run_sql, sale_payload

POSIX = os.name == "posix"
SRC = Path(__file__).resolve().parents[2] / "src"


def _filled_outbox(path: Path, count: int = 40) -> None:
    with Outbox(path) as box:
        for n in range(count):
            box.enqueue(sale_payload(n + 1))
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def _bad_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[:16] = b"NOT A DATABASE!!"
    path.write_bytes(bytes(data))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _torn_last_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    data[-page:] = bytes((n * 131 + 7) % 251 for n in range(page))  # garbage, deterministic
    path.write_bytes(bytes(data))


def _use_everything(path: Path) -> None:
    with Outbox(path) as box:
        box.counts()
        items = box.list()
        box.history()
        export_csv(box)
        for item in items:
            box.get(item.local_id)


@pytest.mark.parametrize("damage", [_bad_header, _truncated, _torn_last_page])
def test_a_damaged_file_is_a_typed_bilingual_error_naming_it(
    tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    path = tmp_path / "shop.db"
    _filled_outbox(path)
    damage(path)
    before = path.read_bytes()
    with pytest.raises(OutboxDamaged) as caught:
        _use_everything(path)
    error = caught.value
    assert isinstance(error, VehregError)  # a till catching VehregError does not crash
    assert error.code == "outbox.damaged" and error.path == path
    assert str(path) in error.message and str(path) in error.message_zh
    assert ".recover" in error.message and "损坏" in error.message_zh and "恢复" in error.message_zh
    assert path.read_bytes() == before  # nothing written over what may still be salvaged


@pytest.mark.skipif(not POSIX, reason="POSIX modes; Windows relies on the profile's ACL")
def test_outbox_files_are_owner_only(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    folder = shared / "new" / "vehreg-sdk"
    path = folder / "outbox.db"
    with Outbox(path) as box:
        box.enqueue(sale_payload(1), photos=[("id_front", SAMPLE_JPEG)])  # a real (tiny) JPEG
        found = {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()}
        assert found == {"outbox.db": 0o600, "outbox.db-wal": 0o600, "outbox.db-shm": 0o600}
    assert folder.stat().st_mode & 0o777 == 0o700
    assert (shared / "new").stat().st_mode & 0o777 == 0o700
    assert shared.stat().st_mode & 0o777 == 0o755  # a folder it did not make is left alone
    path.chmod(0o644)  # an older outbox made before this rule is tightened on open
    Outbox(path).close()
    assert path.stat().st_mode & 0o777 == 0o600


_CLAIM_AND_DIE = textwrap.dedent(
    """
    import os, signal, sys
    sys.path.insert(0, sys.argv[2])
    from vehreg_sdk.outbox import Outbox, claim, make_worker_id
    box = Outbox(sys.argv[1])
    taken = claim(box, make_worker_id())
    print(taken.lease_owner, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the power cut: no cleanup, no lease released
    """
)


@pytest.mark.skipif(not POSIX, reason="kill -9")
def test_after_a_power_cut_the_till_retakes_its_items_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with Outbox(path) as box:
        item = box.enqueue(sale_payload(3))
    dead = subprocess.run(
        [sys.executable, "-c", _CLAIM_AND_DIE, str(path), str(SRC)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert dead.returncode == -signal.SIGKILL, dead.stderr
    holder = dead.stdout.strip()
    with Outbox(path) as box:  # the default lease is 300 s; it is not waited out
        assert box.get(item.local_id).status == ItemStatus.SUBMITTING
        assert holder_gone(holder)
        client = FakeClient()
        report = box.sync(client)
        assert report.claimed == 1
        assert box.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED
        assert client.ebike_registrations.calls[0]["idempotency_key"] == item.local_id
        retaken = [h for h in box.history(item.local_id) if h.event == "lease_expired"]
        assert retaken and holder in retaken[0].detail and "gone" in retaken[0].detail


@pytest.mark.skipif(not POSIX, reason="needs a second live process")
def test_a_live_holder_keeps_its_lease_and_pid_reuse_does_not_fool_the_check(
    tmp_path: Path,
) -> None:
    path = tmp_path / "shop.db"
    with Outbox(path) as box:
        item = box.enqueue(sale_payload(4))
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        start = process_start(sleeper.pid)
        live_holder = f"{hostname()}:{sleeper.pid}.{start}:abcdef"
        with Outbox(path) as box:
            run_sql(
                box,
                "UPDATE items SET status = 'submitting', lease_owner = ?, lease_expires_at = ?",
                (live_holder, box.now() + 300),
            )
            assert box.sync(FakeClient()).claimed == 0  # alive: its lease holds
            # The same pid with another start is another process: the holder is gone.
            reused = f"{hostname()}:{sleeper.pid}.{'0' * 12}:abcdef"
            assert start is None or holder_gone(reused)
            assert not holder_gone(f"{hostname()}:{os.getpid()}.{'0' * 12}:abcdef")  # ourselves
            assert not holder_gone(f"another-host:{sleeper.pid + 10**6}:abcdef")  # not ours
            assert not holder_gone("till-1")  # a name chosen by the caller: never judged
            if start is not None:
                run_sql(box, "UPDATE items SET lease_owner = ?", (reused,))
                assert box.sync(FakeClient()).claimed == 1
                assert box.get(item.local_id).status == ItemStatus.PLATE_ASSIGNED
    finally:
        sleeper.kill()
        sleeper.wait()
    assert ":" in make_worker_id()


def test_a_bike_registered_by_another_dealer_ends_rejected(
    tmp_path: Path, outbox_target: Path | str
) -> None:
    bureau = CountingSandbox(tmp_path / "bureau.db").start()
    try:
        ours, theirs = DEMO_DEALERS[0], DEMO_DEALERS[1]
        (code,) = sellable_vehicle_codes(1, start=7100)
        with VehregClient(
            base_url=bureau.base_url, app_key=theirs.app_key, app_secret=theirs.app_secret
        ) as other:
            body = demo_registration_body(code, theirs.store_ids[0], index=1)
            other.ebike_registrations.create(**body)
        with Outbox(outbox_target) as box, bureau.client() as client:
            item = box.enqueue(demo_registration_body(code, ours.store_ids[0], index=2))
            report = box.sync(client)
            done = box.get(item.local_id)
        assert report.rejected == [item.local_id] and not report.needs_attention
        assert done.status == ItemStatus.REJECTED
        assert done.last_error_code == "vehicle.already_registered"
    finally:
        bureau.stop()
