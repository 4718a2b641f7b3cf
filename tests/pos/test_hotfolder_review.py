"""Through the hot folder with photo files, a sale reaches ``approved`` (and a ``returned``
one is answered by a retake dropped the same way); sale files in UTF-16 are read."""

from __future__ import annotations

import codecs
import json
import os
import time
from pathlib import Path
from typing import Any

from vehreg_pos_hotfolder import HotFolder

from .live_bureau import TILL_KINDS, jpeg, live_till, sale_body


def _drop(inbox: Path, name: str, content: bytes) -> Path:
    tmp = inbox / f"{name}.tmp"
    tmp.write_bytes(content)
    past = time.time() - 5
    os.utime(tmp, (past, past))
    final = inbox / name
    os.replace(tmp, final)
    return final


def _photo(inbox: Path, name: str, take: int = 1) -> dict[str, str]:
    kind = name.rsplit(".", 1)[0].split("-", 1)[1]
    (inbox / name).write_bytes(jpeg(f"{name} take {take}"))
    return {"kind": kind, "file": name}


def _result(folder: HotFolder, stem: str) -> dict[str, Any]:
    return json.loads((folder.results / f"{stem}.result.json").read_text(encoding="utf-8"))


def _round(folder: HotFolder) -> None:
    folder.poll()
    folder.poll()
    folder.till.sync()
    folder.poll()


def test_photo_files_to_approved_and_a_returned_retake(tmp_path: Path) -> None:
    with live_till(tmp_path) as (till, sandbox):
        folder = HotFolder(tmp_path / "inbox", till, settle_seconds=0.0, give_up_seconds=60)
        inbox = folder.inbox
        for n, reference, invoice in ((1, "ORDER-1", None), (2, "ORDER-2", "INV20260097")):
            photos = [_photo(inbox, f"{n}-{kind}.jpg") for kind in TILL_KINDS]
            sale = {**sale_body(sandbox, 60 + n, invoice), "pos_reference": reference,
                    "photos": photos}  # fmt: skip
            encoded = json.dumps(sale, ensure_ascii=False).encode("utf-8")
            if n == 2:  # Excel's "Unicode text": UTF-16 with its BOM
                encoded = codecs.BOM_UTF16_LE + json.dumps(sale, ensure_ascii=False).encode(
                    "utf-16-le"
                )
            _drop(inbox, f"sale-{n}.json", encoded)
        _round(folder)
        for n in (1, 2):
            assert _result(folder, f"sale-{n}")["status"] == "plate_assigned"
            assert not any(inbox.glob(f"{n}-*.jpg")), "photo files are deleted once queued"
            fitted = _photo(inbox, f"{n}-plate_fitted.jpg")
            body = {"photos_for": f"ORDER-{n}", "photos": [fitted]}
            _drop(inbox, f"sale-{n}-plate.json", json.dumps(body).encode())
        _round(folder)
        assert not any(inbox.glob("*.jpg"))
        assert _result(folder, "sale-1")["status"] == "approved"
        returned = _result(folder, "sale-2")
        assert returned["status"] == "returned"
        assert returned["retake_kinds"] == ["invoice"]
        assert returned["review"]["reasons"][0]["message_zh"] == "销售发票照片不清晰，请重新拍摄。"
        retake = {"photos_for": "ORDER-2", "photos": [_photo(inbox, "2-invoice.jpg", take=2)]}
        _drop(inbox, "sale-2-retake.json", json.dumps(retake).encode())
        _round(folder)
        assert _result(folder, "sale-2")["status"] == "approved"


def test_missing_photo_files_wait_then_reject(tmp_path: Path) -> None:
    with live_till(tmp_path) as (till, sandbox):
        folder = HotFolder(tmp_path / "inbox", till, settle_seconds=0.0, give_up_seconds=3)
        sale = {**sale_body(sandbox, 70), "photos": [{"kind": "id_front", "file": "nope.jpg"}]}
        path = _drop(folder.inbox, "sale-x.json", json.dumps(sale).encode())
        os.utime(path, (time.time(), time.time()))
        assert folder.poll() + folder.poll() == []  # waits for the POS to write the photo
        past = time.time() - 10
        os.utime(path, (past, past))
        folder.poll()
        [outcome] = folder.poll()
        assert outcome.outcome == "rejected"
        assert "nope.jpg" in _result(folder, "sale-x")["message_zh"]
        orphan = {"photos_for": "ORDER-404", "photos": []}
        _drop(folder.inbox, "late.json", json.dumps(orphan).encode())
        folder.poll()
        [late] = folder.poll()
        assert late.outcome == "rejected" and "ORDER-404" in _result(folder, "late")["message_zh"]


def test_utf16_tab_separated_csv_is_read(tmp_path: Path) -> None:
    from vehreg_pos_hotfolder.files import parse_sales

    text = "pos_reference\tsale.price_fen\towner.name\r\nR-1\t329900\t张三\r\n"
    sales = parse_sales(Path("sales.txt"), codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert sales == [{"pos_reference": "R-1", "sale": {"price_fen": 329900},
                      "owner": {"name": "张三"}}]  # fmt: skip
