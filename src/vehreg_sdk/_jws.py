"""Compact JWS with EdDSA (Ed25519): just what plate tokens need.

The bureau (the sandbox here) signs; anyone verifies offline with the JWKS
from ``GET /v1/keys``. Hand-rolled on ``cryptography`` because the format is
three base64url segments and a general JOSE library would be a heavy
dependency for one algorithm.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALGORITHM = "EdDSA"
TOKEN_TYPE = "vehreg-plate+jws"  # noqa: S105 - a JOSE "typ", not a secret
STATUS_TYPE = "vehreg-plate-status+jws"


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii"))


def _json_segment(obj: dict[str, Any]) -> str:
    return b64url_encode(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def sign_compact(
    claims: dict[str, Any], key: Ed25519PrivateKey, kid: str, *, typ: str = TOKEN_TYPE
) -> str:
    header = {"alg": ALGORITHM, "kid": kid, "typ": typ}
    signing_input = f"{_json_segment(header)}.{_json_segment(claims)}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


class MalformedToken(ValueError):
    """The token is not three base64url segments of JSON header, JSON claims and a signature."""


def split_compact(token: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """Header, claims, signing input and signature of a compact JWS, unverified."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise MalformedToken("a compact JWS has three dot-separated parts")
    try:
        header = json.loads(b64url_decode(parts[0]))
        claims = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedToken("a token segment is not valid base64url JSON") from exc
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise MalformedToken("the header and the claims must be JSON objects")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


def verify_signature(public_key: Ed25519PublicKey, signing_input: bytes, signature: bytes) -> bool:
    try:
        public_key.verify(signature, signing_input)
    except InvalidSignature:
        return False
    return True


def public_jwk(key: Ed25519PublicKey, kid: str) -> dict[str, str]:
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "alg": ALGORITHM,
        "use": "sig",
        "kid": kid,
        "x": b64url_encode(raw),
    }


def public_key_from_jwk(jwk: dict[str, Any]) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
        raise ValueError("not an Ed25519 OKP key")
    return Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
