"""The documentation site builds with `mkdocs build --strict`, in both languages, with the
API reference, and every asset it loads is served from the site itself (no CDN)."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .conftest import DOCS, REPO, run_mkdocs

#: every public module the reference documents, and the names each page must show
REFERENCE: dict[str, str | tuple[str, ...]] = {
    "client": "VehregClient",
    "resources": (
        "EbikeRegistrations",
        "CarCertificates",
        "PurchaseTaxResource",
        "PlateSelections",
        "VehicleRegistrations",
        "PhotoRequirements",
    ),
    "types": ("EbikeVehicle", "CarCertificate", "PlateSelection", "VehicleRegistration"),
    "rules": ("check_ebike_registration", "check_car_registration", "compare_purchase_tax"),
    "labels": "PlateLabel",
    "outbox": "Outbox",
    "pos": "PluginHost",
    "plates": "verify_token",
    "webhooks": "verify",
    "privacy": "mask_id_number",
    "errors": "LocalValidationError",
}


class _Assets(HTMLParser):
    """Collects every URL a browser would fetch by itself when showing the page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "source", "audio", "video"} and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            rel = (values.get("rel") or "").lower()
            if rel not in {"canonical", "alternate", "prev", "next"}:
                self.urls.append(values["href"] or "")


def test_both_languages_and_the_reference_are_built(built_site: Path) -> None:
    assert (built_site / "index.html").is_file()
    assert (built_site / "zh" / "index.html").is_file()
    for page, names in REFERENCE.items():
        html = (built_site / "reference" / page / "index.html").read_text(encoding="utf-8")
        assert 'id="vehreg_sdk.' in html, page
        for name in (names,) if isinstance(names, str) else names:
            assert name in html, (page, name)
        # docs/_ext/sphinx_roles.py turns the docstrings' Sphinx roles into code spans
        assert not re.search(r":(class|meth|func|attr|mod|exc):`", html), page
    openapi = (built_site / "api" / "openapi" / "index.html").read_text(encoding="utf-8")
    assert "swagger-ui-iframe" in openapi
    assert (built_site / "api" / "openapi.yaml").read_bytes() == (
        DOCS / "api" / "openapi.yaml"
    ).read_bytes()


def test_every_chinese_page_switches_to_its_english_page(built_site: Path) -> None:
    chinese = sorted(DOCS.rglob("*.zh.md"))
    assert chinese
    for page in chinese:
        relative = page.relative_to(DOCS).with_suffix("").with_suffix("")
        route = relative.parent if relative.name == "index" else relative
        html = (built_site / "zh" / route / "index.html").read_text(encoding="utf-8")
        assert 'lang="zh"' in html, page
        assert re.search(r'<a href="[^"]*" hreflang="en" class="md-select__link', html), page


def test_search_segments_chinese(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["lang"] == ["en", "zh"]
    assert r"\u200b" in index["config"]["separator"]  # a JavaScript regex: the escape itself
    # jieba (installed with the docs extra) puts zero-width spaces between Chinese words
    chinese = [doc["text"] for doc in index["docs"] if doc["location"].startswith("zh/")]
    assert any(re.search("[\u4e00-\u9fff]\u200b[\u4e00-\u9fff]", text) for text in chinese)


def test_no_asset_comes_from_the_internet(built_site: Path) -> None:
    pages = list(built_site.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{page}: {url}"
            if parts.path:
                # 404.html links from the site root: it is served for any missing path
                base = built_site if parts.path.startswith("/") else page.parent
                target = (base / parts.path.lstrip("/")).resolve()
                if target.is_dir():
                    target = target / "index.html"
                assert target.exists(), f"{page}: {url} is missing"
    for sheet in built_site.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), sheet
        assert "@import" not in text or "//" not in text.split("@import", 1)[1][:80], sheet
    # Material's bundle fetches mermaid from a CDN only when a page has a mermaid diagram
    for markdown in DOCS.rglob("*.md"):
        assert "```mermaid" not in markdown.read_text(encoding="utf-8"), markdown
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["theme"]["font"] is False


def _copy_site_source(tmp_path: Path) -> Path:
    shutil.copytree(DOCS, tmp_path / "docs")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            handler = plugin["mkdocstrings"]["handlers"]["python"]
            handler["paths"] = [str(REPO / "src")]
    path = tmp_path / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def test_a_broken_link_or_a_missing_reference_fails_the_build(tmp_path: Path) -> None:
    config = _copy_site_source(tmp_path)
    quickstart = tmp_path / "docs" / "quickstart.md"
    original = quickstart.read_text(encoding="utf-8")

    quickstart.write_text(original + "\nSee [the guide](no-such-page.md).\n", encoding="utf-8")
    result = run_mkdocs(config, tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stdout + result.stderr

    quickstart.write_text(original + "\n::: vehreg_sdk.no_such_module\n", encoding="utf-8")
    result = run_mkdocs(config, tmp_path / "site")
    assert result.returncode != 0
    assert "vehreg_sdk.no_such_module" in result.stdout + result.stderr
