"""The entry point ``vehreg pos serve`` loads (group ``vehreg_sdk.cli``)."""

from __future__ import annotations

from typing import Any


def serve(**options: Any) -> None:
    from .server import serve as run

    run(**options)


def token(*, rotate: bool = False) -> str:
    """The token for the POS configuration; notices (a fallback to the file) go to stderr,
    so ``$(vehreg pos token)`` captures the token alone."""
    from .security import TokenStore

    return TokenStore().get_or_create(rotate=rotate)
