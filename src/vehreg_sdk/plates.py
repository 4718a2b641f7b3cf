"""Offline check of a bureau-signed plate token (号牌令牌).

A plate token comes in two forms, both signed with the bureau's Ed25519 key:

- the compact **plate credential** (``VP1:`` + Base45 of a COSE_Sign1 over CWT claims,
  ``docs/api/plate-tokens.md``), what labels print: small enough for a version-8 QR code;
- the v1 compact JWS (header ``{"alg": "EdDSA", "kid": ..., "typ": "vehreg-plate+jws"}``,
  claims ``{"iss", "plate", "registration_id", "vehicle_code", "store_id", "iat"}``),
  still issued as ``plate_token`` and still verified, for labels printed before.

The QR code on a plate label carries the token itself, so anyone holding the
bureau's published keys (``GET /v1/keys``, a JWKS) can check a label with no
network: :func:`verify_token`. Keep an offline copy of the keys with
:func:`save_jwks` / :func:`load_jwks`. A key set is the
:class:`~vehreg_sdk.types.Jwks` that ``client.keys.retrieve()`` returns, or its
JSON (a dict ``{"keys": [...]}``, or the bare ``keys`` list).

Revocation works offline too: the bureau's signed status list (``GET /v1/plate-status``),
verified with :func:`verify_status`, kept with :func:`save_status` / :func:`load_status`,
and passed as ``verify_token(..., status=...)``.

Every error is a :class:`PlateTokenError` with the text in English and Chinese;
a key set that is not one raises :class:`InvalidJwksError`.

This module never touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeAlias

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import _cwt, _jws
from ._plate_claims import KIND_EBIKE, ClaimsError, decode_claims, vin_digest
from ._plate_errors import (
    InvalidJwksError,
    MalformedTokenError,
    PlateTokenError,
    StatusListError,
    TokenExpiredError,
    TokenNotYetValidError,
    TokenRevokedError,
    TokenTamperedError,
    TokenValidityError,
    UnknownKeyError,
    VinMismatchError,
    keys_of,
)
from ._plate_keys import load_jwks, save_jwks
from ._plate_status import (
    PlateStatusList,
    Revocation,
    load_status,
    save_status,
    verify_status,
)

if TYPE_CHECKING:
    from .types.keys import Jwks

__all__ = [
    "InvalidJwksError",
    "JwksLike",
    "MalformedTokenError",
    "PlateClaims",
    "PlateStatusList",
    "PlateTokenError",
    "Revocation",
    "StatusListError",
    "TokenExpiredError",
    "TokenNotYetValidError",
    "TokenRevokedError",
    "TokenTamperedError",
    "TokenValidityError",
    "UnknownKeyError",
    "VinMismatchError",
    "decode_unverified",
    "extract_token",
    "load_jwks",
    "load_status",
    "save_jwks",
    "save_status",
    "verify_status",
    "verify_token",
]

ISSUER = "vehreg-sandbox"
_REQUIRED_STR_CLAIMS = ("plate", "registration_id", "vehicle_code", "store_id")
# Three base64url segments; used to pull a token out of a URI or scanned text.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
# The compact credential: prefix and Base45 (the QR alphanumeric set), e.g. in a URI.
_CREDENTIAL_RE = re.compile(r"VP1:[0-9A-Z $%*+\-./:]+", re.IGNORECASE)


#: A key set as :func:`verify_token` and :func:`save_jwks` take it: the ``Jwks`` model of
#: ``client.keys.retrieve()``, the JWKS JSON (``{"keys": [...]}``) or its ``keys`` list.
JwksLike: TypeAlias = "Jwks | Mapping[str, Any] | Sequence[Mapping[str, Any]]"


@dataclass(frozen=True, slots=True)
class PlateClaims:
    """What a genuine plate token says. Times are timezone-aware (UTC).

    ``token_format`` is ``"cwt"`` for the compact credential (``VP1:...``) and ``"jws"`` for
    the v1 JWS. The compact credential carries no store (``store_id`` is ``None``); the JWS
    carries no plate kind (e-bike, ``0``). For a car, ``vehicle_code`` is the VIN and
    ``vin`` is set too. ``not_before`` / ``expires_at`` are set for temporary plates.
    ``status`` is the status list the token was checked against, if any. A temporary plate
    of ``/v1/temporary-plates`` carries its VIN as a digest (``vin_digest``, hex; its
    ``vehicle_code`` is empty and ``registration_id`` is the plate's ``tp_`` id): check a car
    against it with :meth:`matches_vin` or ``verify_token(..., vin=...)``.
    """

    plate: str
    registration_id: str
    vehicle_code: str
    store_id: str | None
    issued_at: datetime
    kid: str
    issuer: str = ISSUER
    token_format: str = "jws"  # noqa: S105 - a format name, not a secret
    plate_kind: int = KIND_EBIKE
    vin: str | None = None
    not_before: datetime | None = None
    expires_at: datetime | None = None
    status: PlateStatusList | None = None
    vin_digest: str | None = None

    def matches_vin(self, vin: str) -> bool:
        """Whether the token names the car with this VIN (by its VIN, or its VIN digest)."""
        wanted = vin.strip().upper()
        if self.vin_digest is not None:
            return vin_digest(wanted).hex() == self.vin_digest
        return (self.vin or self.vehicle_code).upper() == wanted


def extract_token(text: str) -> str:
    """The plate token inside ``text``: the bare token (compact credential or JWS), or a URI
    that wraps it (``...?t=TOKEN``).

    Raises :class:`MalformedTokenError` when there is none.
    """
    stripped = text.strip()
    credential = _CREDENTIAL_RE.search(stripped)
    if credential:
        return credential.group(0).upper()
    if _TOKEN_RE.fullmatch(stripped):
        return stripped
    # In a URI the host name (a.b.c) matches too; a token is far longer than any host name.
    found = _TOKEN_RE.findall(stripped)
    if found:
        return str(max(found, key=len))
    raise MalformedTokenError("the text does not contain a plate token", "内容中没有号牌令牌")


def _split(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    try:
        return _jws.split_compact(token)
    except _jws.MalformedToken as exc:
        raise MalformedTokenError(
            f"the plate token is malformed: {exc}", "号牌令牌格式错误"
        ) from exc


def _time(value: int | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise MalformedTokenError(
            "a time in the token is out of range", "令牌中的时间超出范围"
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
    issued_at = _time(iat)
    assert issued_at is not None
    window = [claims.get(name) for name in ("nbf", "exp")]
    if any(v is not None and (not isinstance(v, int) or isinstance(v, bool)) for v in window):
        raise MalformedTokenError("nbf and exp must be integers", "号牌令牌的有效期格式错误")
    return PlateClaims(
        plate=claims["plate"],
        registration_id=claims["registration_id"],
        vehicle_code=claims["vehicle_code"],
        store_id=claims["store_id"],
        issued_at=issued_at,
        kid=kid,
        issuer=str(claims.get("iss", "")),
        not_before=_time(window[0]),
        expires_at=_time(window[1]),
    )


def _credential(token: str) -> tuple[bytes, PlateClaims, bytes, bytes]:
    """(compact kid, claims with ``kid`` as hex, Sig_structure, signature), unverified."""
    try:
        kid, raw, sig_structure, signature = _cwt.split(token)
        decoded = decode_claims(raw)
    except (_cwt.MalformedCredential, ClaimsError) as exc:
        raise MalformedTokenError(
            f"the plate credential is malformed: {exc}", "号牌凭证格式错误"
        ) from exc
    issued_at = _time(decoded.issued_at)
    assert issued_at is not None
    claims = PlateClaims(
        plate=decoded.plate,
        registration_id=decoded.registration_id,
        vehicle_code=decoded.vehicle_code,
        store_id=None,
        issued_at=issued_at,
        kid=kid.hex(),
        issuer=decoded.issuer,
        token_format="cwt",  # noqa: S106 - a format name, not a secret
        plate_kind=decoded.plate_kind,
        vin=decoded.vin,
        not_before=_time(decoded.not_before),
        expires_at=_time(decoded.expires_at),
        vin_digest=decoded.vin_digest.hex() if decoded.vin_digest is not None else None,
    )
    return kid, claims, sig_structure, signature


def decode_unverified(token: str) -> PlateClaims:
    """Read the claims WITHOUT checking the signature (to show what a label claims to be).

    Never trust the result; use :func:`verify_token` for that.
    """
    token = extract_token(token)
    if _cwt.looks_like_credential(token):
        return _credential(token)[1]
    header, claims, _, _ = _split(token)
    return _claims_from(header, claims)


def _keys(jwks: object) -> list[Mapping[str, Any]]:
    return keys_of(jwks)


def _unknown_key(kid: str) -> UnknownKeyError:
    return UnknownKeyError(
        f"the token was signed with key {kid!r}, which the bureau's key set does not "
        "hold: not genuine, or the key set is out of date",
        f"令牌的签名密钥 {kid!r} 不在车管所公钥集中：非真品，或公钥集需要更新",
    )


def _verify_signature(token: str, jwks: object) -> PlateClaims:
    check: Callable[[Ed25519PublicKey, bytes, bytes], bool]
    if _cwt.looks_like_credential(token):
        kid, result, signing_input, signature = _credential(token)
        candidates = [key for key in _keys(jwks) if _cwt.compact_kid(str(key.get("kid"))) == kid]
        check = _cwt.verify_signature
    else:
        header, raw, signing_input, signature = _split(token)
        result = _claims_from(header, raw)
        candidates = [key for key in _keys(jwks) if key.get("kid") == result.kid]
        check = _jws.verify_signature
    if not candidates:
        raise _unknown_key(result.kid)
    for key in candidates:
        try:
            public_key = _jws.public_key_from_jwk(dict(key))
        except ValueError:
            continue
        if check(public_key, signing_input, signature):
            # Report the key by its JWKS kid, whichever form the token names it in.
            return replace(result, kid=str(key.get("kid")))
    raise TokenTamperedError(
        "the signature does not match: the token was altered or forged",
        "签名不符：令牌已被篡改或伪造",
    )


def _check_validity(result: PlateClaims, moment: datetime) -> None:
    if result.not_before is not None and moment < result.not_before:
        raise TokenNotYetValidError(
            f"this temporary plate is valid from {result.not_before.isoformat()}",
            f"该临时号牌自 {result.not_before.isoformat()} 起有效，尚未生效",
            claims=result,
        )
    if result.expires_at is not None and moment >= result.expires_at:
        raise TokenExpiredError(
            f"this temporary plate expired at {result.expires_at.isoformat()}",
            f"该临时号牌已于 {result.expires_at.isoformat()} 过期",
            claims=result,
        )


def verify_token(
    token: str,
    jwks: JwksLike,
    *,
    issuer: str | None = ISSUER,
    status: PlateStatusList | None = None,
    now: datetime | None = None,
    vin: str | None = None,
) -> PlateClaims:
    """Check the token's signature against the bureau's keys, offline, and return its claims.

    ``token`` is the compact credential (``VP1:...``, what labels print) or the v1 JWS
    (labels printed before), or a URI that wraps either. ``jwks`` is what
    ``client.keys.retrieve()`` returns (:class:`~vehreg_sdk.types.Jwks`), or the JSON of
    ``GET /v1/keys`` as a dict (or its ``keys`` list), for example from :func:`load_jwks`.

    Raises :class:`MalformedTokenError`, :class:`UnknownKeyError` (``kid`` not in the key
    set), :class:`TokenTamperedError` (signature does not match, including a token signed by
    some other key under a known ``kid``) or :class:`InvalidJwksError` (``jwks`` is not a
    key set). ``issuer=None`` accepts any ``iss``.

    A genuine token may still not hold: a temporary plate's token raises
    :class:`TokenExpiredError` / :class:`TokenNotYetValidError` (at ``now``, default the
    current time), and with ``status`` (a verified :class:`PlateStatusList`, see
    :func:`load_status`) a cancelled or rejected registration raises
    :class:`TokenRevokedError`. Each carries the verified ``claims``. A list issued before
    the revocation cannot know it: the result's ``status.issued_at`` says how old it is.
    With ``vin`` (the VIN read off the car), a token for another vehicle raises
    :class:`VinMismatchError`.
    """
    token = extract_token(token)
    result = _verify_signature(token, jwks)
    if issuer is not None and result.issuer != issuer:
        raise TokenTamperedError(
            f"the token was issued by {result.issuer!r}, not {issuer!r}",
            f"令牌签发方为 {result.issuer!r}，不是 {issuer!r}",
        )
    if vin is not None and not result.matches_vin(vin):
        raise VinMismatchError(
            "the plate token is genuine but names another vehicle than this VIN",
            "号牌令牌为真，但所对应的车辆与该车辆识别代号不符",
        )
    _check_validity(result, now or datetime.now(UTC))
    if status is None:
        return result
    if status.since != 0:
        raise StatusListError(
            "the status list is only an update; check against the whole list",
            "状态列表只是增量更新，请使用完整列表核验",
        )
    result = replace(result, status=status)
    revocation = status.revocation(result.registration_id)
    if revocation is not None:
        raise TokenRevokedError(
            f"registration {result.registration_id} was {revocation.reason} at "
            f"{revocation.revoked_at.isoformat()}: this plate is revoked",
            f"登记 {result.registration_id} 已于 {revocation.revoked_at.isoformat()} "
            f"{_REASONS_ZH.get(revocation.reason, revocation.reason)}：该号牌已作废",
            claims=result,
            revoked_at=revocation.revoked_at,
            reason=revocation.reason,
            list_issued_at=status.issued_at,
        )
    return result


_REASONS_ZH = {"cancelled": "撤销", "rejected": "审核不通过", "voided": "因已领取正式号牌而作废"}
