"""The hot folder: good, malformed, duplicate and half-written files; results follow the sale."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path
from typing import Any

import pytest
from vehreg_pos_hotfolder import CSV_COLUMNS, HotFolder

from outbox.outbox_support import resident_id, sale_payload
from vehreg_sdk.pos import Till


@pytest.fixture
def folder(tmp_path: Path, till: Till) -> HotFolder:
    return HotFolder(tmp_path / "inbox", till, settle_seconds=0.2, give_up_seconds=2.0)


def _age(path: Path, seconds: float = 5.0) -> None:
    """Pretend the POS finished writing ``seconds`` ago."""
    past = time.time() - seconds
    os.utime(path, (past, past))


def _drop(folder: HotFolder, name: str, content: bytes | str, *, settled: bool = True) -> Path:
    tmp = folder.inbox / f"{name}.tmp"
    tmp.write_bytes(content.encode() if isinstance(content, str) else content)
    if settled:
        _age(tmp)
    final = folder.inbox / name
    os.replace(tmp, final)  # the documented write-then-rename
    return final


def _poll_twice(folder: HotFolder) -> list[Any]:
    return folder.poll() + folder.poll()


def _result(folder: HotFolder, stem: str) -> dict[str, Any]:
    return json.loads((folder.results / f"{stem}.result.json").read_text(encoding="utf-8"))


def test_good_json_is_queued_moved_and_reported(folder: HotFolder, till: Till) -> None:
    _drop(folder, "sale-1.json", json.dumps({**sale_payload(1), "pos_reference": "A-1"}))
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "processed"
    assert (folder.processed / "sale-1.json").exists() and not (
        folder.inbox / "sale-1.json"
    ).exists()
    result = _result(folder, "sale-1")
    assert result["status"] == "queued" and result["local_id"] == outcome.local_ids[0]
    till.sync()
    folder.poll()
    result = _result(folder, "sale-1")
    assert result["status"] == "plate_assigned" and result["plate_number"].startswith("苏G")
    assert result["sales"][0]["status_text"]["zh"] == "已分配号牌"


def test_gbk_csv_with_two_rows(folder: HotFolder, till: Till) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for n in (2, 3):
        sale = sale_payload(n)
        row = {"pos_reference": f"R{n}", "store_id": sale["store_id"]}
        for part in ("vehicle", "owner", "sale"):
            row.update({f"{part}.{k}": v for k, v in sale[part].items()})
        writer.writerow(row)
    _drop(folder, "batch.csv", buffer.getvalue().encode("gbk"))  # Excel on Chinese Windows
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "processed" and len(outcome.local_ids) == 2
    assert [s["row"] for s in _result(folder, "batch")["sales"]] == [1, 2]
    item = till.outbox.get(outcome.local_ids[0])
    assert item.payload["owner"]["name"] == "张三" and item.payload["sale"]["price_fen"] == 299900


@pytest.mark.parametrize(
    ("name", "content", "code_in_reason"),
    [
        ("broken.json", "{not json", "JSON"),
        ("list.json", "[1, 2]", "对象"),
        ("columns.csv", "who,what\n1,2\n", "表头"),
        ("empty.json", "", "为空"),
    ],
)
def test_malformed_files_are_rejected_with_a_reason(
    folder: HotFolder, name: str, content: str, code_in_reason: str
) -> None:
    _drop(folder, name, content)
    _drop(folder, "good.json", json.dumps(sale_payload(4)))
    outcomes = {o.name: o.outcome for o in _poll_twice(folder)}
    assert outcomes == {name: "rejected", "good.json": "processed"}  # the rest keeps flowing
    reason = json.loads((folder.rejected / f"{name}.reason.json").read_text(encoding="utf-8"))
    assert code_in_reason in reason["message_zh"] and reason["message"]
    assert _result(folder, Path(name).stem)["status"] == "rejected"


def test_a_sale_that_breaks_rules_is_rejected_with_bilingual_errors(folder: HotFolder) -> None:
    bad = sale_payload(5)
    bad["owner"]["id_number"] = "320706199001011234"
    _drop(folder, "bad-id.json", json.dumps(bad))
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "rejected"
    reason = json.loads((folder.rejected / "bad-id.json.reason.json").read_text(encoding="utf-8"))
    [error] = [e for e in reason["errors"] if e["field"] == "owner.id_number"]
    assert error["message_zh"] and error["message"]
    assert resident_id(5) not in json.dumps(reason)  # the wrong number is not echoed unmasked


def test_the_same_file_twice_queues_one_sale(folder: HotFolder, till: Till) -> None:
    content = json.dumps(sale_payload(6))
    _drop(folder, "sale-6.json", content)
    [first] = _poll_twice(folder)
    _drop(folder, "sale-6.json", content)  # the POS sent it again
    [second] = _poll_twice(folder)
    assert second.outcome == "processed" and second.duplicate
    assert second.local_ids == first.local_ids
    assert _result(folder, "sale-6")["sales"][0]["duplicate"] is True
    assert (folder.processed / "sale-6.1.json").exists()
    assert len(till.outbox.list()) == 1


def test_a_second_file_for_the_same_bike_is_rejected(folder: HotFolder, till: Till) -> None:
    _drop(folder, "a.json", json.dumps({**sale_payload(7), "pos_reference": "A"}))
    _drop(folder, "b.json", json.dumps({**sale_payload(7), "pos_reference": "B"}))
    outcomes = {o.name: o.outcome for o in _poll_twice(folder)}
    assert outcomes == {"a.json": "processed", "b.json": "rejected"}
    reason = json.loads((folder.rejected / "b.json.reason.json").read_text(encoding="utf-8"))
    assert reason["errors"][0]["code"] == "outbox.vehicle_already_queued"


def test_temporary_names_are_never_read(folder: HotFolder) -> None:
    for name in ("sale.json.tmp", "sale.json.part", ".sale.json", "~sale.json"):
        (folder.inbox / name).write_text("{half", encoding="utf-8")
        _age(folder.inbox / name)
    assert _poll_twice(folder) == []
    assert sorted(p.name for p in folder.rejected.iterdir()) == []


def test_a_half_written_file_without_rename_is_waited_for(folder: HotFolder, till: Till) -> None:
    """A POS that ignores the rule writes in place; it pauses mid-file, then finishes."""
    content = json.dumps(sale_payload(8)).encode()
    path = folder.inbox / "slow.json"
    path.write_bytes(content[:40])
    assert _poll_twice(folder) == []  # changing or too fresh
    _age(path, 0.5)  # stable and past the settle time, but still cut off
    assert _poll_twice(folder) == []  # does not parse: give it time
    with path.open("ab") as handle:
        handle.write(content[40:])
    assert folder.poll() == []  # it changed: wait for it to settle
    _age(path, 0.5)
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "processed"
    assert len(till.outbox.list()) == 1


def test_a_truncated_file_is_rejected_after_the_grace_period(folder: HotFolder) -> None:
    path = folder.inbox / "dead.json"
    path.write_text('{"store_id": "st_1", "vehic', encoding="utf-8")
    _age(path, 0.5)
    assert _poll_twice(folder) == []
    _age(path, 3.0)  # older than give_up_seconds
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "rejected"


def test_a_crash_before_the_move_does_not_queue_twice(folder: HotFolder, till: Till) -> None:
    path = _drop(folder, "crash.json", json.dumps(sale_payload(9)))
    [outcome] = _poll_twice(folder)
    os.replace(outcome.moved_to, path)  # as if the move never happened
    _age(path)
    [again] = _poll_twice(folder)
    assert again.local_ids == outcome.local_ids and again.duplicate
    assert len(till.outbox.list()) == 1


def test_watch_queues_and_syncs_until_stopped(tmp_path: Path) -> None:
    import threading

    from vehreg_pos_hotfolder import watch

    from outbox.outbox_support import FakeClient

    inbox = tmp_path / "inbox"
    stop = threading.Event()
    lines: list[str] = []
    runner = threading.Thread(
        target=watch,
        args=(inbox,),
        kwargs={
            "outbox_path": tmp_path / "shop.db",
            "interval_s": 0.1,
            "sync_interval_s": 0.1,
            "client_factory": FakeClient,
            "stop": stop,
            "echo": lines.append,
        },
    )
    runner.start()
    try:
        deadline = time.time() + 60  # each wait ends at its event; this only guards a hang
        while not inbox.exists():
            assert time.time() < deadline
            time.sleep(0.05)
        (inbox / "s.json.tmp").write_text(json.dumps(sale_payload(11)), encoding="utf-8")
        os.replace(inbox / "s.json.tmp", inbox / "s.json")
        result = inbox / "results" / "s.result.json"
        while not (result.exists() and _plate(result)):
            assert time.time() < deadline, lines
            time.sleep(0.05)
    finally:
        stop.set()
        runner.join(10)
    assert any(line.startswith("processed: s.json") for line in lines)


def _plate(path: Path) -> str | None:
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("plate_number")  # type: ignore[no-any-return]
    except ValueError:
        return None


def _batch(*sales: dict[str, Any]) -> str:
    return json.dumps({"sales": list(sales)})


def test_a_file_is_all_or_nothing_and_its_correction_goes_through(
    folder: HotFolder, till: Till
) -> None:
    """Row 2's bike is already queued: nothing of the file may stay queued, or the
    corrected file would be refused forever (row 1 "already queued")."""
    earlier = till.submit(sale_payload(21))  # the bike of row 2, queued by the bridge
    _drop(folder, "day.json", _batch(sale_payload(20), sale_payload(21)))
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "rejected"
    assert [i.local_id for i in till.outbox.list()] == [earlier.local_id]  # row 1 not queued
    reason = json.loads((folder.rejected / "day.json.reason.json").read_text(encoding="utf-8"))
    [error] = reason["errors"]
    assert error["code"] == "outbox.vehicle_already_queued" and error["row"] == 2
    assert "整个文件均未提交" in reason["message_zh"]

    _drop(folder, "day.json", _batch(sale_payload(20), sale_payload(22)))  # corrected
    [fixed] = _poll_twice(folder)
    assert fixed.outcome == "processed" and len(fixed.local_ids) == 2
    assert not fixed.duplicate
    assert len(till.outbox.list()) == 3


def test_a_rule_error_in_one_row_queues_nothing(folder: HotFolder, till: Till) -> None:
    bad = sale_payload(24)
    bad["owner"]["mobile"] = "12345"
    _drop(folder, "two.json", _batch(sale_payload(23), bad))
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "rejected" and till.outbox.list() == []
    reason = json.loads((folder.rejected / "two.json.reason.json").read_text(encoding="utf-8"))
    assert {e["row"] for e in reason["errors"]} == {2}
    _drop(folder, "two.json", _batch(sale_payload(23), sale_payload(24)))
    [fixed] = _poll_twice(folder)
    assert fixed.outcome == "processed" and len(till.outbox.list()) == 2


def test_the_same_vehicle_twice_in_a_file_is_refused(folder: HotFolder, till: Till) -> None:
    twice = sale_payload(25)
    twice["sale"]["invoice_number"] = "INV-OTHER"
    _drop(folder, "twice.json", _batch(sale_payload(25), twice))
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "rejected" and till.outbox.list() == []
    reason = json.loads((folder.rejected / "twice.json.reason.json").read_text(encoding="utf-8"))
    assert [(e["code"], e["row"]) for e in reason["errors"]] == [("file.vehicle_twice", 2)]


def test_a_sale_keeps_its_key_in_another_file_and_at_another_row(
    folder: HotFolder, till: Till
) -> None:
    """The key is the sale's own (its content, or pos_reference), not the whole file's hash."""
    _drop(folder, "one.json", json.dumps(sale_payload(26)))
    [first] = _poll_twice(folder)
    # the POS re-exports it in a batch, after a new sale
    _drop(folder, "batch.json", _batch(sale_payload(27), sale_payload(26)))
    [batch] = _poll_twice(folder)
    assert batch.outcome == "processed" and not batch.duplicate
    assert batch.local_ids[1] == first.local_ids[0]
    sales = _result(folder, "batch")["sales"]
    assert [(s["row"], s["duplicate"]) for s in sales] == [(1, False), (2, True)]
    assert len(till.outbox.list()) == 2


def test_a_reused_file_name_is_a_new_sale(folder: HotFolder, till: Till) -> None:
    _drop(folder, "sale.json", json.dumps(sale_payload(28)))
    [first] = _poll_twice(folder)
    _drop(folder, "sale.json", json.dumps(sale_payload(29)))  # the POS reuses its file name
    [second] = _poll_twice(folder)
    assert second.outcome == "processed" and not second.duplicate
    assert second.local_ids != first.local_ids and len(till.outbox.list()) == 2


def test_enqueue_many_rolls_every_row_back(till: Till) -> None:
    from vehreg_sdk.outbox import VehicleAlreadyQueued

    till.submit(sale_payload(31))
    with pytest.raises(VehicleAlreadyQueued):
        till.outbox.enqueue_many([sale_payload(30), sale_payload(31), sale_payload(32)])
    assert [i.vehicle_code for i in till.outbox.list()] == [
        sale_payload(31)["vehicle"]["vehicle_code"]
    ]
    assert [h.event for h in till.outbox.history()] == ["enqueued"]


def test_photos_in_a_sale_file_are_queued_prepared(folder: HotFolder, till: Till) -> None:
    """A phone photo (EXIF-turned, with GPS) in the file is queued upright, reduced, clean."""
    import base64

    from PIL import Image

    from vehreg_sdk.photos import MAX_BYTES
    from vehreg_sdk.testing.photos import phone_photo

    photo = base64.b64encode(phone_photo((3000, 2000), orientation=6, quality=85)).decode()
    sale = {**sale_payload(40), "photos": [{"kind": "id_front", "content_base64": photo}]}
    _drop(folder, "with-photo.json", json.dumps(sale))
    [outcome] = _poll_twice(folder)
    assert outcome.outcome == "processed"
    item = till.outbox.get(outcome.local_ids[0])
    (attachment,) = item.attachments
    data = till.outbox.attachment_data(item.local_id, attachment.seq)
    image = Image.open(io.BytesIO(data))
    assert attachment.content_type == "image/jpeg" and len(data) <= MAX_BYTES
    assert image.height > image.width and not image.getexif()

    broken = {**sale_payload(41), "photos": [{"kind": "id_front", "content_base64": "%%"}]}
    _drop(folder, "bad-photo.json", json.dumps(broken))
    [refused] = _poll_twice(folder)
    assert refused.outcome == "rejected"
    reason = json.loads((folder.rejected / "bad-photo.json.reason.json").read_text("utf-8"))
    assert reason["errors"][0]["code"] == "photos.invalid" and reason["errors"][0]["message_zh"]
