"""Verify the webhooks the bureau sends.

Each delivery carries ``Vehreg-Signature: t=<unix seconds>,v1=<hex>``, where ``<hex>`` is
HMAC-SHA256 of ``"<t>.<raw body>"`` under the endpoint's secret. While a secret is being
rotated the header may hold several ``v1=`` entries; one match is enough.

Verify the *raw* request body, before any JSON parsing or re-encoding::

    event = vehreg_sdk.webhooks.verify(request.body, request.headers["Vehreg-Signature"], secret)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from ._errors import WebhookVerificationError

# ASCII digits only, at most 12 of them: hostile headers must be rejected, never crash int().
_TIMESTAMP = re.compile(r"[0-9]{1,12}")

if TYPE_CHECKING:
    from .types.events import Event

__all__ = ["DEFAULT_TOLERANCE", "SIGNATURE_HEADER", "signature_header", "verify"]

SIGNATURE_HEADER: Final = "Vehreg-Signature"
#: seconds a delivery's timestamp may differ from now (replay window)
DEFAULT_TOLERANCE: Final = 300


def _mac(secret: str, timestamp: str, payload: bytes) -> str:
    message = timestamp.encode("ascii") + b"." + payload
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(
    payload: bytes, secret: str, timestamp: int | None = None, *, also: Sequence[str] = ()
) -> str:
    """The header value the bureau would send for ``payload`` (for tests and local tools).

    ``also``: more secrets to sign with, one ``v1=`` each (the previous secret while a
    rotation's grace period lasts).
    """
    t = str(int(time.time()) if timestamp is None else timestamp)
    return ",".join([f"t={t}", *(f"v1={_mac(s, t, payload)}" for s in (secret, *also))])


def _parse(header: str) -> tuple[str, list[str]]:
    timestamp = ""
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            timestamp = value.strip()
        elif key == "v1":
            signatures.append(value.strip())
    if not _TIMESTAMP.fullmatch(timestamp) or not signatures:
        raise WebhookVerificationError(
            "webhook.malformed_header",
            f"The {SIGNATURE_HEADER} header must look like t=<unix>,v1=<hex>",
            f"{SIGNATURE_HEADER} 请求头格式应为 t=<时间戳>,v1=<签名>",
        )
    return timestamp, signatures


def verify(
    payload: bytes,
    signature_header: str | None,
    secret: str,
    tolerance: int = DEFAULT_TOLERANCE,
) -> Event:
    """Check the signature and timestamp of one delivery and return its :class:`Event`.

    Raises :class:`~vehreg_sdk.WebhookVerificationError` (bilingual, with a ``code``) when
    the header is missing or malformed, the timestamp is more than ``tolerance`` seconds
    away from now, no ``v1`` signature matches, or the body is not an event.
    ``tolerance=0`` turns the timestamp check off (do that only in tests).
    """
    if not signature_header:
        raise WebhookVerificationError(
            "webhook.missing_header",
            f"The {SIGNATURE_HEADER} header is missing",
            f"缺少 {SIGNATURE_HEADER} 请求头",
        )
    if isinstance(payload, str):  # a common slip: the decoded text instead of the bytes
        payload = payload.encode("utf-8")
    timestamp, signatures = _parse(signature_header)
    if tolerance > 0 and abs(time.time() - int(timestamp)) > tolerance:
        raise WebhookVerificationError(
            "webhook.timestamp_out_of_tolerance",
            f"The webhook timestamp is more than {tolerance} s from now (replayed or clock skew)",
            f"Webhook 时间戳与当前时间相差超过 {tolerance} 秒（可能为重放或时钟偏差）",
        )
    expected = _mac(secret, timestamp, payload).encode("ascii")
    matches = (hmac.compare_digest(expected, c.encode("ascii", "replace")) for c in signatures)
    if not any(matches):
        raise WebhookVerificationError(
            "webhook.signature_mismatch",
            "No webhook signature matches this secret and body",
            "Webhook 签名与密钥和请求内容不匹配",
        )
    from pydantic import ValidationError

    from .types.events import Event

    try:
        return Event.model_validate_json(payload)
    except ValidationError:
        raise WebhookVerificationError(
            "webhook.invalid_payload",
            "The webhook body is not a valid event",
            "Webhook 内容不是有效的事件",
        ) from None
