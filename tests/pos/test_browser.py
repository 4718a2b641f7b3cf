"""The clerk page in a real browser (Debian's chromium, driven by Playwright).

A whole sale: scan the certificate QR, type the owner with a deliberate
mistake that the page shows in Chinese, correct it, submit, watch the status
reach ``plate_assigned``, print the label (the photos and the review:
``test_browser_review.py``). And the same page with the bureau
unreachable: the sale is queued and the page says so plainly. Screenshots go
to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import playwright.sync_api as playwright_api
import pytest

from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import ItemStatus, Outbox
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.sandbox import SandboxServer
from vehreg_sdk.sandbox.seed import demo_owner, sellable_vehicle_codes

from .live_bureau import jpeg

CHROMIUM = os.environ.get("VEHREG_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CQC = "http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode="
CJK = re.compile(r"[\u4e00-\u9fff]")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
expect = playwright_api.expect


@pytest.fixture
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _bridge(till: Till, store_id: str) -> Any:
    from vehreg_pos_bridge import BridgeConfig, BridgeServer

    return BridgeServer(
        till,
        token="browser-test-token",
        config=BridgeConfig(default_store_id=store_id, sync_interval_s=0.5),
    )


def _field(page: Any, name: str) -> Any:
    return page.locator(f'[name="{name}"]')


def _fill_owner_and_sale(page: Any, owner: dict[str, Any]) -> None:
    _field(page, "owner.mobile").fill(owner["mobile"])
    _field(page, "owner.address").fill(owner["address"])
    _field(page, "sale.invoice_number").fill("FP20190401")
    _field(page, "price_yuan").fill("3299.00")
    _field(page, "sale.clerk_id").fill("C001")


def test_a_whole_sale_on_the_clerk_page(
    browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    printed = tmp_path / "printed-label.png"
    monkeypatch.setenv("VEHREG_PRINTER", f"file:{printed}?format=png")
    with SandboxServer(db_path=tmp_path / "bureau.db", review_delay=0) as sandbox:
        dealer = sandbox.dealers[0]
        outbox = Outbox(tmp_path / "shop.db")
        till = Till(
            outbox,
            host=PluginHost(load_entry_points=False),
            client_factory=lambda: VehregClient(
                base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
            ),
        )
        code = sellable_vehicle_codes(1, start=9100)[0]
        owner = demo_owner(7)
        with _bridge(till, dealer.store_ids[0]) as bridge:
            page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
            page.goto(bridge.login_url())
            assert page.locator("html").get_attribute("lang") == "zh-CN"

            # 1. scan the certificate QR (a keyboard-wedge scanner types it, with trailing noise)
            page.locator("#scan").fill(f"{CQC}{code}&sig=x9")
            page.locator("#scan").press("Enter")
            expect(_field(page, "vehicle.vehicle_code")).to_have_value(code)
            expect(_field(page, "vehicle.motor_code")).not_to_have_value("")
            expect(page.locator("#cert")).to_be_visible()

            # 2. the owner, with a deliberate mistake in the ID number's check character
            _field(page, "owner.name").fill(owner["name"])
            good_id = owner["id_number"]
            wrong_id = good_id[:-1] + ("1" if good_id[-1] != "1" else "2")
            _field(page, "owner.id_number").fill(wrong_id)
            error = page.locator('[data-field="owner.id_number"] .err')
            expect(error).to_have_text(CJK)
            message_zh = error.inner_text()
            page.screenshot(path=str(ARTIFACTS / "clerk-page-error.png"), full_page=True)
            _field(page, "owner.id_number").fill(good_id)
            expect(error).to_have_text("")
            _fill_owner_and_sale(page, owner)
            # the photos the bureau lists (GET /photo-requirements): one file each
            slots = page.locator("#photo-slots .photo-slot")
            expect(slots.first).to_be_visible()
            for index in range(slots.count()):
                slots.nth(index).locator("label.pick input").set_input_files(
                    {"name": f"{index}.jpg", "mimeType": "image/jpeg", "buffer": jpeg(str(index))}
                )

            # 3. submit, and watch the status change to the plate
            page.locator("#submit").click()
            status = page.locator("#result-status")
            expect(status).to_have_class(re.compile("plate_assigned"), timeout=20_000)
            expect(status).to_have_text("已分配号牌")
            expect(page.locator("#result-plate")).to_have_text(re.compile(r"^苏G"))
            label = page.locator("#label")
            expect(label).to_be_visible()
            page.wait_for_function("document.getElementById('label').naturalWidth > 0")

            # 4. print, then reprint
            page.locator("#print").click()
            expect(page.locator("#result-note")).to_contain_text("已发送到打印机")
            expect(page.locator("#print")).to_have_text("重新打印")
            assert printed.read_bytes().startswith(b"\x89PNG")
            expect(page.locator("#recent tbody tr")).to_have_count(1)
            recent = page.locator("#recent").inner_text()
            assert owner["name"] not in recent and owner["name"][0] + "*" in recent
            page.screenshot(path=str(ARTIFACTS / "clerk-page-plate.png"), full_page=True)

            # 5. English is one click away
            page.locator("#lang").click()
            expect(status).to_have_text("Plate assigned")
            expect(page.locator("html")).to_have_attribute("lang", "en")
        till.close()
        [item] = outbox.list()
        assert item.status == ItemStatus.PLATE_ASSIGNED
        outbox.close()
        print(f"\nerror shown in Chinese: {message_zh}")


def test_the_page_says_plainly_when_the_bureau_is_unreachable(browser: Any, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    outbox = Outbox(tmp_path / "shop.db")
    till = Till(
        outbox,
        host=PluginHost(load_entry_points=False),
        client_factory=lambda: VehregClient(
            base_url="http://127.0.0.1:9", app_key="k", app_secret="s", max_retries=0, timeout=2
        ),
    )
    owner = demo_owner(8)
    code = sellable_vehicle_codes(1, start=9200)[0]
    with _bridge(till, "st_demo_haizhou_1") as bridge:
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(bridge.login_url())
        page.locator("#scan").fill(code)
        page.locator("#scan").press("Enter")
        expect(page.locator("#scan-msg")).to_contain_text("请按纸质合格证填写")
        _field(page, "vehicle.motor_code").fill("XHM2600000555")
        _field(page, "vehicle.product_model").fill("XH-TDT2401Z")
        _field(page, "vehicle.color").fill("白")
        _field(page, "owner.name").fill(owner["name"])
        _field(page, "owner.id_number").fill(owner["id_number"])
        _fill_owner_and_sale(page, owner)
        page.locator("#submit").click()
        note = page.locator("#result-note")
        expect(note).to_contain_text("已保存在离线队列", timeout=20_000)
        expect(page.locator("#offline-banner")).to_be_visible(timeout=10_000)
        page.screenshot(path=str(ARTIFACTS / "clerk-page-offline.png"), full_page=True)
    till.close()
    [item] = outbox.list()
    assert item.status == ItemStatus.QUEUED and item.attempts >= 1
    outbox.close()


def test_a_returned_sale_is_corrected_on_the_page(browser: Any, tmp_path: Path) -> None:
    """The bureau refuses the mobile (a check the till cannot make). "Send again" would get the
    same refusal replayed; the page instead loads the sale, shows why under the field, and
    sends the correction under a new key revision."""
    from outbox.outbox_support import FakeClient, status_error
    from vehreg_sdk import UnprocessableEntityError
    from vehreg_sdk.rules import Violation

    ARTIFACTS.mkdir(exist_ok=True)
    bureau = FakeClient()
    mismatch = Violation(
        "owner.mobile_mismatch",
        "owner.mobile",
        "Mobile not registered to this ID",
        "手机号码与实名信息不符",
    )
    bureau.ebike_registrations.outcomes = [
        status_error(UnprocessableEntityError, 422, "validation.failed", [mismatch])
    ]
    outbox = Outbox(tmp_path / "shop.db")
    till = Till(outbox, host=PluginHost(load_entry_points=False), client_factory=lambda: bureau)
    owner = demo_owner(9)
    code = sellable_vehicle_codes(1, start=9300)[0]
    with _bridge(till, "st_demo_haizhou_1") as bridge:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        page_errors: list[str] = []
        page.on("pageerror", lambda error: page_errors.append(str(error)))
        page.goto(bridge.login_url())
        page.locator("#scan").fill(code)
        page.locator("#scan").press("Enter")
        expect(_field(page, "vehicle.vehicle_code")).to_have_value(code)
        _field(page, "vehicle.motor_code").fill("XHM2600000777")
        _field(page, "vehicle.product_model").fill("XH-TDT2401Z")
        _field(page, "vehicle.color").fill("白")
        _field(page, "owner.name").fill(owner["name"])
        _field(page, "owner.id_number").fill(owner["id_number"])
        _fill_owner_and_sale(page, owner)
        page.locator("#submit").click()

        status = page.locator("#result-status")
        expect(status).to_have_class(re.compile("needs_attention"), timeout=20_000)
        expect(page.locator("#result-errors")).to_contain_text("手机号码与实名信息不符")
        expect(page.locator("#recent .fix")).to_have_count(1, timeout=10_000)
        page.locator("#amend-start").click()

        # the form is open again with the sale as queued, and the reason under the field
        expect(page.locator("#amend")).to_be_visible()
        expect(page.locator("#amend-errors")).to_contain_text("手机号码与实名信息不符")
        expect(_field(page, "owner.name")).to_have_value(owner["name"])
        expect(_field(page, "owner.mobile")).to_have_value(owner["mobile"])
        expect(page.locator('[data-field="owner.mobile"] .err')).to_contain_text("实名")
        expect(page.locator("#submit")).to_have_text("提交更正")
        page.screenshot(path=str(ARTIFACTS / "clerk-page-amend.png"), full_page=True)
        _field(page, "owner.mobile").fill("19900008888")
        page.locator("#submit").click()

        expect(status).to_have_class(re.compile("plate_assigned"), timeout=20_000)
        expect(page.locator("#amend")).to_be_hidden()
        expect(page.locator("#submit")).to_have_text("提交登记")
        page.locator("#lang").click()
        expect(page.locator("#amend-start")).to_be_hidden()

        # "New sale" clears the form for the next customer
        page.locator("#next").click()
        expect(_field(page, "owner.name")).to_have_value("")
        expect(_field(page, "owner.name")).to_be_enabled()
        expect(page.locator("#result")).to_be_hidden()
        assert page_errors == []
    till.close()
    [item] = outbox.list()
    assert item.status == ItemStatus.PLATE_ASSIGNED and item.revision == 1
    calls = bureau.ebike_registrations.calls
    assert [c["idempotency_key"] for c in calls] == [item.local_id, f"{item.local_id}.r1"]
    assert calls[-1]["owner"]["mobile"] == "19900008888"
    outbox.close()
