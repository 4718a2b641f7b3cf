"""The CWT claims of the compact plate credential, both ways (see ``_cwt`` for the envelope).

Claim keys and values (``docs/api/plate-tokens.md``):

====  =================  ==============================================================
key   claim              value
====  =================  ==============================================================
1     iss                short issuer text (``SBX`` for the sandbox)
6     iat                issued at, seconds since 1970 (UTC)
5     nbf                temporary plates: valid from
4     exp                temporary plates: valid until
-1    plate number       text (UTF-8), as printed on the plate
-2    plate kind         0 e-bike, 100 e-bike temporary, 1..99 the GA 24.7 号牌种类 code
-3    vehicle code       unsigned integer when the 整车编码 is digits without a leading 0,
                         else text
-4    VIN                text (cars; instead of -3)
-5    registration id    12 bytes for ``reg_`` + 24 hex digits, else text
-6    VIN digest         8 bytes: SHA-256 of the VIN (ASCII), first 8 bytes (instead of
                         -3/-4; temporary plates of ``/v1/temporary-plates``)
-7    temporary plate id 12 bytes for ``tp_`` + 24 hex digits (instead of -5)
====  =================  ==============================================================
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from . import _cwt

#: Short issuers in the credential and the issuer names they stand for.
COMPACT_ISSUERS: dict[str, str] = {"SBX": "vehreg-sandbox"}
KIND_EBIKE, KIND_EBIKE_TEMPORARY, KIND_CAR_TEMPORARY = 0, 100, 22
#: Plate kinds whose credentials must carry nbf and exp.
TEMPORARY_KINDS = frozenset({KIND_EBIKE_TEMPORARY, KIND_CAR_TEMPORARY})
_COMPACT_ID = re.compile(r"reg_([0-9a-f]{24})")
_TEMPORARY_ID = re.compile(r"tp_([0-9a-f]{24})")
#: Bytes of the VIN digest: 64 bits, so no other VIN matches a plate by chance or by search.
VIN_DIGEST_BYTES = 8


def vin_digest(vin: str) -> bytes:
    """The token's VIN digest: SHA-256 of the upper-case VIN, first 8 bytes."""
    return hashlib.sha256(vin.strip().upper().encode("ascii", "replace")).digest()[
        :VIN_DIGEST_BYTES
    ]


class ClaimsError(ValueError):
    """A claim is missing or has the wrong type."""


def short_issuer(issuer: str) -> str:
    for short, full in COMPACT_ISSUERS.items():
        if full == issuer:
            return short
    return issuer


def encode_claims(
    *,
    issuer: str,
    issued_at: int,
    plate: str,
    plate_kind: int,
    registration_id: str,
    vehicle_code: str | None = None,
    vin: str | None = None,
    not_before: int | None = None,
    expires_at: int | None = None,
    vin_as_digest: bool = False,
) -> dict[int, Any]:
    """The claims map the bureau signs. Exactly one of ``vehicle_code`` / ``vin``.

    ``vin_as_digest`` (temporary plates) signs the VIN's 8-byte digest instead of its text,
    and a ``tp_`` id as its 12 bytes under -7: the token stays within a version-8 QR code.
    """
    if (vehicle_code is None) == (vin is None):
        raise ClaimsError("give exactly one of vehicle_code and vin")
    if vin_as_digest and vin is None:
        raise ClaimsError("vin_as_digest needs a vin")
    temporary = plate_kind in TEMPORARY_KINDS
    if temporary != (not_before is not None and expires_at is not None):
        raise ClaimsError("temporary plates (and only they) carry not_before and expires_at")
    claims: dict[int, Any] = {
        _cwt.CLAIM_ISS: short_issuer(issuer),
        _cwt.CLAIM_IAT: issued_at,
        _cwt.CLAIM_PLATE: plate,
        _cwt.CLAIM_KIND: plate_kind,
    }
    if vehicle_code is not None:
        numeric = vehicle_code.isascii() and vehicle_code.isdigit() and vehicle_code[0] != "0"
        claims[_cwt.CLAIM_VEHICLE_CODE] = int(vehicle_code) if numeric else vehicle_code
    elif vin_as_digest and vin is not None:
        claims[_cwt.CLAIM_VIN_DIGEST] = vin_digest(vin)
    else:
        claims[_cwt.CLAIM_VIN] = vin
    temporary_id = _TEMPORARY_ID.fullmatch(registration_id) if vin_as_digest else None
    compact = _COMPACT_ID.fullmatch(registration_id)
    if temporary_id:
        claims[_cwt.CLAIM_TEMPORARY_PLATE] = bytes.fromhex(temporary_id.group(1))
    else:
        claims[_cwt.CLAIM_REGISTRATION] = (
            bytes.fromhex(compact.group(1)) if compact else registration_id
        )
    if not_before is not None and expires_at is not None:
        claims[_cwt.CLAIM_NBF] = not_before
        claims[_cwt.CLAIM_EXP] = expires_at
    return claims


