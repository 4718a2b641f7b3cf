"""vehreg-pos-bridge: the local POS bridge (clerk page + JSON API on 127.0.0.1:8790).

Imports only the public API of ``vehreg_sdk``. Run it with ``vehreg pos serve``.
"""

from .app import BridgeConfig, BridgeState, create_app
from .security import (
    ENV_TOKEN,
    KEYRING_SERVICE,
    TOKEN_USERNAME,
    TokenRotationError,
    TokenStore,
    get_or_create_token,
    token_file,
)
from .server import BridgeConfigError, BridgePortBusy, BridgeServer, check_bind, serve

__all__ = [
    "ENV_TOKEN",
    "KEYRING_SERVICE",
    "TOKEN_USERNAME",
    "BridgeConfig",
    "BridgeConfigError",
    "BridgePortBusy",
    "BridgeServer",
    "BridgeState",
    "TokenRotationError",
    "TokenStore",
    "check_bind",
    "create_app",
    "get_or_create_token",
    "serve",
    "token_file",
]
