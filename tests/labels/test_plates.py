"""vehreg_sdk.plates: offline verification of bureau-signed plate tokens."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vehreg_sdk import _jws, plates

from .conftest import ISSUED_AT, KID, OTHER_KEY, make_claims, sign


def _swap_claims(token: str, **changes: Any) -> str:
    """The same header and signature around altered claims (what a forger of a paper tag does)."""
    header, payload, signature = token.split(".")
    claims = json.loads(_jws.b64url_decode(payload))
    claims.update(changes)
    body = json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode()
    return f"{header}.{_jws.b64url_encode(body)}.{signature}"


def test_genuine_token_verifies_with_the_network_off(
    jwks: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("verify_token must not touch the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    claims = plates.verify_token(sign(), jwks)
    assert claims.plate == "苏G·A12345"
    assert claims.registration_id == "ereg_01JTESTPLATE0001"
    assert claims.vehicle_code == "320712345678901"
    assert claims.store_id == "store_hz01"
    assert claims.kid == KID
    assert claims.issued_at == datetime.fromtimestamp(ISSUED_AT, tz=UTC)


def test_verify_accepts_the_bare_keys_list_and_a_wrapping_uri(jwks: dict[str, Any]) -> None:
    token = sign()
    assert plates.verify_token(token, jwks["keys"]).plate == "苏G·A12345"
    uri = f"https://verify.example.invalid/p?t={token}"
    assert plates.verify_token(uri, jwks).plate == "苏G·A12345"
    assert plates.verify_token(f"  {token}\n", jwks).plate == "苏G·A12345"


def test_altered_plate_is_reported_tampered(jwks: dict[str, Any]) -> None:
    forged = _swap_claims(sign(), plate="苏G·A99999")
    assert plates.decode_unverified(forged).plate == "苏G·A99999"  # what the label claims
    with pytest.raises(plates.TokenTamperedError) as info:
        plates.verify_token(forged, jwks)
    assert "altered" in info.value.message
    assert "篡改" in info.value.message_zh
    assert isinstance(info.value, plates.PlateTokenError)


def test_token_signed_by_another_key_under_an_unknown_kid(jwks: dict[str, Any]) -> None:
    with pytest.raises(plates.UnknownKeyError) as info:
        plates.verify_token(sign(key=OTHER_KEY, kid="forger-1"), jwks)
    assert "forger-1" in info.value.message
    assert "密钥" in info.value.message_zh


def test_token_signed_by_another_key_reusing_the_bureau_kid(jwks: dict[str, Any]) -> None:
    with pytest.raises(plates.TokenTamperedError):
        plates.verify_token(sign(key=OTHER_KEY, kid=KID), jwks)


def test_rotated_keys_the_right_one_is_found(jwks: dict[str, Any]) -> None:
    rotated = {"keys": [_jws.public_jwk(OTHER_KEY.public_key(), "new-2027"), *jwks["keys"]]}
    assert plates.verify_token(sign(), rotated).kid == KID
    assert plates.verify_token(sign(key=OTHER_KEY, kid="new-2027"), rotated).kid == "new-2027"


def test_wrong_issuer_is_not_genuine(jwks: dict[str, Any]) -> None:
    token = sign(make_claims(iss="someone-else"))
    with pytest.raises(plates.TokenTamperedError):
        plates.verify_token(token, jwks)
    assert plates.verify_token(token, jwks, issuer=None).issuer == "someone-else"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a token",
        "a.b",
        "eyJ.eyJ.sig",  # not JSON
        _jws.b64url_encode(b"[]") + "." + _jws.b64url_encode(b"{}") + ".c2ln",
    ],
)
def test_malformed_tokens(text: str, jwks: dict[str, Any]) -> None:
    with pytest.raises(plates.MalformedTokenError) as info:
        plates.verify_token(text, jwks)
    assert info.value.message_zh
    with pytest.raises(plates.MalformedTokenError):
        plates.decode_unverified(text)


def test_missing_claims_and_wrong_type_are_malformed(jwks: dict[str, Any]) -> None:
    claims = make_claims()
    del claims["vehicle_code"]
    with pytest.raises(plates.MalformedTokenError):
        plates.verify_token(sign(claims), jwks)
    header = _jws.b64url_encode(b'{"alg":"HS256","kid":"x","typ":"JWT"}')
    body = _jws.b64url_encode(json.dumps(make_claims()).encode())
    with pytest.raises(plates.MalformedTokenError):
        plates.verify_token(f"{header}.{body}.c2ln", jwks)


def test_jwks_offline_copy_round_trips(tmp_path: Path, jwks: dict[str, Any]) -> None:
    path = plates.save_jwks(tmp_path / "keys" / "jwks.json", jwks)
    assert plates.load_jwks(path) == jwks
    assert plates.verify_token(sign(), plates.load_jwks(path)).plate == "苏G·A12345"
    assert [p.name for p in path.parent.iterdir()] == ["jwks.json"]  # no temp file left
    with pytest.raises(ValueError):
        plates.save_jwks(tmp_path / "bad.json", {"nokeys": []})
