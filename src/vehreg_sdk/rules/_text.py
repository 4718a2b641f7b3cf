"""Normalising what a clerk types: full-width characters, stray spaces, case."""

from __future__ import annotations

import unicodedata


def normalize(value: str) -> str:
    """NFKC (full-width ``１２３ＡＢＣ`` -> ``123ABC``), then strip spaces and control characters."""
    text = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


def normalize_code(value: str) -> str:
    """A code typed or scanned: normalised, inner spaces removed, upper case."""
    return normalize(value).replace(" ", "").upper()
