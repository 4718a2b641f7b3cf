"""Offline check of a bureau-signed plate token (号牌令牌).

A plate token is a compact JWS (EdDSA / Ed25519) with header
``{"alg": "EdDSA", "kid": ..., "typ": "vehreg-plate+jws"}`` and claims
``{"iss", "plate", "registration_id", "vehicle_code", "store_id", "iat"}``. The
QR code on a plate label carries the token itself, so anyone holding the
bureau's published keys (``GET /v1/keys``, a JWKS) can check a label with no
network: :func:`verify_token`. Keep an offline copy of the keys with
:func:`save_jwks` / :func:`load_jwks`.

This module never touches the network.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import _jws

__all__ = [
    "MalformedTokenError",
    "PlateClaims",
    "PlateTokenError",
    "TokenTamperedError",
    "UnknownKeyError",
    "decode_unverified",
    "extract_token",
    "load_jwks",
    "save_jwks",
    "verify_token",
]

ISSUER = "vehreg-sandbox"
_REQUIRED_STR_CLAIMS = ("plate", "registration_id", "vehicle_code", "store_id")
# Three base64url segments; used to pull a token out of a URI or scanned text.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


class PlateTokenError(Exception):
    """A plate token is not genuine or cannot be read. ``message_zh`` carries the Chinese text."""

    code = "plate_token.invalid"

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(f"{message} / {message_zh}")
        self.message = message
        self.message_zh = message_zh


class MalformedTokenError(PlateTokenError):
    """Not a compact JWS plate token at all (wrong shape, bad base64url or JSON, missing claims)."""

    code = "plate_token.malformed"


class TokenTamperedError(PlateTokenError):
    """The signature does not match the content: the token was altered (for example the plate)."""

    code = "plate_token.tampered"


class UnknownKeyError(PlateTokenError):
    """The token names a key (``kid``) that the key set does not hold."""

    code = "plate_token.unknown_key"


@dataclass(frozen=True, slots=True)
class PlateClaims:
    """What a genuine plate token says. ``issued_at`` is timezone-aware (UTC)."""

    plate: str
    registration_id: str
    vehicle_code: str
    store_id: str
    issued_at: datetime
    kid: str
    issuer: str = ISSUER


def extract_token(text: str) -> str:
    """The compact JWS inside ``text``: the bare token, or a URI that wraps it (``...?t=TOKEN``).

    Raises :class:`MalformedTokenError` when there is none.
    """
    stripped = text.strip()
    if _TOKEN_RE.fullmatch(stripped):
        return stripped
    # In a URI the host name (a.b.c) matches too; a token is far longer than any host name.
    found = _TOKEN_RE.findall(stripped)
    if found:
        return str(max(found, key=len))
    raise MalformedTokenError("the text does not contain a plate token", "内容中没有号牌令牌")


def _split(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    try:
        return _jws.split_compact(extract_token(token))
    except _jws.MalformedToken as exc:
        raise MalformedTokenError(
            f"the plate token is malformed: {exc}", "号牌令牌格式错误"
        ) from exc


def _claims_from(header: dict[str, Any], claims: dict[str, Any]) -> PlateClaims:
    if header.get("alg") != _jws.ALGORITHM or header.get("typ") != _jws.TOKEN_TYPE:
        raise MalformedTokenError(
            "the token is not a vehreg plate token (alg/typ)", "不是号牌令牌（alg/typ 不符）"
        )
    kid = header.get("kid")
    missing = [name for name in _REQUIRED_STR_CLAIMS if not isinstance(claims.get(name), str)]
    iat = claims.get("iat")
    if not isinstance(kid, str) or missing or not isinstance(iat, int) or isinstance(iat, bool):
        raise MalformedTokenError(
            "the plate token lacks kid, iat or one of " + ", ".join(_REQUIRED_STR_CLAIMS),
            "号牌令牌缺少必要字段",
        )
    try:
        issued_at = datetime.fromtimestamp(iat, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise MalformedTokenError("the issue time is out of range", "签发时间超出范围") from exc
    return PlateClaims(
        plate=claims["plate"],
        registration_id=claims["registration_id"],
        vehicle_code=claims["vehicle_code"],
        store_id=claims["store_id"],
        issued_at=issued_at,
        kid=kid,
        issuer=str(claims.get("iss", "")),
    )


def decode_unverified(token: str) -> PlateClaims:
    """Read the claims WITHOUT checking the signature (to show what a label claims to be).

    Never trust the result; use :func:`verify_token` for that.
    """
    header, claims, _, _ = _split(token)
    return _claims_from(header, claims)


def _keys(jwks: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    keys = jwks.get("keys") if isinstance(jwks, dict) else jwks
    if not isinstance(keys, list):
        raise ValueError('a JWKS is {"keys": [...]}')
    return [key for key in keys if isinstance(key, dict)]


def verify_token(
    token: str, jwks: dict[str, Any] | list[dict[str, Any]], *, issuer: str | None = ISSUER
) -> PlateClaims:
    """Check the token's signature against the bureau's keys, offline, and return its claims.

    ``jwks`` is the JSON of ``GET /v1/keys`` (or its ``keys`` list). ``token`` may also be a
    URI that wraps the token. Raises :class:`MalformedTokenError`, :class:`UnknownKeyError`
    (``kid`` not in the key set) or :class:`TokenTamperedError` (signature does not match,
    including a token signed by some other key under a known ``kid``). ``issuer=None``
    accepts any ``iss``.
    """
    header, claims, signing_input, signature = _split(token)
    result = _claims_from(header, claims)
    candidates = [key for key in _keys(jwks) if key.get("kid") == result.kid]
    if not candidates:
        raise UnknownKeyError(
            f"the token was signed with key {result.kid!r}, which the bureau's key set does not "
            "hold: not genuine, or the key set is out of date",
            f"令牌的签名密钥 {result.kid!r} 不在车管所公钥集中：非真品，或公钥集需要更新",
        )
    for key in candidates:
        try:
            public_key = _jws.public_key_from_jwk(key)
        except ValueError:
            continue
        if _jws.verify_signature(public_key, signing_input, signature):
            if issuer is not None and result.issuer != issuer:
                raise TokenTamperedError(
                    f"the token was issued by {result.issuer!r}, not {issuer!r}",
                    f"令牌签发方为 {result.issuer!r}，不是 {issuer!r}",
                )
            return result
    raise TokenTamperedError(
        "the signature does not match: the token was altered or forged",
        "签名不符：令牌已被篡改或伪造",
    )


def load_jwks(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read an offline copy of the bureau's key set written by :func:`save_jwks`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    _keys(data)
    return dict(data)


def save_jwks(path: str | os.PathLike[str], jwks: dict[str, Any]) -> Path:
    """Write the key set atomically (temp file + replace), so a crash never leaves half a file."""
    _keys(jwks)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".jwks-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(jwks, handle, ensure_ascii=False, indent=2)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
