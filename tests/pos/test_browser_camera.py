"""The clerk page's two ways to use a camera, in a real browser (Debian's chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import playwright.sync_api as playwright_api

from vehreg_sdk import VehregClient
from vehreg_sdk.outbox import Outbox
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.sandbox import SandboxServer

from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, _bridge, expect
from .test_browser import pytestmark as browser_marks

pytestmark = browser_marks


def test_the_camera_paths_webcam_on_a_desktop_capture_on_a_tablet(tmp_path: Path) -> None:
    """A desktop takes the photo with its webcam (Chromium's fake camera here); a tablet or
    phone gets the ``capture`` input that opens its own camera."""
    ARTIFACTS.mkdir(exist_ok=True)
    fake_camera = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    with (
        SandboxServer(db_path=tmp_path / "bureau.db", review_delay=0) as sandbox,
        playwright_api.sync_playwright() as p,
    ):
        dealer = sandbox.dealers[0]
        outbox = Outbox(tmp_path / "shop.db")
        till = Till(
            outbox,
            host=PluginHost(load_entry_points=False),
            client_factory=lambda: VehregClient(
                base_url=sandbox.base_url, app_key=dealer.app_key, app_secret=dealer.app_secret
            ),
        )
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *fake_camera])
        with _bridge(till, dealer.store_ids[0]) as bridge:
            desktop = browser.new_context(permissions=["camera"], locale="zh-CN").new_page()
            errors: list[str] = []
            desktop.on("pageerror", lambda error: errors.append(str(error)))
            desktop.goto(bridge.login_url())
            slot = desktop.locator('#photo-slots .photo-slot[data-kind="vehicle_photo"]')
            expect(slot.locator("label.take")).to_have_count(0)  # no capture input on a desktop
            slot.locator("button.webcam").click()
            expect(desktop.locator("#webcam")).to_be_visible()
            desktop.wait_for_function(
                "() => document.getElementById('webcam-video').videoWidth > 0"
            )
            desktop.screenshot(path=str(ARTIFACTS / "clerk-review-webcam.png"))
            desktop.locator("#webcam-capture").click()
            expect(desktop.locator("#webcam")).to_be_hidden()
            expect(slot.locator("img.preview")).to_be_visible()
            expect(slot).to_have_class(re.compile("taken"))
            assert errors == []

            tablet = browser.new_context(
                is_mobile=True, has_touch=True, viewport={"width": 800, "height": 1280}
            ).new_page()
            tablet.goto(bridge.login_url())
            take = tablet.locator('#photo-slots [data-kind="vehicle_photo"] label.take input')
            expect(take).to_have_attribute("capture", "environment")
            expect(take).to_have_attribute("accept", "image/*")
            expect(tablet.locator("#photo-slots button.webcam")).to_have_count(0)
        browser.close()
        till.close()
        outbox.close()
