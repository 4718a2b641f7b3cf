"""vehreg-sdk: the dealer side of vehicle registration at the point of sale.

``import vehreg_sdk`` is cheap: the client, the error classes and everything
else are imported on first use (PEP 562 module ``__getattr__``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from . import credentials, labels, plates, privacy, rules, types, webhooks  # noqa: F401
    from ._client import AsyncVehregClient, VehregClient
    from ._errors import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConflictError,
        CredentialsError,
        InternalServerError,
        LocalValidationError,
        NotFoundError,
        PermissionDeniedError,
        RateLimitError,
        UnprocessableEntityError,
        VehregError,
        WaitTimeoutError,
        WebhookVerificationError,
    )
    from ._response import APIResponse

_LAZY: dict[str, str] = {
    "VehregClient": "._client",
    "AsyncVehregClient": "._client",
    "VehregError": "._errors",
    "APIStatusError": "._errors",
    "APIConnectionError": "._errors",
    "APITimeoutError": "._errors",
    "BadRequestError": "._errors",
    "AuthenticationError": "._errors",
    "PermissionDeniedError": "._errors",
    "NotFoundError": "._errors",
    "ConflictError": "._errors",
    "UnprocessableEntityError": "._errors",
    "RateLimitError": "._errors",
    "InternalServerError": "._errors",
    "LocalValidationError": "._errors",
    "ConfigurationError": "._errors",
    "CredentialsError": "._errors",
    "WaitTimeoutError": "._errors",
    "WebhookVerificationError": "._errors",
    "APIResponse": "._response",
}
_SUBMODULES = frozenset(
    {
        "types",
        "rules",
        "privacy",
        "plates",
        "webhooks",
        "labels",
        "outbox",
        "bulk",
        "pos",
        "sandbox",
        "credentials",
    }
)

# A literal list, so type checkers see the lazy names as this module's public API.
__all__ = [
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncVehregClient",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "ConflictError",
    "CredentialsError",
    "InternalServerError",
    "LocalValidationError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "UnprocessableEntityError",
    "VehregClient",
    "VehregError",
    "WaitTimeoutError",
    "WebhookVerificationError",
    "__version__",
]


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is not None:
        value = getattr(import_module(module_name, __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        module = import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'vehreg_sdk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_SUBMODULES])
