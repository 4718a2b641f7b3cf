"""Request signing shared by the client (to sign) and the sandbox (to verify).

The contract (docs/api/signing.md) signs lines joined by ``\\n``. Version 1.0:
method, path as sent, canonical query, timestamp, nonce, body digest. Version 1.1
appends the ``Idempotency-Key`` and ``Content-Type`` header values, so neither can be
swapped in transit. The request names its version in ``X-Vehreg-Signature-Version``
(absent means 1.0, which the bureau still accepts but marks deprecated).

The functions here default to 1.0: a 1.1 signature must say which ``Idempotency-Key``
and ``Content-Type`` the request carries, and a caller that does not pass them would
otherwise sign empty values and be refused. The client passes them and sends 1.1
(``DEFAULT_SIGNATURE_VERSION``).

Keep this module free of httpx and pydantic: the sandbox and non-client
tools import it, and it sits on every request's hot path.
"""

from __future__ import annotations

import hashlib
import hmac as _hmac
import re
import secrets
from collections.abc import Iterable
from typing import Final, Literal
from urllib.parse import parse_qsl, quote

SignatureMethod = Literal["HMAC-SHA256", "HMAC-SM3"]
SignatureVersion = Literal["1.0", "1.1"]

SIGNATURE_METHODS: Final[tuple[SignatureMethod, ...]] = ("HMAC-SHA256", "HMAC-SM3")
DEFAULT_SIGNATURE_METHOD: Final[SignatureMethod] = "HMAC-SHA256"
SIGNATURE_VERSIONS: Final[tuple[SignatureVersion, ...]] = ("1.0", "1.1")
#: what the client sends unless told otherwise
DEFAULT_SIGNATURE_VERSION: Final[SignatureVersion] = "1.1"
#: what a request without ``X-Vehreg-Signature-Version`` signs (deprecated)
LEGACY_SIGNATURE_VERSION: Final[SignatureVersion] = "1.0"

HEADER_KEY: Final = "X-Vehreg-Key"
HEADER_TIMESTAMP: Final = "X-Vehreg-Timestamp"
HEADER_NONCE: Final = "X-Vehreg-Nonce"
HEADER_METHOD: Final = "X-Vehreg-Signature-Method"
HEADER_SIGNATURE: Final = "X-Vehreg-Signature"
HEADER_VERSION: Final = "X-Vehreg-Signature-Version"
#: the two request headers a 1.1 signature covers, in the order they are signed
HEADER_IDEMPOTENCY_KEY: Final = "Idempotency-Key"
HEADER_CONTENT_TYPE: Final = "Content-Type"

NONCE_PATTERN: Final = re.compile(r"[A-Za-z0-9-]{16,64}")

# RFC 3986 unreserved characters stay as they are; everything else is %XX.
_UNRESERVED: Final = "-._~"


