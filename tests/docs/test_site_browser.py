"""The built site in a real browser (Debian's chromium, driven by Playwright): pages, the
OpenAPI page and Chinese search work with every request answered by the site itself."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("VEHREG_CHROMIUM", "/usr/bin/chromium")
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

#: How long a wait for a condition may take before the test calls it hung. Nothing here is
#: a speed promise: on a loaded 2-core machine Chromium's first render of Swagger UI or the
#: search worker's index build can take many seconds.
HANG_GUARD_MS = 120_000
#: Material's "search.result.initializer" text in zh: shown until the search worker is ready.
SEARCH_INITIALISING_ZH = "正在初始化搜索引擎"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]
playwright_api = pytest.importorskip("playwright.sync_api")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def site_url(built_site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(built_site))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def page(site_url: str) -> Iterator[tuple[Any, list[str]]]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page()
        elsewhere: list[str] = []
        tab.on(
            "request",
            lambda request: (
                None
                if request.url.startswith((site_url, "data:", "blob:", "about:"))
                else elsewhere.append(request.url)
            ),
        )
        yield tab, elsewhere
        browser.close()


def test_pages_load_nothing_from_the_internet(page: tuple[Any, list[str]], site_url: str) -> None:
    tab, elsewhere = page
    for path in ("/", "/zh/", "/zh/quickstart/", "/reference/client/", "/zh/domain/"):
        tab.goto(site_url + path)
        tab.wait_for_load_state("networkidle")
    tab.goto(site_url + "/api/openapi/")
    frame = tab.frame_locator("iframe.swagger-ui-iframe")
    playwright_api.expect(frame.locator(".swagger-ui .info .title")).to_contain_text(
        "vehreg", timeout=HANG_GUARD_MS
    )
    tab.wait_for_load_state("networkidle")
    assert elsewhere == []


def test_chinese_search_finds_chinese_pages(page: tuple[Any, list[str]], site_url: str) -> None:
    tab, elsewhere = page
    tab.goto(site_url + "/zh/")
    search = tab.locator("input.md-search__input")
    search.click()
    # Material reads the query on the worker's "ready" message and on keyup, never on
    # `input` events. fill() alone (an input event, as an IME commit makes) was searched only
    # if it happened before the worker was ready; when the index was ready first (often on a
    # loaded machine) the query was never sent and the old 20 s wait ran out. So: wait until
    # the worker is ready (an event the page shows), then type and release a key as a user does.
    meta = tab.locator(".md-search-result__meta")
    playwright_api.expect(meta).not_to_have_text(SEARCH_INITIALISING_ZH, timeout=HANG_GUARD_MS)
    search.fill("整车编码")
    search.press("End")
    results = tab.locator(".md-search-result__item")
    playwright_api.expect(results.first).to_be_visible(timeout=HANG_GUARD_MS)
    links = [
        results.nth(i).locator("a").first.get_attribute("href") for i in range(results.count())
    ]
    assert any("/zh/" in (href or "") for href in links), links
    assert elsewhere == []
