"""The settings of one client: frozen, so a client and its ``with_options`` copies never race."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ._signing import (
    DEFAULT_SIGNATURE_METHOD,
    DEFAULT_SIGNATURE_VERSION,
    SignatureMethod,
    SignatureVersion,
)

if TYPE_CHECKING:
    import httpx

DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_CONNECT_TIMEOUT: Final = 5.0
DEFAULT_MAX_RETRIES: Final = 2
#: the backoff before retry ``n`` (0-based) is ``min(INITIAL * 2**n, MAX)`` with jitter
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
#: jitter never takes a delay below this
MIN_RETRY_DELAY: Final = 0.1
#: ``Retry-After`` above this is capped
MAX_RETRY_AFTER: Final = 60.0

#: paths the bureau does not authenticate (signing them anyway is harmless; we skip the work)
UNSIGNED_PATHS: Final = frozenset({"/v1/health", "/v1/keys", "/openapi.json"})


@dataclass(frozen=True, slots=True)
class ClientOptions:
    """Resolved settings. ``app_secret`` never appears in ``repr()``."""

    base_url: str
    app_key: str
    app_secret: str = field(repr=False)
    signature_method: SignatureMethod = DEFAULT_SIGNATURE_METHOD
    #: "1.1" also signs Idempotency-Key and Content-Type; "1.0" is deprecated
    signature_version: SignatureVersion = DEFAULT_SIGNATURE_VERSION
    #: seconds, an ``httpx.Timeout`` or None
    timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    default_headers: Mapping[str, str] = field(default_factory=dict)
