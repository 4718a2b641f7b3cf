"""Offline check of a bureau-signed plate token (号牌令牌).

A plate token is a compact JWS (EdDSA / Ed25519) with header
``{"alg": "EdDSA", "kid": ..., "typ": "vehreg-plate+jws"}`` and claims
``{"iss", "plate", "registration_id", "vehicle_code", "store_id", "iat"}``. The
QR code on a plate label carries the token itself, so anyone holding the
bureau's published keys (``GET /v1/keys``, a JWKS) can check a label with no
network: :func:`verify_token`. Keep an offline copy of the keys with
:func:`save_jwks` / :func:`load_jwks`. A key set is the
:class:`~vehreg_sdk.types.Jwks` that ``client.keys.retrieve()`` returns, or its
JSON (a dict ``{"keys": [...]}``, or the bare ``keys`` list).

Every error is a :class:`PlateTokenError` with the text in English and Chinese;
a key set that is not one raises :class:`InvalidJwksError`.

This module never touches the network.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from . import _jws
from ._errors import VehregError

if TYPE_CHECKING:
    from .types.keys import Jwks

__all__ = [
    "InvalidJwksError",
    "JwksLike",
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


class PlateTokenError(VehregError):
    """A plate token is not genuine or cannot be read. ``message_zh`` carries the Chinese text."""

    code = "plate_token.invalid"


class MalformedTokenError(PlateTokenError):
    """Not a compact JWS plate token at all (wrong shape, bad base64url or JSON, missing claims)."""

    code = "plate_token.malformed"


class TokenTamperedError(PlateTokenError):
    """The signature does not match the content: the token was altered (for example the plate)."""

    code = "plate_token.tampered"


class UnknownKeyError(PlateTokenError):
    """The token names a key (``kid``) that the key set does not hold."""

    code = "plate_token.unknown_key"


class InvalidJwksError(PlateTokenError, ValueError):
    """What was given as the bureau's key set is not a JWKS (``{"keys": [...]}``).

    Also a :class:`ValueError`, as it was before it had its own class.
    """

    code = "plate_token.invalid_jwks"


#: A key set as :func:`verify_token` and :func:`save_jwks` take it: the ``Jwks`` model of
#: ``client.keys.retrieve()``, the JWKS JSON (``{"keys": [...]}``) or its ``keys`` list.
JwksLike: TypeAlias = "Jwks | Mapping[str, Any] | Sequence[Mapping[str, Any]]"


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


def _keys(jwks: object) -> list[Mapping[str, Any]]:
    """The key objects of ``jwks`` (see :data:`JwksLike`); :class:`InvalidJwksError` if none."""
    if isinstance(jwks, Mapping):
        keys = jwks.get("keys")
    elif isinstance(jwks, list | tuple):
        keys = jwks
    else:  # the Jwks model (duck-typed: this module does not import pydantic)
        keys = getattr(jwks, "keys", None)
    if not isinstance(keys, list | tuple):
        raise InvalidJwksError(
            'the bureau\'s key set must be a JWKS, {"keys": [...]} as GET /v1/keys returns '
            f"it, not {type(jwks).__name__}",
            '车管所公钥集格式错误：应为 GET /v1/keys 返回的 JWKS（{"keys": [...]}）',
        )
    return [key for key in keys if isinstance(key, Mapping)]


def _document(jwks: object) -> dict[str, Any]:
    """The JWKS JSON document of ``jwks`` (a model is dumped; a bare list is wrapped)."""
    keys = [dict(key) for key in _keys(jwks)]
    if isinstance(jwks, Mapping):
        return {**jwks, "keys": keys}
    dump = getattr(jwks, "model_dump", None)
    if callable(dump):
        document = dump(mode="json")
        if isinstance(document, dict):
            return {**document, "keys": keys}
    return {"keys": keys}


def verify_token(token: str, jwks: JwksLike, *, issuer: str | None = ISSUER) -> PlateClaims:
    """Check the token's signature against the bureau's keys, offline, and return its claims.

    ``jwks`` is what ``client.keys.retrieve()`` returns (:class:`~vehreg_sdk.types.Jwks`),
    or the JSON of ``GET /v1/keys`` as a dict (or its ``keys`` list), for example from
    :func:`load_jwks`. ``token`` may also be a URI that wraps the token. Raises
    :class:`MalformedTokenError`, :class:`UnknownKeyError` (``kid`` not in the key set),
    :class:`TokenTamperedError` (signature does not match, including a token signed by
    some other key under a known ``kid``) or :class:`InvalidJwksError` (``jwks`` is not a
    key set). ``issuer=None`` accepts any ``iss``.
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
            public_key = _jws.public_key_from_jwk(dict(key))
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
    """Read an offline copy of the bureau's key set written by :func:`save_jwks`.

    Raises :class:`InvalidJwksError` when the file holds no JWKS (``OSError`` when it
    cannot be read at all).
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidJwksError(
            f"{os.fspath(path)} is not a saved key set (not JSON: {exc})",
            f"{os.fspath(path)} 不是已保存的车管所公钥集（不是有效的 JSON）",
        ) from exc
    if not isinstance(data, dict):
        raise InvalidJwksError(
            f'{os.fspath(path)} is not a saved key set: a JWKS is {{"keys": [...]}}',
            f"{os.fspath(path)} 不是已保存的车管所公钥集（应为 JWKS 对象）",
        )
    _keys(data)
    return data


def save_jwks(path: str | os.PathLike[str], jwks: JwksLike) -> Path:
    """Write the key set atomically (temp file + replace), so a crash never leaves half a file.

    ``jwks`` is what :func:`verify_token` takes; the file holds its JWKS JSON document.
    """
    document = _document(jwks)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".jwks-", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return target
