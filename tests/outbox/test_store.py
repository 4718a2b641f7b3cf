"""The outbox as a store: durability settings, enqueue, states, history, clerk actions, export."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from vehreg_sdk.outbox import (
    InvalidTransition,
    ItemNotFound,
    ItemStatus,
    Outbox,
    VehicleAlreadyQueued,
    export_csv,
    status_text,
)
from vehreg_sdk.testing import SAMPLE_JPEG, SAMPLE_PNG

from .outbox_support import OpenOutbox, resident_id, sale_payload

PNG = SAMPLE_PNG
JPEG = SAMPLE_JPEG  # a real JPEG: uploads are decoded to be prepared


def test_file_is_wal_with_full_sync(tmp_path: Path) -> None:
    """SQLite only: the till's file itself."""
    # The store's own connection: WAL for concurrent readers, FULL so a commit is an fsync.
    with Outbox(tmp_path / "shop.db") as outbox, outbox._read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_enqueue_returns_a_device_uuid_that_is_the_idempotency_key(outbox: Outbox) -> None:
    item = outbox.enqueue(sale_payload(1))
    assert uuid.UUID(item.local_id).version == 4
    assert item.idempotency_key == item.local_id
    assert item.status == ItemStatus.QUEUED
    # client_reference lets sync recognise its own registration in a later 409
    assert item.payload["client_reference"] == item.local_id


def test_enqueued_sale_is_on_disk_for_another_connection_at_once(tmp_path: Path) -> None:
    """SQLite only: the till's file itself."""
    box = Outbox(tmp_path / "o.db")
    item = box.enqueue(sale_payload(2))
    # no close, no checkpoint: a second process (here a raw connection) sees it
    other = sqlite3.connect(tmp_path / "o.db")
    row = other.execute("SELECT status FROM items WHERE local_id = ?", (item.local_id,)).fetchone()
    assert row == ("queued",)
    other.close()
    box.close()


def test_enqueue_validates_the_sale(outbox: Outbox) -> None:
    bad = sale_payload(3)
    bad["owner"]["id_number"] = "320706199001011234"  # wrong check digit
    with pytest.raises(ValidationError):
        outbox.enqueue(bad)
    assert outbox.counts()["queued"] == 0


def test_dedupe_key_replays_the_first_item(outbox: Outbox) -> None:
    first = outbox.enqueue(sale_payload(4), dedupe_key="pos-sale-77")
    again = outbox.enqueue(sale_payload(4), dedupe_key="pos-sale-77")
    assert again.local_id == first.local_id and again.replayed
    assert len(outbox.list()) == 1


def test_a_vehicle_is_queued_once(outbox: Outbox) -> None:
    first = outbox.enqueue(sale_payload(5))
    with pytest.raises(VehicleAlreadyQueued) as caught:
        outbox.enqueue(sale_payload(5))  # a double click, or the second till
    assert caught.value.existing_local_id == first.local_id
    assert "已在离线队列中" in caught.value.message_zh
    # once the first is discarded the bike may be sold again
    outbox.discard(first.local_id, reason="sale reversed")
    assert outbox.enqueue(sale_payload(5)).status == ItemStatus.QUEUED


def test_history_records_who_when_what(outbox: Outbox) -> None:
    item = outbox.enqueue(sale_payload(6), actor="clerk:C001", source="bridge")
    outbox.discard(item.local_id, actor="manager:M1", reason="customer left")
    rows = outbox.history(item.local_id)
    assert [(r.from_status, r.to_status, r.actor, r.event) for r in rows] == [
        (None, "queued", "clerk:C001", "enqueued"),
        ("queued", "rejected", "manager:M1", "discarded"),
    ]
    assert rows[1].detail == "customer left"
    assert rows[0].at <= rows[1].at and rows[0].at.utcoffset() == timedelta(hours=8)


def test_clerk_actions_respect_the_state_machine(outbox: Outbox) -> None:
    item = outbox.enqueue(sale_payload(7))
    with pytest.raises(InvalidTransition):
        outbox.amend(item.local_id, sale_payload(7))  # only a parked item can be amended
    outbox.discard(item.local_id)
    with pytest.raises(InvalidTransition):
        outbox.retry(item.local_id)
    with pytest.raises(ItemNotFound):
        outbox.get("nope")


def test_amend_bumps_the_key_revision(outbox: Outbox) -> None:
    item = outbox.enqueue(sale_payload(8))
    with outbox._write() as conn:  # what sync does on a fixable 422
        outbox._set_status(conn, item, ItemStatus.NEEDS_ATTENTION, "sync", "needs_attention")
    fixed = sale_payload(8, mobile="13900001111")
    amended = outbox.amend(item.local_id, fixed, actor="clerk:C2")
    assert amended.status == ItemStatus.QUEUED
    assert amended.idempotency_key == f"{item.local_id}.r1"
    assert amended.payload["owner"]["mobile"] == "13900001111"
    assert amended.payload["client_reference"] == item.local_id


def test_photos_are_kept_until_sync(outbox: Outbox, tmp_path: Path) -> None:
    photo = tmp_path / "front.jpg"
    photo.write_bytes(JPEG)
    item = outbox.enqueue(sale_payload(9), photos=[("id_front", photo), ("invoice", PNG)])
    kinds = [(a.kind, a.content_type, a.upload_id) for a in item.attachments]
    assert kinds == [("id_front", "image/jpeg", None), ("invoice", "image/png", None)]
    assert outbox.attachment_data(item.local_id, 1) == PNG


def test_old_items_are_flagged_overdue(open_outbox: OpenOutbox) -> None:
    now = [1_750_000_000.0]
    box = open_outbox(clock=lambda: now[0])
    old = box.enqueue(sale_payload(10))
    now[0] += 25 * 3600
    box.enqueue(sale_payload(11))
    assert [i.local_id for i in box.overdue()] == [old.local_id]
    assert box.overdue(max_age=timedelta(hours=30)) == []
    box.close()


def test_export_csv_masks_personal_data(outbox: Outbox) -> None:
    outbox.enqueue(sale_payload(12, owner_name="欧阳娜娜", mobile="13912345678"))
    text = export_csv(outbox)
    assert text.splitlines()[0].startswith("local_id,status,status_zh,overdue")
    assert "已排队" in text
    assert resident_id(12) not in text and "13912345678" not in text and "欧阳娜娜" not in text
    assert "欧*" in text and "139****5678" in text


def test_summary_and_repr_hide_personal_data(outbox: Outbox) -> None:
    item = outbox.enqueue(sale_payload(13, owner_name="张三丰", mobile="13912340000"))
    for text in (repr(item), str(item.summary())):
        assert resident_id(13) not in text and "13912340000" not in text and "张三丰" not in text


def test_status_text_is_bilingual() -> None:
    assert status_text("plate_assigned") == "已分配号牌"
    assert status_text("plate_assigned", "en") == "Plate assigned"
    assert status_text("brand_new_state") == "brand_new_state"
