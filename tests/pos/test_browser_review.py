"""The clerk page through ``approved``, in a real browser (Debian's chromium, Playwright).

The real bridge and the real sandbox bureau over loopback (review delay 0). Three sales:

* a whole sale: scan, vehicle, owner, sale, the photos the bureau lists (set from JPEG
  files), submit, the plate and its label, the plate-fitted photo, then ``approved``;
* a sale the sandbox's review control returns for a stated reason: the answer lands in
  the 待处理 list with a badge, the named photo is retaken there, then ``approved``;
* a sale cancelled (退货) from the page with its reason, once;
* a sale rejected after fitting: the clerk is told to take the plate back;
* a wrong field after the plate: cancelled, then sold again corrected;
* offline: the photos are queued with the sale and sent when the network is back.

Screenshots go to ``test-artifacts/`` like the other browser tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import ItemStatus, Outbox
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.seed import demo_owner, sellable_vehicle_codes

from .hang_proxy import HangingBureau
from .live_bureau import jpeg
from .test_browser import ARTIFACTS, CQC, _bridge, _field, _fill_owner_and_sale, browser, expect
from .test_browser import pytestmark as browser_marks

pytestmark = browser_marks
__all__ = ["browser"]  # the fixture, shared with test_browser

REVIEW_HELPER = "/v1/test-helpers/ebike-registrations/{}/review"


@dataclass
class Counter:
    page: Any
    outbox: Outbox
    client: VehregClient
    photo_dir: Path
    errors: list[str]

    def photo_file(self, name: str) -> Path:
        path = self.photo_dir / f"{name}.jpg"
        path.write_bytes(jpeg(name))
        return path

    def local_id(self) -> str:
        return self.outbox.list(newest_first=True)[0].local_id

    def bureau_photos(self, local_id: str) -> list[str]:
        registration_id = self.outbox.get(local_id).registration_id
        assert registration_id is not None
        return [p.kind for p in self.client.ebike_registrations.retrieve(registration_id).photos]


@pytest.fixture
def counter(browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    ARTIFACTS.mkdir(exist_ok=True)
    monkeypatch.setenv("VEHREG_PRINTER", f"file:{tmp_path / 'label.png'}?format=png")
    (tmp_path / "photos").mkdir()
    with SandboxServer(db_path=tmp_path / "bureau.db", review_delay=0) as sandbox:
        dealer = sandbox.dealers[0]

        def client() -> VehregClient:
            return VehregClient(
                base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
            )

        outbox = Outbox(tmp_path / "shop.db")
        till = Till(outbox, host=PluginHost(load_entry_points=False), client_factory=client)
        with _bridge(till, dealer.store_ids[0]) as bridge, client() as bureau:
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(bridge.login_url())
            yield Counter(page, outbox, bureau, tmp_path / "photos", errors)
            assert errors == [], errors  # no script error on the page, in any step
        till.close()
        outbox.close()


def fill_sale(counter: Counter, n: int) -> None:
    page = counter.page
    code = sellable_vehicle_codes(1, start=9400 + 50 * n)[0]
    owner = demo_owner(20 + n)
    page.locator("#scan").fill(f"{CQC}{code}")
    page.locator("#scan").press("Enter")
    expect(_field(page, "vehicle.motor_code")).not_to_have_value("")
    _field(page, "owner.name").fill(owner["name"])
    _field(page, "owner.id_number").fill(owner["id_number"])
    _fill_owner_and_sale(page, owner)
    _field(page, "sale.invoice_number").fill(f"FP2026{n:04d}")


def take_sale_photos(counter: Counter, n: int) -> list[str]:
    """Every photo the page lists (from the bureau's requirements), set from a JPEG file."""
    page = counter.page
    slots = page.locator("#photo-slots .photo-slot")
    expect(slots.first).to_be_visible()
    kinds = [slots.nth(i).get_attribute("data-kind") or "" for i in range(slots.count())]
    for kind in kinds:
        page.locator(f'#photo-slots [data-kind="{kind}"] label.pick input').set_input_files(
            str(counter.photo_file(f"{n}-{kind}"))
        )
        expect(page.locator(f'#photo-slots [data-kind="{kind}"] img.preview')).to_be_visible()
    return kinds


def sell_to_the_plate(counter: Counter, n: int) -> str:
    page = counter.page
    fill_sale(counter, n)
    take_sale_photos(counter, n)
    page.locator("#submit").click()
    expect(page.locator("#photo-note")).to_contain_text("张照片已随销售保存")
    expect(page.locator("#result-status")).to_have_text("已分配号牌", timeout=20_000)
    expect(page.locator("#result-plate")).to_have_text(re.compile(r"^苏G"))
    return counter.local_id()


def send_fitted_photo(counter: Counter, n: int) -> None:
    page = counter.page
    fitted = page.locator("#fitted")
    expect(fitted).to_be_visible()
    expect(fitted).to_contain_text("带牌车辆照片")  # the contract's label, not the page's
    page.locator("#fitted-slots label.pick input").set_input_files(
        str(counter.photo_file(f"{n}-plate_fitted"))
    )
    page.locator("#send-fitted").click()
    expect(page.locator("#result-note")).to_contain_text("顾客可以离开")
    expect(fitted).to_be_hidden()


def test_a_whole_sale_from_the_scan_to_approved(counter: Counter) -> None:
    page = counter.page
    fill_sale(counter, 1)
    # the photo steps are the bureau's list (GET /photo-requirements), not the page's own
    required_at_submit = [
        r.photo_kind
        for r in counter.client.photo_requirements.list(registration_kind="ebike")
        if r.stage == "at_submit"
    ]
    slots = page.locator("#photo-slots .photo-slot")
    expect(slots).to_have_count(len(required_at_submit))
    # submitting without them names what is missing, in Chinese
    page.locator("#submit").click()
    expect(page.locator("#photos-msg")).to_contain_text("请先拍摄")
    expect(page.locator("#photos-msg")).to_contain_text("身份证明正面")
    expect(page.locator("#scan-msg")).to_contain_text("请先拍摄")  # not "the fields in red"
    expect(page.locator("#result")).to_be_hidden()
    kinds = take_sale_photos(counter, 1)
    assert kinds == required_at_submit
    # retaken at will: a second file replaces the first
    page.locator('#photo-slots [data-kind="vehicle_photo"] label.pick input').set_input_files(
        str(counter.photo_file("1-vehicle_photo-again"))
    )
    expect(page.locator("#photos-msg")).to_have_text("")
    expect(page.locator("#scan-msg")).to_have_text("")
    page.screenshot(path=str(ARTIFACTS / "clerk-review-photos.png"), full_page=True)
    page.locator("#submit").click()

    status = page.locator("#result-status")
    expect(status).to_have_text("已分配号牌", timeout=20_000)
    page.wait_for_function("document.getElementById('label').naturalWidth > 0")
    page.locator("#print").click()
    expect(page.locator("#result-note")).to_contain_text("已发送到打印机")
    send_fitted_photo(counter, 1)
    page.screenshot(path=str(ARTIFACTS / "clerk-review-fitted.png"), full_page=True)
    expect(status).to_have_text("复核通过", timeout=20_000)
    expect(page.locator("#result-note")).to_contain_text("复核通过，登记完成")
    page.screenshot(path=str(ARTIFACTS / "clerk-review-approved.png"), full_page=True)
    page.locator("#lang").click()  # English one click away, the contract's labels too
    expect(status).to_have_text("Approved")
    expect(page.locator("#todo-toggle")).to_contain_text("To do")
    expect(page.locator("#photos-step h2")).to_have_text("5. Photos")
    expect(page.locator('#photo-slots [data-kind="invoice"] .photo-label')).to_have_text(
        "sales invoice"
    )
    page.locator("#lang").click()

    item = counter.outbox.get(counter.local_id())
    assert item.status == ItemStatus.APPROVED
    at_bureau = counter.bureau_photos(item.local_id)
    assert sorted(at_bureau) == sorted([*required_at_submit, "plate_fitted"])  # each once
    assert all(a.upload_id for a in item.attachments)


def test_a_returned_sale_is_retaken_from_the_todo_list(counter: Counter) -> None:
    page = counter.page
    local_id = sell_to_the_plate(counter, 2)
    reason = "车辆照片反光，请在阴凉处重拍。"
    script_review(counter, local_id, {"outcome": "returned",
                  "reasons": [{"photo_kind": "vehicle_photo", "message_zh": reason}]})  # fmt: skip
    send_fitted_photo(counter, 2)
    page.locator("#next").click()  # the customer has left; the next one is served

    badge = page.locator("#todo-badge")
    expect(badge).to_have_text("1", timeout=20_000)
    page.locator("#todo-toggle").click()
    entry = page.locator(f'#todo-review .todo-item.returned[data-local-id="{local_id}"]')
    expect(entry).to_contain_text("复核退回：请重拍照片")
    expect(entry).to_contain_text(f"车辆照片：{reason}")
    expect(entry.locator(".photo-slot")).to_have_count(1)  # exactly the kind named
    expect(page.locator("#todo-attention .todo-item")).to_have_count(0)  # not needs_attention
    page.screenshot(path=str(ARTIFACTS / "clerk-review-returned.png"), full_page=True)
    entry.locator('[data-kind="vehicle_photo"] label.pick input').set_input_files(
        str(counter.photo_file("2-vehicle_photo-retake"))
    )
    entry.locator(".send-retakes").click()
    expect(page.locator("#todo-msg")).to_contain_text("重拍照片已保存")
    expect(badge).to_be_hidden(timeout=20_000)
    expect(page.locator("#todo-empty")).to_be_visible()

    item = counter.outbox.get(local_id)
    assert item.status == ItemStatus.APPROVED
    kinds = counter.bureau_photos(local_id)
    assert kinds.count("vehicle_photo") == 2 and kinds.count("plate_fitted") == 1


def test_a_sale_is_cancelled_from_the_page_once(counter: Counter) -> None:
    page = counter.page
    local_id = sell_to_the_plate(counter, 3)
    page.locator("#cancel-current").click()
    dialog = page.locator("#cancel-dialog")
    expect(dialog).to_be_visible()
    page.locator("#cancel-confirm").click()  # no reason: refused, in Chinese
    expect(page.locator("#cancel-msg")).to_contain_text("请填写撤销原因")
    page.locator("#cancel-reason").fill("顾客退货")
    page.screenshot(path=str(ARTIFACTS / "clerk-review-cancel.png"), full_page=True)
    page.locator("#cancel-confirm").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("#cancel-current")).to_be_hidden()  # asked once
    status = page.locator("#result-status")
    expect(status).to_have_text("已撤销（退货）", timeout=20_000)
    expect(page.locator("#result-note")).to_contain_text("已撤销（退货）：顾客退货")
    expect(page.locator("#recent tr.cancelled button.cancel-sale")).to_have_count(0)

    item = counter.outbox.get(local_id)
    assert item.status == ItemStatus.CANCELLED
    assert item.registration_id is not None
    at_bureau = counter.client.ebike_registrations.retrieve(item.registration_id)
    assert at_bureau.status == "cancelled"