def _sm3_digest(data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes

    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def _sm3_hmac(key: bytes, data: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes, hmac

    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


def body_digest(body: bytes, method: SignatureMethod = DEFAULT_SIGNATURE_METHOD) -> str:
    """Lowercase hex digest of the body: SHA-256 or SM3, matching the signature method."""
    if method == "HMAC-SHA256":
        return hashlib.sha256(body).hexdigest()
    if method == "HMAC-SM3":
        return _sm3_digest(body).hex()
    raise ValueError(f"unsupported signature method: {method!r}")


def _encode(component: str) -> str:
    return quote(component, safe=_UNRESERVED)


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Pairs sorted by key then value, each ``k=v`` percent-encoded (RFC 3986), joined by ``&``."""
    encoded = sorted((_encode(k), _encode(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def canonical_query_from_string(raw_query: str) -> str:
    """Canonical form of a raw (already percent-encoded) query string as sent on the wire.

    Empty pairs (``q=a&&limit=2``, a leading or trailing ``&``) are dropped; a pair
    without ``=`` has an empty value (``flag`` -> ``flag=``); ``=x`` has an empty key.
    ``parse_qsl`` does exactly this, and so do the bureau's routes when they read the query.
    """
    if not raw_query:
        return ""
    return canonical_query(parse_qsl(raw_query, keep_blank_values=True))


def header_line(value: str | None) -> str:
    """A signed header's line: its value without surrounding spaces/tabs, or empty if absent."""
    return "" if value is None else value.strip(" \t")


def string_to_sign(
    *,
    method: str,
    path: str,
    query: str,
    timestamp: str,
    nonce: str,
    body: bytes,
    signature_method: SignatureMethod = DEFAULT_SIGNATURE_METHOD,
    version: SignatureVersion = LEGACY_SIGNATURE_VERSION,
    idempotency_key: str | None = None,
    content_type: str | None = None,
) -> str:
    """The lines of the contract. ``query`` is the raw query string as sent.

    1.0: six lines. 1.1: the same six, then the ``Idempotency-Key`` and ``Content-Type``
    values (each empty when the request does not carry the header).
    """
    lines = [
        method.upper(),
        path,
        canonical_query_from_string(query),
        timestamp,
        nonce,
        body_digest(body, signature_method),
    ]
    if version == "1.1":
        lines += [header_line(idempotency_key), header_line(content_type)]
    elif version != "1.0":
        raise ValueError(f"unsupported signature version: {version!r}")
    return "\n".join(lines)


def sign(
    secret: str,
    *,
    method: str,
    path: str,
    query: str,
    timestamp: str,
    nonce: str,
    body: bytes,
    signature_method: SignatureMethod = DEFAULT_SIGNATURE_METHOD,
    version: SignatureVersion = LEGACY_SIGNATURE_VERSION,
    idempotency_key: str | None = None,
    content_type: str | None = None,
) -> str:
    """Lowercase hex HMAC of :func:`string_to_sign` under ``secret``."""
    message = string_to_sign(
        method=method,
        path=path,
        query=query,
        timestamp=timestamp,
        nonce=nonce,
        body=body,
        signature_method=signature_method,
        version=version,
        idempotency_key=idempotency_key,
        content_type=content_type,
    ).encode("utf-8")
    key = secret.encode("utf-8")
    if signature_method == "HMAC-SHA256":
        return _hmac.new(key, message, hashlib.sha256).hexdigest()
    if signature_method == "HMAC-SM3":
        return _sm3_hmac(key, message).hex()
    raise ValueError(f"unsupported signature method: {signature_method!r}")


def new_nonce() -> str:
    """32 hex characters: inside the contract's 16..64 ``[A-Za-z0-9-]``."""
    return secrets.token_hex(16)


def signature_headers(
    *,
    app_key: str,
    secret: str,
    method: str,
    path: str,
    query: str,
    body: bytes,
    timestamp: int,
    nonce: str | None = None,
    signature_method: SignatureMethod = DEFAULT_SIGNATURE_METHOD,
    version: SignatureVersion = LEGACY_SIGNATURE_VERSION,
    idempotency_key: str | None = None,
    content_type: str | None = None,
) -> dict[str, str]:
    """The ``X-Vehreg-*`` headers for one request (with ``-Signature-Version`` for 1.1).

    For 1.1 pass the ``Idempotency-Key`` and ``Content-Type`` the request will carry.
    1.0 sends no version header, exactly as clients written before 1.1 did.
    """
    ts = str(timestamp)
    nonce = nonce or new_nonce()
    headers = {
        HEADER_KEY: app_key,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_METHOD: signature_method,
        HEADER_SIGNATURE: sign(
            secret,
            method=method,
            path=path,
            query=query,
            timestamp=ts,
            nonce=nonce,
            body=body,
            signature_method=signature_method,
            version=version,
            idempotency_key=idempotency_key,
            content_type=content_type,
        ),
    }
    if version != LEGACY_SIGNATURE_VERSION:
        headers[HEADER_VERSION] = version
    return headers


def signatures_match(expected: str, received: str) -> bool:
    """Constant-time comparison; the contract requires lowercase hex, so case matters."""
    return _hmac.compare_digest(expected.encode("ascii"), received.encode("ascii", "replace"))
