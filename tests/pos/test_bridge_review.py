"""Over the bridge API with multipart photos, a sale reaches ``approved``; a ``returned``
review is answered by retaking the named photo; a sale is cancelled (退货) once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from vehreg_pos_bridge import BridgeConfig, BridgeServer

from .live_bureau import TILL_KINDS, jpeg, live_till, sale_body

TOKEN = "review-token"


@pytest.fixture
def bridge(tmp_path: Path) -> Iterator[tuple[httpx.Client, Any]]:
    with live_till(tmp_path) as (till, sandbox):
        config = BridgeConfig(sync_interval_s=0.1)
        with BridgeServer(till, token=TOKEN, config=config) as server:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=10) as http:
                yield http, sandbox


def wait_for(http: httpx.Client, local_id: str, *statuses: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        view: dict[str, Any] = http.get(f"/sales/{local_id}").json()
        if view["status"] in statuses or time.monotonic() > deadline:
            assert view["status"] in statuses, view
            return view
        time.sleep(0.1)


def photo(http: httpx.Client, local_id: str, kind: str) -> dict[str, Any]:
    response = http.post(
        f"/sales/{local_id}/photos",
        data={"kind": kind},
        files={"file": (f"{kind}.jpg", jpeg(kind), "image/jpeg")},
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def sell(http: httpx.Client, sandbox: Any, n: int, invoice: str | None = None) -> str:
    created = http.post("/sales", json=sale_body(sandbox, n, invoice))
    assert created.status_code == 202, created.text
    local_id: str = created.json()["local_id"]
    assert wait_for(http, local_id, "plate_assigned")["plate_number"].startswith("苏G")
    for kind in TILL_KINDS:
        photo(http, local_id, kind)
    return local_id


def test_multipart_photos_and_plate_fitted_reach_approved(bridge: Any) -> None:
    http, sandbox = bridge
    local_id = sell(http, sandbox, 1)
    photo(http, local_id, "plate_fitted")
    view = wait_for(http, local_id, "approved")
    assert view["review"] == {"outcome": "approved", "reasons": []}
    assert view["status_text"]["zh"] == "复核通过"
    assert [p["kind"] for p in view["photos"]] == [*TILL_KINDS, "plate_fitted"]
    assert all(p["sent"] for p in view["photos"])


def test_returned_review_is_answered_by_a_retake(bridge: Any) -> None:
    http, sandbox = bridge
    local_id = sell(http, sandbox, 2, invoice="INV20260097")
    base64_form = http.post(
        f"/sales/{local_id}/photos",
        json={"kind": "plate_fitted", "content_base64": __import__("base64").b64encode(
            jpeg("fitted")).decode(), "filename": "fitted.jpg"},
    )  # fmt: skip
    assert base64_form.status_code == 202, base64_form.text
    returned = wait_for(http, local_id, "returned")
    assert returned["retake_kinds"] == ["invoice"]
    assert returned["review"]["reasons"][0]["message_zh"] == "销售发票照片不清晰，请重新拍摄。"
    photo(http, local_id, "invoice")
    assert wait_for(http, local_id, "approved")["retake_kinds"] == []


def test_rejected_after_fitting_says_the_plate_must_come_back(bridge: Any) -> None:
    http, sandbox = bridge
    local_id = sell(http, sandbox, 3, invoice="INV20260098")
    photo(http, local_id, "plate_fitted")
    view = wait_for(http, local_id, "rejected")
    assert view["plate_must_be_returned"] is True
    assert "号牌已收回" in view["review"]["reasons"][0]["message_zh"]


def test_cancel_once_with_its_reason_and_bad_requests(bridge: Any) -> None:
    http, sandbox = bridge
    local_id = sell(http, sandbox, 4)
    missing = http.post(f"/sales/{local_id}/cancel", json={})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "reason"
    assert http.post(f"/sales/{local_id}/cancel", json={"reason": "顾客退货"}).status_code == 202
    assert http.post(f"/sales/{local_id}/cancel", json={"reason": "again"}).status_code == 202
    view = wait_for(http, local_id, "cancelled")
    assert view["cancellation_reason"] == "顾客退货"
    late = http.post(
        f"/sales/{local_id}/photos",
        data={"kind": "plate_fitted"},
        files={"file": ("p.jpg", jpeg("late"), "image/jpeg")},
    )
    assert late.status_code == 409 and late.json()["detail_zh"]
    bad_kind = http.post(
        f"/sales/{local_id}/photos",
        data={"kind": "selfie"},
        files={"file": ("p.jpg", jpeg("x"), "image/jpeg")},
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["field"] == "kind"
    not_image = http.post(
        f"/sales/{local_id}/photos", data={"kind": "invoice"}, files={"file": ("a.txt", b"hi")}
    )
    assert not_image.status_code == 422 and not_image.json()["errors"][0]["field"] == "file"


def test_photo_requirements_come_from_the_contract(bridge: Any) -> None:
    http, _ = bridge
    listed = http.get("/photo-requirements", params={"registration_kind": "ebike"})
    assert listed.status_code == 200, listed.text
    rows = listed.json()["data"]
    required = [r["photo_kind"] for r in rows if r["required"]]
    assert [*TILL_KINDS, "plate_fitted"] == required
    assert {r["photo_kind"]: r["label_zh"] for r in rows}["plate_fitted"] == "带牌车辆照片"
    assert http.get("/photo-requirements", params={"registration_kind": "boat"}).status_code == 400
