"""The sandbox bureau: the contract of docs/api/ enforced with real state and real rules.

Public API (imports are lazy, so ``import vehreg_sdk.sandbox`` stays cheap)::

    from vehreg_sdk.sandbox import create_app, SandboxServer, DEMO_DEALERS

    app = create_app()                       # ASGI app, for httpx.ASGITransport
    with SandboxServer() as sandbox:         # uvicorn on 127.0.0.1, background thread
        sandbox.base_url                     # "http://127.0.0.1:<port>"
        sandbox.dealers[0].app_key, sandbox.dealers[0].app_secret
        sandbox.dealers[0].store_ids

Test helpers live in :mod:`vehreg_sdk.sandbox.seed` (sellable and stolen
vehicle codes, fictional owners, complete request bodies).
Needs the ``sandbox`` extra: ``pip install vehreg-sdk[sandbox]``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import create_app
    from .seed import DEMO_DEALERS, DemoDealer, DemoStore
    from .server import SandboxServer

_LAZY = {
    "create_app": ".app",
    "SandboxServer": ".server",
    "DEMO_DEALERS": ".seed",
    "DemoDealer": ".seed",
    "DemoStore": ".seed",
}

__all__ = ["DEMO_DEALERS", "DemoDealer", "DemoStore", "SandboxServer", "create_app"]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vehreg_sdk.sandbox' has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
