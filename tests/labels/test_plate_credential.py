"""The compact plate credential (COSE_Sign1 / CWT in Base45): the contract's worked example,
the size budget, verification by our verifier and by the independent ``cwt`` library,
validity of temporary plates, and the signed status list."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import base45
import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vehreg_sdk import _cwt, _jws, plates
from vehreg_sdk._plate_claims import encode_claims

from .conftest import BUREAU_KEY, ISSUED_AT, KID, OTHER_KEY, make_claims, sign, sign_credential
from .independent import cose_claims

CONTRACT = Path(__file__).parents[2] / "docs" / "api" / "plate-tokens.md"
EXAMPLE_CLAIMS: dict[str, Any] = {
    "issuer": "vehreg-sandbox",
    "issued_at": ISSUED_AT,
    "plate": "苏G000001",
    "plate_kind": 0,
    "registration_id": "reg_0123456789abcdef01234567",
    "vehicle_code": "320712345678901",
}


def test_the_worked_example_of_the_contract_is_exact() -> None:
    """docs/api/plate-tokens.md shows this key, these claims and this token: keep them equal."""
    claims = encode_claims(**EXAMPLE_CLAIMS)
    token = _cwt.sign(claims, BUREAU_KEY, KID)
    text = CONTRACT.read_text(encoding="utf-8")
    documented = re.search(r"^(VP1:\S.*)$", text, re.MULTILINE)
    assert documented is not None and documented.group(1) == token
    payload_hex = cbor2.dumps(claims, canonical=True).hex()
    assert payload_hex in text.replace(" ", "").replace("\n", "")
    message = base45.b45decode(token[4:])
    assert message.hex() in text.replace(" ", "").replace("\n", "")


def test_size_budget_qr_version_8(jwks: dict[str, Any]) -> None:
    ebike = _cwt.sign(encode_claims(**EXAMPLE_CLAIMS), BUREAU_KEY, KID)
    assert len(ebike) <= 221
    temporary = _cwt.sign(
        encode_claims(
            **{**EXAMPLE_CLAIMS, "plate_kind": 100},
            not_before=ISSUED_AT,
            expires_at=ISSUED_AT + 15 * 86400,
        ),
        BUREAU_KEY,
        KID,
    )
    assert len(temporary) <= 221
    # A car's permanent plate with a 17-character VIN also fits.
    car = dict(EXAMPLE_CLAIMS, plate="苏GD12345", plate_kind=52, vehicle_code=None)
    assert len(_cwt.sign(encode_claims(**car, vin="LSVAU2180N2183294"), BUREAU_KEY, KID)) <= 221


def test_our_verifier_and_an_independent_library_agree(jwks: dict[str, Any]) -> None:
    token = sign_credential()
    claims = plates.verify_token(token, jwks)
    assert (claims.token_format, claims.kid, claims.store_id) == ("cwt", KID, None)
    assert claims.plate == "苏G·A12345" and claims.vehicle_code == "320712345678901"
    assert claims.registration_id == "ereg_01JTESTPLATE0001"  # not compact: kept as text
    independent = cose_claims(token, jwks)
    assert independent == {
        1: "SBX",
        6: ISSUED_AT,
        -1: "苏G·A12345",
        -2: 0,
        -3: 320712345678901,
        -5: "ereg_01JTESTPLATE0001",
    }


def test_the_old_jws_still_verifies(jwks: dict[str, Any]) -> None:
    claims = plates.verify_token(sign(), jwks)
    assert claims.token_format == "jws" and claims.store_id == "store_hz01"


def test_altered_claims_are_tampered_and_other_keys_unknown(jwks: dict[str, Any]) -> None:
    token = sign_credential()
    message = cbor2.loads(base45.b45decode(token[4:]))
    protected, unprotected, payload, signature = message.value
    claims = cbor2.loads(payload)
    claims[-1] = "苏G·A99999"
    forged_message = cbor2.CBORTag(
        18, [protected, unprotected, cbor2.dumps(claims, canonical=True), signature]
    )
    forged = "VP1:" + base45.b45encode(cbor2.dumps(forged_message)).decode()
    assert plates.decode_unverified(forged).plate == "苏G·A99999"
    with pytest.raises(plates.TokenTamperedError):
        plates.verify_token(forged, jwks)
    with pytest.raises(plates.UnknownKeyError):
        plates.verify_token(sign_credential(key=OTHER_KEY, kid="forger"), jwks)
    # Another key under the bureau's kid: the signature decides.
    with pytest.raises(plates.TokenTamperedError):
        plates.verify_token(sign_credential(key=OTHER_KEY), jwks)


@pytest.mark.parametrize(
    "text", ["VP1:", "VP1:AB", "VP1:0000", "VP1:" + base45.b45encode(b"\xa0").decode(), "VP1:::"]
)
def test_malformed_credentials(text: str, jwks: dict[str, Any]) -> None:
    with pytest.raises(plates.MalformedTokenError) as info:
        plates.verify_token(text, jwks)
    assert info.value.message_zh


def test_a_uri_around_the_credential(jwks: dict[str, Any]) -> None:
    token = sign_credential()
    uri = f"https://verify.example.invalid/p?t={token.replace(' ', '%20')}"
    assert plates.extract_token(token + "\n") == token
    assert plates.verify_token(f"  {token}  ", jwks).plate == "苏G·A12345"
    assert plates.decode_unverified(uri.replace("%20", " ")).plate == "苏G·A12345"


def test_temporary_plates_expire(jwks: dict[str, Any]) -> None:
    start, end = ISSUED_AT + 3600, ISSUED_AT + 15 * 86400
    token = sign_credential(plate_kind=100, not_before=start, expires_at=end)
    at = datetime.fromtimestamp(start, tz=UTC)
    claims = plates.verify_token(token, jwks, now=at + timedelta(days=1))
    assert claims.not_before == at and claims.expires_at == datetime.fromtimestamp(end, tz=UTC)
    with pytest.raises(plates.TokenNotYetValidError) as early:
        plates.verify_token(token, jwks, now=at - timedelta(seconds=1))
    assert early.value.claims.plate == "苏G·A12345" and "尚未生效" in early.value.message_zh
    with pytest.raises(plates.TokenExpiredError) as late:
        plates.verify_token(token, jwks, now=datetime.fromtimestamp(end, tz=UTC))
    assert "过期" in late.value.message_zh
    # A temporary kind without a validity period is refused when issued and when read.
    with pytest.raises(ValueError):
        sign_credential(plate_kind=100)


def _status(version: int, since: int, iat: int, revoked: list[str], key: Any = BUREAU_KEY) -> str:
    payload = {
        "iss": "vehreg-sandbox",
        "version": version,
        "since": since,
        "iat": iat,
        "revoked": [
            {"registration_id": rid, "revoked_at": iat - 60, "reason": "rejected"}
            for rid in revoked
        ],
    }
    return _jws.sign_compact(payload, key, KID, typ=_jws.STATUS_TYPE)


def test_status_lists_update_and_revoke(jwks: dict[str, Any], tmp_path: Path) -> None:
    token = sign_credential()
    whole = plates.verify_status({"status_list": _status(1, 0, ISSUED_AT + 100, ["reg_x"])}, jwks)
    now = datetime.fromtimestamp(ISSUED_AT + 200, tz=UTC)
    fine = plates.verify_token(token, jwks, status=whole, now=now)
    assert fine.status is whole and whole.age(now) == timedelta(seconds=100)
    update = plates.verify_status(_status(2, 1, ISSUED_AT + 300, ["ereg_01JTESTPLATE0001"]), jwks)
    with pytest.raises(plates.StatusListError):  # an update alone is not a list
        plates.verify_token(token, jwks, status=update)
    merged = whole.updated(update)
    assert (merged.version, set(merged.revoked)) == (2, {"reg_x", "ereg_01JTESTPLATE0001"})
    with pytest.raises(plates.TokenRevokedError) as info:
        plates.verify_token(token, jwks, status=merged, now=now)
    assert info.value.reason == "rejected" and "已作废" in info.value.message_zh
    gap = plates.verify_status(_status(5, 3, ISSUED_AT + 400, []), jwks)
    with pytest.raises(plates.StatusListError):
        merged.updated(gap)
    saved = plates.save_status(tmp_path / "status.json", merged)
    assert plates.load_status(saved, jwks) == merged
    forged = _status(2, 0, ISSUED_AT + 500, [], key=OTHER_KEY)
    with pytest.raises(plates.StatusListError):
        plates.verify_status(forged, jwks)
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(plates.StatusListError):
        plates.load_status(tmp_path / "bad.json", jwks)


def test_claims_of_the_jws_fixture_are_the_credential_claims() -> None:
    claims = make_claims()
    assert plates.decode_unverified(sign_credential(claims)).plate == claims["plate"]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_after_the_prefix_are_malformed_never_a_crash(data: bytes) -> None:
    token = "VP1:" + base45.b45encode(data).decode()
    with pytest.raises(plates.PlateTokenError):
        plates.verify_token(token, {"keys": []})


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.binary(max_size=16) | st.text(max_size=8),
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(st.integers(-8, 8), children, max_size=5)
        ),
        max_leaves=12,
    )
)
def test_any_cbor_is_malformed_never_a_crash(value: Any) -> None:
    for message in (cbor2.dumps(value), cbor2.dumps(cbor2.CBORTag(18, value))):
        token = "VP1:" + base45.b45encode(message).decode()
        with pytest.raises(plates.PlateTokenError):
            plates.verify_token(token, {"keys": []})
