"""The ``vehreg_sdk`` logger: what happened on the wire, never what was in it.

``VEHREG_LOG=info`` logs one line per request (method, path, status, request id,
retries, time); ``VEHREG_LOG=debug`` adds each attempt and the request headers, with
the signature redacted. Bodies are never logged. Every record that passes through the
logger has ID numbers and mobiles masked, whoever formatted it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from typing import Final

from .privacy import masked_logger

__all__ = ["logger", "redact_headers", "setup_from_env"]

logger: Final = masked_logger("vehreg_sdk")

#: headers whose values never appear in a log line
SENSITIVE_HEADERS: Final = frozenset(
    {
        "x-vehreg-signature",
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "vehreg-signature",
    }
)


_configured = False


def setup_from_env() -> None:
    """Honour ``VEHREG_LOG`` once per process: attach a stderr handler at that level."""
    global _configured
    if _configured:
        return
    _configured = True
    level_name = os.environ.get("VEHREG_LOG", "").strip().lower()
    if level_name not in {"debug", "info", "warning", "error"}:
        return
    logger.setLevel(level_name.upper())
    if not any(getattr(h, "_vehreg", False) for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s %(name)s] %(message)s"))
        handler._vehreg = True  # type: ignore[attr-defined]
        logger.addHandler(handler)


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header dict safe to log: signature and auth values become ``<redacted>``."""
    return {
        name: ("<redacted>" if name.lower() in SENSITIVE_HEADERS else value)
        for name, value in headers
    }
