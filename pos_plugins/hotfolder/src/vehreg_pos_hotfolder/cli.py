"""The entry point ``vehreg pos watch`` loads (group ``vehreg_sdk.cli``)."""

from __future__ import annotations

from typing import Any


def watch(**options: Any) -> None:
    from .run import watch as run

    run(**options)