def script_review(counter: Counter, local_id: str, body: dict[str, Any]) -> None:
    """The sandbox's review control: the next review of this sale answers ``body``."""
    registration_id = counter.outbox.get(local_id).registration_id
    counter.client.ebike_registrations._request(
        "POST", REVIEW_HELPER.format(registration_id), lambda r: r.json(), {}, json_body=body
    )


def test_rejected_after_fitting_tells_the_clerk_to_take_the_plate_back(counter: Counter) -> None:
    page = counter.page
    local_id = sell_to_the_plate(counter, 5)
    plate = page.locator("#result-plate").inner_text()
    reason = "车架号与合格证不符。"
    script_review(counter, local_id, {"outcome": "rejected", "reasons": [{"message_zh": reason}]})
    send_fitted_photo(counter, 5)
    expect(page.locator("#result-note")).to_contain_text(f"号牌 {plate} 已作废", timeout=20_000)
    page.locator("#next").click()
    expect(page.locator("#todo-badge")).to_have_text("1", timeout=20_000)
    page.locator("#todo-toggle").click()
    entry = page.locator(f'#todo-review .todo-item.take_back[data-local-id="{local_id}"]')
    expect(entry).to_contain_text("复核不通过：必须收回号牌")
    expect(entry).to_contain_text(f"号牌 {plate} 已作废。请联系顾客，把号牌收回。")
    expect(entry).to_contain_text(reason)
    page.screenshot(path=str(ARTIFACTS / "clerk-review-take-back.png"), full_page=True)
    entry.locator("button", has_text="已收回号牌").click()
    expect(page.locator("#todo-badge")).to_be_hidden()
    assert counter.outbox.get(local_id).plate_must_be_returned


