"""The compact plate credential: a COSE_Sign1 (RFC 9052, EdDSA) over CWT claims (RFC 8392),
in Base45 (RFC 9285) behind the prefix ``VP1:``. Just what plate tokens need.

Byte for byte (``docs/api/plate-tokens.md`` has a worked example)::

    token     = "VP1:" + base45(cose_sign1)
    cose_sign1 = #6.18([ protected: bstr .cbor {1: -8, 4: kid4}, unprotected: {},
                         payload: bstr .cbor claims, signature: bstr(64) ])
    Sig_structure = ["Signature1", protected, h'', payload]   (signed with Ed25519)

``kid4`` is the first 4 bytes of SHA-256 of the JWKS ``kid`` (UTF-8), so a verifier maps
each key of ``GET /v1/keys`` to its compact id. No compression: at ~140 bytes zlib saves
almost nothing and costs a dependency in every verifier. All CBOR is deterministic
(RFC 8949 section 4.2.1: shortest integers, definite lengths, sorted map keys).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import base45  # type: ignore[import-untyped]
import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "VP1:"
COSE_SIGN1_TAG = 18
HEADER_ALG, HEADER_KID = 1, 4
ALG_EDDSA = -8
KID_BYTES = 4

# CWT claim keys: the registered ones (RFC 8392) and this profile's own.
CLAIM_ISS, CLAIM_EXP, CLAIM_NBF, CLAIM_IAT = 1, 4, 5, 6
CLAIM_PLATE, CLAIM_KIND, CLAIM_VEHICLE_CODE, CLAIM_VIN, CLAIM_REGISTRATION = -1, -2, -3, -4, -5
# Temporary plates of ``POST /v1/temporary-plates``: the VIN as a digest, the plate's own id.
CLAIM_VIN_DIGEST, CLAIM_TEMPORARY_PLATE = -6, -7


class MalformedCredential(ValueError):
    """Not ``VP1:`` + Base45 of a COSE_Sign1 with EdDSA over a CBOR claims map."""


def compact_kid(jwks_kid: str) -> bytes:
    """The 4-byte COSE ``kid`` of the JWKS key ``jwks_kid``: SHA-256 of its UTF-8, first 4 bytes."""
    return hashlib.sha256(jwks_kid.encode("utf-8")).digest()[:KID_BYTES]


def _dumps(value: Any) -> bytes:
    return cbor2.dumps(value, canonical=True)


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return _dumps(["Signature1", protected, b"", payload])


def sign(claims: dict[int, Any], key: Ed25519PrivateKey, jwks_kid: str) -> str:
    """``VP1:`` + Base45 of the tagged COSE_Sign1 over ``claims`` (integer keys)."""
    protected = _dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: compact_kid(jwks_kid)})
    payload = _dumps(claims)
    signature = key.sign(_sig_structure(protected, payload))
    message = _dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return PREFIX + str(base45.b45encode(message).decode("ascii"))


def looks_like_credential(text: str) -> bool:
    return text.strip().upper().startswith(PREFIX)


def split(token: str) -> tuple[bytes, dict[int, Any], bytes, bytes]:
    """(compact kid, claims, Sig_structure bytes, signature) of a credential, unverified."""
    text = token.strip()
    if not text.upper().startswith(PREFIX):
        raise MalformedCredential(f"a compact plate credential starts with {PREFIX}")
    try:
        message = base45.b45decode(text[len(PREFIX) :])
    except ValueError as exc:
        raise MalformedCredential("the text after the prefix is not Base45") from exc
    try:
        decoded = cbor2.loads(message)
    except (cbor2.CBORDecodeError, ValueError, TypeError) as exc:
        raise MalformedCredential("the credential is not CBOR") from exc
    if isinstance(decoded, cbor2.CBORTag):
        if decoded.tag != COSE_SIGN1_TAG:
            raise MalformedCredential("the credential is not a COSE_Sign1 (tag 18)")
        decoded = decoded.value
    # cbor2 5.x gives lists and dicts; 6.x gives tuples and frozendicts inside tags.
    if not (isinstance(decoded, list | tuple) and len(decoded) == 4):
        raise MalformedCredential("a COSE_Sign1 is an array of four items")
    protected, unprotected, payload, signature = decoded
    if not (
        isinstance(protected, bytes)
        and isinstance(unprotected, Mapping)
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
    ):
        raise MalformedCredential("the COSE_Sign1 items have the wrong types")
    try:
        header = cbor2.loads(protected) if protected else {}
        claims = cbor2.loads(payload)
    except (cbor2.CBORDecodeError, ValueError, TypeError) as exc:
        raise MalformedCredential("the protected header or the claims are not CBOR") from exc
    if not isinstance(header, Mapping) or not isinstance(claims, Mapping):
        raise MalformedCredential("the protected header and the claims must be CBOR maps")
    if header.get(HEADER_ALG) != ALG_EDDSA:
        raise MalformedCredential("the credential's algorithm is not EdDSA (-8)")
    kid = header.get(HEADER_KID, unprotected.get(HEADER_KID))
    if not isinstance(kid, bytes):
        raise MalformedCredential("the credential names no key (kid)")
    return kid, dict(claims), _sig_structure(protected, payload), signature


def verify_signature(public_key: Ed25519PublicKey, sig_structure: bytes, signature: bytes) -> bool:
    try:
        public_key.verify(signature, sig_structure)
    except InvalidSignature:
        return False
    return True
