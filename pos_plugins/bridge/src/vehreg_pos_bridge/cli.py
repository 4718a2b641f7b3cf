"""The entry point ``vehreg pos serve`` loads (group ``vehreg_sdk.cli``)."""

from __future__ import annotations

from typing import Any


def serve(**options: Any) -> None:
    from .server import serve as run

    run(**options)


def token(*, rotate: bool = False) -> str:
    from .security import get_or_create_token

    return get_or_create_token(rotate=rotate)
