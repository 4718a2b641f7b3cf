"""A griffe extension for the API reference: the docstrings' Sphinx roles, read as Markdown.

The docstrings say ``:class:`~vehreg_sdk.APIResponse``` and end a sentence with ``::`` before
an example, as Sphinx would. mkdocstrings reads Markdown, so the reference showed the role
names. This turns a role into a code span (``~`` keeps the last component, as in Sphinx) and a
trailing ``::`` into ``:`` (the indented example below it is already a Markdown code block).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(
    r":(?:py:)?(?:class|meth|func|attr|mod|exc|data|obj|const|ref|doc):`(?P<tilde>~?)(?P<target>[^`]+)`"
)
_LITERAL_BLOCK = re.compile(r"(?<=\S)::[ \t]*$", re.MULTILINE)
_BARE_LITERAL_BLOCK = re.compile(r"^[ \t]*::[ \t]*$", re.MULTILINE)


def _code_span(match: re.Match[str]) -> str:
    target = match["target"].strip()
    titled = re.fullmatch(r"(?P<title>.+?)\s*<(?P<ref>[^>]+)>", target)
    if titled:
        return f"`{titled['title']}`"
    shown = target.rsplit(".", 1)[-1] if match["tilde"] else target
    return f"`{shown}`"


def plain_markdown(text: str) -> str:
    text = _ROLE.sub(_code_span, text)
    text = _BARE_LITERAL_BLOCK.sub("", text)
    return _LITERAL_BLOCK.sub(":", text)


class SphinxRoles(griffe.Extension):
    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = plain_markdown(obj.docstring.value)
