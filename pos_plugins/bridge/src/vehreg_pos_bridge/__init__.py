"""vehreg-pos-bridge: the local POS bridge (clerk page + JSON API on 127.0.0.1:8790).

Imports only the public API of ``vehreg_sdk``. Run it with ``vehreg pos serve``.
"""

from .app import BridgeConfig, BridgeState, create_app
from .security import KEYRING_SERVICE, TOKEN_USERNAME, get_or_create_token
from .server import BridgeConfigError, BridgeServer, check_bind, serve

__all__ = [
    "KEYRING_SERVICE",
    "TOKEN_USERNAME",
    "BridgeConfig",
    "BridgeConfigError",
    "BridgeServer",
    "BridgeState",
    "check_bind",
    "create_app",
    "get_or_create_token",
    "serve",
]
