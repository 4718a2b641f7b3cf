"""Every Chinese page (`<page>.zh.md`) has its English page, and both show the same code."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import DOCS
from .markdown import code_blocks, english_counterpart

CHINESE = sorted(DOCS.rglob("*.zh.md"))

#: the guides the Chinese reader needs first (issue 18)
REQUIRED = [
    "index",
    "quickstart",
    "domain",
    "networks",
    "pos-integration",
    "labels",
    "bulk",
]


@pytest.mark.parametrize("name", REQUIRED)
def test_the_guide_exists_in_chinese(name: str) -> None:
    assert (DOCS / f"{name}.zh.md").is_file()


@pytest.mark.parametrize("chinese", CHINESE, ids=lambda p: str(p.relative_to(DOCS)))
def test_chinese_page_has_its_english_page_and_the_same_code(chinese: Path) -> None:
    english = english_counterpart(chinese)
    assert english.is_file(), f"{chinese} has no English page {english.name}"
    theirs = [(b.language, b.code.strip(), b.fragment) for b in code_blocks(english)]
    ours = [(b.language, b.code.strip(), b.fragment) for b in code_blocks(chinese)]
    assert ours == theirs, (
        f"{chinese.name} must show the code blocks of {english.name}, in the same order "
        "(and mark the same ones as fragments)"
    )


def test_the_chinese_readme_opens_with_the_same_set_up_commands() -> None:
    root = DOCS.parent
    english = code_blocks(root / "README.md")[:2]
    chinese = code_blocks(root / "README.zh-CN.md")[:2]
    assert len(english) == 2
    assert [b.code.strip() for b in chinese] == [b.code.strip() for b in english]
    first_lines = (root / "README.md").read_text(encoding="utf-8").splitlines()[:8]
    assert any("README.zh-CN.md" in line for line in first_lines), "link the Chinese README early"
