"""Normalising what a clerk types: full-width characters, stray spaces, case."""

from __future__ import annotations

import unicodedata


def normalize(value: str) -> str:
    """NFKC (full-width ``１２３ＡＢＣ`` -> ``123ABC``), then drop control characters and strip."""
    # Fast path: printable ASCII is already NFKC and has no control characters.
    if value.isascii() and value.isprintable():
        return value.strip()
    text = unicodedata.normalize("NFKC", value)
    # isprintable() is False for every category-C character (and for non-ASCII
    # spaces, which NFKC has already turned into ASCII ones where it can), so a
    # printable text needs no per-character filtering.
    if text.isprintable():
        return text.strip()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


def normalize_code(value: str) -> str:
    """A code typed or scanned: normalised, inner spaces removed, upper case."""
    if value.isascii():
        if value.isalnum():
            return value.upper()
        if value.isprintable():
            # Printable ASCII is already NFKC, and its only whitespace is the space.
            return value.replace(" ", "").upper()
    return normalize(value).replace(" ", "").upper()
