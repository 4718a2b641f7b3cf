"""Fenced code blocks of the Markdown documentation, and the fragment marker.

A Python block runs in the test suite as written unless the last non-blank line before
its fence is a fragment marker, ``<!-- fragment -->`` (a reason may follow the word:
``<!-- fragment: needs a registration id -->``). docs/contributing-docs.md documents it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .conftest import DOCS, REPO

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
FRAGMENT = re.compile(r"^\s*<!--\s*fragment\b.*-->\s*$")
PYTHON = {"python", "py", "python3"}


@dataclass(frozen=True)
class CodeBlock:
    path: Path
    line: int  # 1-based line of the opening fence
    info: str  # the info string: language and attributes
    code: str
    fragment: bool

    @property
    def language(self) -> str:
        return self.info.split()[0].lower() if self.info.split() else ""

    @property
    def runs(self) -> bool:
        return self.language in PYTHON and not self.fragment

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def code_blocks(path: Path) -> list[CodeBlock]:
    """Every fenced block of ``path``, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not re.match(
            rf"^ {{0,3}}{fence[0]}{{{len(fence)},}}\s*$", lines[end]
        ):
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        before = next((text for text in reversed(lines[:index]) if text.strip()), "")
        blocks.append(
            CodeBlock(
                path=path,
                line=index + 1,
                info=opening["info"].strip(),
                code="\n".join(body) + "\n",
                fragment=bool(FRAGMENT.match(before)),
            )
        )
        index = end + 1
    return blocks


def documentation_files() -> list[Path]:
    """The Markdown a reader sees: both READMEs and everything under docs/."""
    readmes = [REPO / "README.md", REPO / "README.zh-CN.md"]
    return [path for path in readmes if path.exists()] + sorted(DOCS.rglob("*.md"))


def chinese_counterpart(english: Path) -> Path:
    return english.with_name(english.name[: -len(".md")] + ".zh.md")


def english_counterpart(chinese: Path) -> Path:
    return chinese.with_name(chinese.name[: -len(".zh.md")] + ".md")
