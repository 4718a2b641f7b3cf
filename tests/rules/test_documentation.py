"""docs/rules.md documents every violation code the rules can produce."""

from __future__ import annotations

import re
from pathlib import Path

from vehreg_sdk.rules import DEFAULT_STANDARDS, bike_vs_certificate, ccc

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "src" / "vehreg_sdk" / "rules"


def _codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in RULES.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'violation\(\s*"([a-z_0-9]+\.[a-z_0-9.]+)"', text))
        for prefix in re.findall(r'code="([a-z_]+)"', text):
            found |= {f"{prefix}.required", f"{prefix}.type", f"{prefix}.format"}
    found |= {code for code, _, _ in ccc._STATES.values() if code}
    found |= {code for _, code, _, _ in bike_vs_certificate._IDENTITY}
    found |= {limit.code for rs in DEFAULT_STANDARDS.values() for limit in rs.limits}
    return found


def test_every_code_is_documented() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    codes = _codes_in_source()
    assert len(codes) > 60
    generic = re.compile(r"\.(required|type|format)$")
    missing = [
        code
        for code in sorted(codes)
        if f"`{code}`" not in docs and not (generic.search(code) and code.split(".")[0] in docs)
    ]
    assert missing == []
