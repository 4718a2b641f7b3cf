"""Console output that never fails on the console's encoding.

A Windows till prints to a cp936 (GBK) console, a service's log is cp936 or cp1252, and
output piped or redirected there is encoded the same way: ``✓``, ``✗``, ``⚠`` and ``¥``
are not in GBK, and no Chinese is in cp1252. Python raises ``UnicodeEncodeError`` for
them, which once made ``vehreg bulk submit 学校.csv > log.txt`` register every row and
then exit 2. :func:`make_streams_safe` gives stdout and stderr an error handler that
degrades instead: each symbol becomes the nearest one that the encoding has (``√``,
``×``, ``!``, ``￥`` exist in every Chinese code page), anything else becomes ``?``.
A UTF-8 console is left exactly as it is.
"""

from __future__ import annotations

import codecs
import sys
from typing import TextIO

ERROR_HANDLER = "vehreg-console"

# Nearest stand-ins, best first; the first that the target encoding can encode wins.
_STAND_INS: dict[str, tuple[str, ...]] = {
    "✓": ("√", "v"),
    "✔": ("√", "v"),
    "✗": ("×", "x"),
    "✘": ("×", "x"),
    "⚠": ("！", "!"),
    "¥": ("￥", "CNY "),
    "￥": ("¥", "CNY "),
    "…": ("…", "..."),
    "—": ("—", "-"),
    "–": ("-",),
    "→": ("→", "->"),
    "←": ("←", "<-"),
    "·": ("·", "."),
    "•": ("·", "*"),
    "│": ("|",),
    "─": ("-",),
    "━": ("-",),
    "█": ("#",),
    "░": (".",),
    "\u2018": ("'",),
    "\u2019": ("'",),
    "\u201c": ('"',),
    "\u201d": ('"',),
}


def _degrade(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        for candidate in (*_STAND_INS.get(char, ()), "?"):
            try:
                candidate.encode(error.encoding)
            except (UnicodeEncodeError, LookupError):
                continue
            out.append(candidate)
            break
    return "".join(out), error.end


codecs.register_error(ERROR_HANDLER, _degrade)


def _is_utf(encoding: str | None) -> bool:
    return (encoding or "").lower().replace("-", "").replace("_", "").startswith("utf")


def make_safe(stream: TextIO | None) -> None:
    """Make ``stream`` degrade characters its encoding lacks instead of raising."""
    if stream is None or _is_utf(getattr(stream, "encoding", None)):
        return
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors=ERROR_HANDLER)


def make_streams_safe() -> None:
    """Apply :func:`make_safe` to ``sys.stdout`` and ``sys.stderr`` (called by ``vehreg``)."""
    make_safe(sys.stdout)
    make_safe(sys.stderr)