@dataclass(frozen=True, slots=True)
class DecodedClaims:
    issuer: str
    issued_at: int
    plate: str
    plate_kind: int
    registration_id: str
    vehicle_code: str
    vin: str | None
    not_before: int | None
    expires_at: int | None
    vin_digest: bytes | None = None


def _int(claims: dict[int, Any], key: int, name: str, *, required: bool = True) -> int | None:
    value = claims.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ClaimsError(f"claim {key} ({name}) must be an unsigned integer")
    return value


def decode_claims(claims: dict[int, Any]) -> DecodedClaims:
    """Read the claims map; :class:`ClaimsError` names the first bad claim."""
    issuer = claims.get(_cwt.CLAIM_ISS)
    plate = claims.get(_cwt.CLAIM_PLATE)
    if not isinstance(issuer, str):
        raise ClaimsError("claim 1 (iss) must be text")
    if not isinstance(plate, str):
        raise ClaimsError("claim -1 (plate number) must be text")
    issued_at = _int(claims, _cwt.CLAIM_IAT, "iat")
    kind = _int(claims, _cwt.CLAIM_KIND, "plate kind")
    code, vin = claims.get(_cwt.CLAIM_VEHICLE_CODE), claims.get(_cwt.CLAIM_VIN)
    digest = claims.get(_cwt.CLAIM_VIN_DIGEST)
    if isinstance(code, int) and not isinstance(code, bool) and code > 0:
        vehicle_code = str(code)
    elif isinstance(code, str):
        vehicle_code = code
    elif code is None and isinstance(vin, str):
        vehicle_code = vin
    elif code is None and vin is None and isinstance(digest, bytes):
        if len(digest) != VIN_DIGEST_BYTES:
            raise ClaimsError(f"claim -6 (VIN digest) must be {VIN_DIGEST_BYTES} bytes")
        vehicle_code = ""
    else:
        raise ClaimsError(
            "claim -3 (vehicle code), -4 (VIN) or -6 (VIN digest) is missing or of the wrong type"
        )
    registration = claims.get(_cwt.CLAIM_REGISTRATION)
    temporary = claims.get(_cwt.CLAIM_TEMPORARY_PLATE)
    if registration is None and isinstance(temporary, bytes) and len(temporary) == 12:
        registration_id = "tp_" + temporary.hex()
    elif isinstance(registration, bytes) and len(registration) == 12:
        registration_id = "reg_" + registration.hex()
    elif isinstance(registration, str):
        registration_id = registration
    else:
        raise ClaimsError(
            "claim -5 (registration id) must be 12 bytes or text, or -7 (temporary plate) 12 bytes"
        )
    not_before = _int(claims, _cwt.CLAIM_NBF, "nbf", required=False)
    expires_at = _int(claims, _cwt.CLAIM_EXP, "exp", required=False)
    assert issued_at is not None and kind is not None
    if kind in TEMPORARY_KINDS and (not_before is None or expires_at is None):
        raise ClaimsError("a temporary plate's credential must carry nbf (5) and exp (4)")
    return DecodedClaims(
        issuer=COMPACT_ISSUERS.get(issuer, issuer),
        issued_at=issued_at,
        plate=plate,
        plate_kind=kind,
        registration_id=registration_id,
        vehicle_code=vehicle_code,
        vin=vin if isinstance(vin, str) and code is None else None,
        not_before=not_before,
        expires_at=expires_at,
        vin_digest=digest if vehicle_code == "" and isinstance(digest, bytes) else None,
    )
