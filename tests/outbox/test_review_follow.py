"""The outbox past the plate: plate-fitted photo, the review on the event feed, retakes,
cancel (退货), erased photo bytes, and a kill -9 between the plate and the photo."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from vehreg_sdk.outbox import (
    TERMINAL_STATUSES,
    CancelReasonInvalid,
    InvalidTransition,
    ItemStatus,
    Outbox,
)
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .bureau import CountingSandbox
from .outbox_support import OpenOutbox, run_sql

TILL_KINDS = ("id_front", "id_back", "invoice", "certificate", "vehicle_code_rubbing",
              "vehicle_photo")  # fmt: skip
KILL_WORKER = Path(__file__).with_name("photo_kill_worker.py")


def photo_bytes(marker: str) -> bytes:
    """A real JPEG, different for each marker (its pixels carry the marker's hash)."""
    import hashlib
    import io

    from PIL import Image

    seed = hashlib.sha256(marker.encode()).digest()
    image = Image.frombytes("RGB", (32, 32), (seed * 100)[: 32 * 32 * 3])
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    return buffer.getvalue()


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[CountingSandbox]:
    sandbox = CountingSandbox(tmp_path / "bureau.db").start()
    try:
        yield sandbox
    finally:
        sandbox.stop()


def sale(bureau: CountingSandbox, n: int, invoice_number: str | None = None) -> dict[str, Any]:
    (code,) = sellable_vehicle_codes(1, start=7000 + 50 * n)
    return demo_registration_body(
        code, bureau.dealer.store_ids[0], index=n, invoice_number=invoice_number
    )


def enqueue(outbox: Outbox, bureau: CountingSandbox, n: int, invoice: str | None = None) -> str:
    photos = [(kind, photo_bytes(f"{n}-{kind}")) for kind in TILL_KINDS]
    return outbox.enqueue(sale(bureau, n, invoice), photos=photos).local_id


def statuses(outbox: Outbox, local_id: str) -> list[str]:
    return [h.to_status for h in outbox.history(local_id) if h.from_status != h.to_status]


def file_bytes(path: Path) -> bytes:
    companions = [path, path.with_name(path.name + "-wal")]
    return b"".join(p.read_bytes() for p in companions if p.exists())


def stored_bytes(outbox: Outbox) -> bytes:
    """Every byte the outbox keeps: the SQLite file and its WAL, or the hub's rows."""
    if outbox.path is not None:
        return file_bytes(outbox.path)
    rows = run_sql(outbox, "SELECT data FROM attachments")
    rows += run_sql(outbox, "SELECT convert_to(payload, 'UTF8') FROM items")
    return b"".join(bytes(row[0]) for row in rows)


def test_plate_fitted_photo_then_approved_and_photo_bytes_erased(
    open_outbox: OpenOutbox, bureau: CountingSandbox
) -> None:
    with open_outbox() as outbox, bureau.client() as client:
        local_id = enqueue(outbox, bureau, 1)
        stored = [outbox.attachment_data(local_id, seq) for seq in range(len(TILL_KINDS))]
        # a distinctive slice of each stored photo (past the JPEG header, which they share)
        slices = [data[len(data) // 2 : len(data) // 2 + 48] for data in stored]
        if outbox.engine == "sqlite":
            assert all(piece in stored_bytes(outbox) for piece in slices)  # the check can fail
        else:  # the hub seals them at rest: not even a queued photo is readable in a row
            assert not any(piece in stored_bytes(outbox) for piece in slices)
            assert run_sql(outbox, "SELECT COUNT(*) FROM item_keys")[0][0] == 1
        outbox.sync(client)
        assert outbox.get(local_id).status == ItemStatus.PLATE_ASSIGNED
        outbox.add_photo(local_id, ("plate_fitted", photo_bytes("1-plate_fitted")))
        report = outbox.sync(client)
        assert report.photos_sent == [f"{local_id}#6"]
        item = outbox.get(local_id)
        assert item.status == ItemStatus.APPROVED
        assert item.is_final and item.review() == {
            "outcome": "approved", "reasons": [], "reviewed_at": item.review()["reviewed_at"]
        }  # type: ignore[index]  # fmt: skip
        assert statuses(outbox, local_id) == [
            "queued", "submitting", "submitted", "plate_assigned", "awaiting_review", "approved"
        ]  # fmt: skip
        assert all(a.size == 0 and a.upload_id and len(a.sha256 or "") == 64
                   for a in item.attachments)  # fmt: skip
        assert [a.stage for a in item.attachments][-1] == "registration"
        at_bureau = client.ebike_registrations.retrieve(item.registration_id)
        assert [p.kind for p in at_bureau.photos].count("plate_fitted") == 1
        raw = stored_bytes(outbox)
        if outbox.engine == "postgresql":  # delivered: the item's key is destroyed
            assert run_sql(outbox, "SELECT COUNT(*) FROM item_keys")[0][0] == 0
            assert item.payload["owner"]["id_number"].count("*") >= 8  # masked, kept
    assert not any(piece in raw for piece in slices), "photo bytes readable in the outbox"


def test_returned_review_then_retake_is_approved(
    open_outbox: OpenOutbox, bureau: CountingSandbox
) -> None:
    with open_outbox() as outbox, bureau.client() as client:
        local_id = enqueue(outbox, bureau, 2, invoice="INV20260097")
        outbox.sync(client)
        outbox.add_photo(local_id, ("plate_fitted", photo_bytes("2-fitted")))
        report = outbox.sync(client)
        item = outbox.get(local_id)
        assert item.status == ItemStatus.RETURNED
        assert (local_id, "returned") in report.review_updates
        reasons = item.review()["reasons"]  # type: ignore[index]
        assert [r["photo_kind"] for r in reasons] == ["invoice"]
        assert reasons[0]["message_zh"] == "销售发票照片不清晰，请重新拍摄。"
        assert item.status in TERMINAL_STATUSES  # delivered: waits for the clerk, not the outbox
        outbox.add_photo(local_id, ("invoice", photo_bytes("2-invoice-again")))
        outbox.sync(client)
        assert outbox.get(local_id).status == ItemStatus.APPROVED
        assert statuses(outbox, local_id)[3:] == [
            "plate_assigned", "awaiting_review", "returned", "awaiting_review", "approved"
        ]  # fmt: skip
        returned = [h for h in outbox.history(local_id) if h.to_status == "returned"]
        assert "invoice: 销售发票照片不清晰" in returned[0].detail


def test_one_event_cursor_for_the_whole_outbox(
    open_outbox: OpenOutbox, bureau: CountingSandbox
) -> None:
    with open_outbox() as outbox, bureau.client() as client:
        ids = [enqueue(outbox, bureau, 10 + n) for n in range(3)]
        outbox.sync(client)
        for local_id in ids:
            outbox.add_photo(local_id, ("plate_fitted", photo_bytes(local_id)))
        seen: list[str] = []
        real_list = client.events.list

        def counting_list(**kwargs: Any) -> Any:
            seen.append(str(kwargs.get("after")))
            return real_list(**kwargs)

        client.events.list = counting_list  # type: ignore[method-assign]
        outbox.sync(client)
        assert len(seen) == 1  # one feed read for three sales, not a poll per sale
        assert {outbox.get(i).status for i in ids} == {ItemStatus.APPROVED}
        cursor = run_sql(outbox, "SELECT value FROM meta WHERE key = 'events_cursor'")[0][0]
        assert cursor.startswith("evt")
        outbox.sync(client)  # nothing left to follow: the feed is not read again
        assert len(seen) == 1


def test_cancel_is_sent_once_with_its_reason(
    open_outbox: OpenOutbox, bureau: CountingSandbox
) -> None:
    with open_outbox() as outbox, bureau.client() as client:
        local_id = enqueue(outbox, bureau, 20)
        never_sent = enqueue(outbox, bureau, 21)
        outbox.sync(client, limit=1)
        assert outbox.get(local_id).status == ItemStatus.PLATE_ASSIGNED
        with pytest.raises(CancelReasonInvalid) as bad:
            outbox.cancel(local_id, reason="  ")
        assert "原因" in bad.value.message_zh
        outbox.cancel(local_id, reason="顾客退货")
        outbox.cancel(local_id, reason="second click")  # still once, the first reason
        assert outbox.cancel(never_sent, reason="顾客改主意").status == ItemStatus.CANCELLED
        report = outbox.sync(client)
        assert report.cancelled == [local_id]
        item = outbox.get(local_id)
        assert item.status == ItemStatus.CANCELLED
        at_bureau = client.ebike_registrations.retrieve(item.registration_id)
        assert at_bureau.status == "cancelled"
        assert at_bureau.model_dump()["cancellation"]["reason"] == "顾客退货"
        assert [h.event for h in outbox.history(local_id)].count("cancel_requested") == 1
        with pytest.raises(InvalidTransition):
            outbox.add_photo(local_id, ("plate_fitted", photo_bytes("late")))
        # the cancelled vehicle is free to be sold again from this till
        again = outbox.enqueue(sale(bureau, 20))
        assert again.status == ItemStatus.QUEUED
        assert len(client.ebike_registrations.list().data) == 1  # never_sent never went


def test_kill_9_between_plate_and_fitted_photo_loses_nothing(
    outbox_target: Path | str, bureau: CountingSandbox
) -> None:
    db = outbox_target
    with Outbox(db) as outbox, bureau.client() as client:
        local_id = enqueue(outbox, bureau, 30)
        outbox.sync(client)
        outbox.add_photo(local_id, ("plate_fitted", photo_bytes("30-fitted")))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.run(
        [sys.executable, str(KILL_WORKER), str(db), bureau.base_url,
         bureau.dealer.app_key, bureau.dealer.app_secret],
        env=env, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert child.returncode != 0, child.stderr  # it died after the bureau had the photo
    with Outbox(db) as outbox, bureau.client() as client:
        assert outbox.get(local_id).attachments[-1].upload_id is None  # not recorded
        outbox.sync(client)  # the restart: same key, so the bureau replays
        item = outbox.get(local_id)
        assert item.status == ItemStatus.APPROVED
        at_bureau = client.ebike_registrations.retrieve(item.registration_id)
        assert [p.kind for p in at_bureau.photos].count("plate_fitted") == 1
