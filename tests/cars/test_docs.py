"""docs/rules-cars.md documents every violation code the car rules can produce."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_car_rule_code_is_documented() -> None:
    found: set[str] = set()
    for path in (ROOT / "src" / "vehreg_sdk" / "rules" / "cars").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'(?:violation|routed)\(\s*"([a-z_0-9]+\.[a-z_0-9.]+)"', text))
    assert len(found) > 20
    docs = (ROOT / "docs" / "rules-cars.md").read_text(encoding="utf-8")
    assert sorted(code for code in found if f"`{code}`" not in docs) == []


def test_every_new_api_page_exists_with_curl() -> None:
    for page in (
        "car-certificates",
        "purchase-tax",
        "plate-selections",
        "vehicle-registrations",
        "photo-requirements",
    ):
        text = (ROOT / "docs" / "api" / f"{page}.md").read_text(encoding="utf-8")
        assert "call " in text or "curl" in text, page
        assert f"({page}.md)" in (ROOT / "docs" / "api" / "README.md").read_text(encoding="utf-8")