def test_a_wrong_field_after_the_plate_is_cancelled_and_sold_again(counter: Counter) -> None:
    page = counter.page
    first_id = sell_to_the_plate(counter, 6)
    page.locator("#wrong-field").click()
    expect(page.locator("#cancel-reason")).to_have_value("信息填写有误，撤销后重新登记")
    page.locator("#cancel-confirm").click()
    # once the bureau has cancelled it, the same sale is open again to correct, photos kept
    expect(page.locator("#scan-msg")).to_contain_text("登记已撤销", timeout=20_000)
    expect(_field(page, "owner.mobile")).to_be_enabled()
    expect(page.locator("#photo-slots .photo-slot.taken")).to_have_count(
        page.locator("#photo-slots .photo-slot").count()
    )
    _field(page, "owner.mobile").fill("19900006666")
    page.locator("#submit").click()
    expect(page.locator("#result-status")).to_have_text("已分配号牌", timeout=20_000)
    second_id = counter.local_id()
    assert second_id != first_id
    assert counter.outbox.get(first_id).status == ItemStatus.CANCELLED
    second = counter.outbox.get(second_id)
    assert second.payload["owner"]["mobile"] == "19900006666"
    assert len(second.attachments) == len(counter.outbox.get(first_id).attachments)


def test_offline_the_photos_are_queued_with_the_sale(browser: Any, tmp_path: Path) -> None:
    """The network goes down after the page read the bureau's photo list: the sale and its
    photos are queued on the till, and sent when it is back, through to ``approved``."""
    ARTIFACTS.mkdir(exist_ok=True)
    (tmp_path / "photos").mkdir()
    with (
        SandboxServer(db_path=tmp_path / "bureau.db", review_delay=0) as sandbox,
        HangingBureau(sandbox.port, refuse=True) as network,
    ):
        network.answering.set()
        dealer = sandbox.dealers[0]

        def client(base_url: str = network.base_url) -> VehregClient:
            return VehregClient(
                base_url=base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
            )

        outbox = Outbox(tmp_path / "shop.db", retry_base_seconds=0.05, retry_max_seconds=0.5)
        till = Till(outbox, host=PluginHost(load_entry_points=False), client_factory=client)
        with _bridge(till, dealer.store_ids[0]) as bridge, client(sandbox.base_url) as bureau:
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(bridge.login_url())
            counter = Counter(page, outbox, bureau, tmp_path / "photos", errors)
            expect(page.locator("#photo-slots .photo-slot").first).to_be_visible()
            code = sellable_vehicle_codes(1, start=9700)[0]
            owner = demo_owner(30)
            page.locator("#scan").fill(f"{CQC}{code}")
            page.locator("#scan").press("Enter")
            expect(_field(page, "vehicle.motor_code")).not_to_have_value("")
            network.cut()  # the till's network goes down while the owner is typed in
            _field(page, "owner.name").fill(owner["name"])
            _field(page, "owner.id_number").fill(owner["id_number"])
            _fill_owner_and_sale(page, owner)
            kinds = take_sale_photos(counter, 4)
            page.locator("#submit").click()
            expect(page.locator("#photo-note")).to_contain_text(f"{len(kinds)} 张照片已随销售保存")
            note = page.locator("#result-note")
            expect(note).to_contain_text("已保存在离线队列", timeout=20_000)
            page.screenshot(path=str(ARTIFACTS / "clerk-review-offline.png"), full_page=True)
            item = outbox.list()[0]
            # queued, tried and not delivered (the worker may be in its next try right now)
            assert item.status in (ItemStatus.QUEUED, ItemStatus.SUBMITTING)
            assert item.attempts >= 1 and item.registration_id is None
            assert [a.kind for a in item.attachments] == kinds
            assert not any(a.upload_id for a in item.attachments)

            network.answering.set()  # back: the sale, then its photos, go out by themselves
            expect(page.locator("#result-status")).to_have_text("已分配号牌", timeout=30_000)
            send_fitted_photo(counter, 4)
            expect(page.locator("#result-status")).to_have_text("复核通过", timeout=30_000)
            assert sorted(counter.bureau_photos(item.local_id)) == sorted([*kinds, "plate_fitted"])
            assert errors == []
        till.close()
        outbox.close()
