"""The settings of one client: frozen, so a client and its ``with_options`` copies never race."""

from __future__ import annotations

import math
import os
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
#: seconds to wait for the bureau when no ``timeout=`` is given (overrides DEFAULT_TIMEOUT)
ENV_TIMEOUT: Final = "VEHREG_TIMEOUT"
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


def default_timeout() -> float:
    """``$VEHREG_TIMEOUT`` in seconds when set, else :data:`DEFAULT_TIMEOUT` (30 s).

    The client's default, and the default of every ``vehreg`` command that calls the
    bureau: a till or a cron job on a bad line sets it once. A value that is not a
    positive number raises :class:`~vehreg_sdk.ConfigurationError` naming the variable.
    """
    raw = os.environ.get(ENV_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        from ._errors import ConfigurationError

        raise ConfigurationError(
            ENV_TIMEOUT,
            f"{ENV_TIMEOUT}={raw!r} is not a number of seconds above 0 (e.g. {ENV_TIMEOUT}=10)",
            f"环境变量 {ENV_TIMEOUT}={raw!r} 不是大于 0 的秒数（例如 {ENV_TIMEOUT}=10）",
        )
    return value


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
