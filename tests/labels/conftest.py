"""Fixtures for label tests: a test bureau key, tokens signed with it, registrations and stores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vehreg_sdk import _cwt, _jws
from vehreg_sdk._plate_claims import encode_claims
from vehreg_sdk.labels.model import PlateLabel
from vehreg_sdk.types import EbikeRegistration, Store

KID = "test-2026"
# Fixed seeds: golden files depend on the exact token bytes (Ed25519 signatures are deterministic).
BUREAU_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(100, 132)))
ISSUED_AT = 1_790_000_000  # 2026-09-21T14:13:20Z, 22:13 in Shanghai


def make_claims(**overrides: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": "vehreg-sandbox",
        "plate": "苏G·A12345",
        "registration_id": "ereg_01JTESTPLATE0001",
        "vehicle_code": "320712345678901",
        "store_id": "store_hz01",
        "iat": ISSUED_AT,
    }
    claims.update(overrides)
    return claims


def sign(
    claims: dict[str, Any] | None = None, key: Ed25519PrivateKey = BUREAU_KEY, kid: str = KID
) -> str:
    return _jws.sign_compact(claims or make_claims(), key, kid)


def sign_credential(
    claims: dict[str, Any] | None = None,
    key: Ed25519PrivateKey = BUREAU_KEY,
    kid: str = KID,
    **compact: Any,
) -> str:
    """The compact credential (``VP1:...``) saying what ``claims`` (the JWS claims) say."""
    claims = claims or make_claims()
    options: dict[str, Any] = {"plate_kind": 0, "vehicle_code": claims["vehicle_code"]}
    options.update(compact)
    return _cwt.sign(
        encode_claims(
            issuer=claims["iss"],
            issued_at=claims["iat"],
            plate=claims["plate"],
            registration_id=claims["registration_id"],
            **options,
        ),
        key,
        kid,
    )


@pytest.fixture
def jwks() -> dict[str, Any]:
    return {"keys": [_jws.public_jwk(BUREAU_KEY.public_key(), KID)]}


def registration_data(**overrides: Any) -> dict[str, Any]:
    claims = make_claims()
    data: dict[str, Any] = {
        "id": claims["registration_id"],
        "status": "plate_assigned",
        "store_id": claims["store_id"],
        "vehicle": {
            "vehicle_code": claims["vehicle_code"],
            "motor_code": "M2026A000123",
            "product_model": "TDT2210Z",
            "color": "白",
            "battery_chemistry": "lithium",
            "battery_voltage_v": 48,
            "battery_capacity_ah": 20,
            "brand": "雅迪",
        },
        "owner": {
            "name": "张*",
            "id_type": "A",
            "id_number": "320***********0011",
            "mobile": "138****0000",
            "use": "self",
        },
        "sale": {
            "invoice_number": "INV0001",
            "invoice_date": "2026-09-21",
            "price_fen": 329900,
            "clerk_id": "clerk-7",
        },
        "plate_number": claims["plate"],
        "plate_token": sign(claims),
        "plate_credential": sign_credential(claims),
        "created_at": datetime.fromtimestamp(ISSUED_AT, tz=UTC).isoformat(),
        "updated_at": datetime.fromtimestamp(ISSUED_AT, tz=UTC).isoformat(),
    }
    data.update(overrides)
    return data


@pytest.fixture
def registration() -> EbikeRegistration:
    return EbikeRegistration.model_validate(registration_data())


@pytest.fixture
def store() -> Store:
    return Store.model_validate(
        {
            "id": "store_hz01",
            "name": "海州区雅迪电动车专卖店",
            "address": "连云港市海州区朝阳东路 88 号",
            "district_code": "320706",
        }
    )


@pytest.fixture
def label(registration: EbikeRegistration, store: Store) -> PlateLabel:
    return PlateLabel.from_registration(registration, store)


@pytest.fixture
def make_label(store: Store) -> Callable[..., PlateLabel]:
    """A label for a registration whose vehicle code / plate are overridden (token re-signed)."""

    def factory(vehicle_code: str = "320712345678901", plate: str = "苏G·A12345") -> PlateLabel:
        claims = make_claims(vehicle_code=vehicle_code, plate=plate)
        data = registration_data(
            plate_number=plate, plate_token=sign(claims), plate_credential=sign_credential(claims)
        )
        data["vehicle"]["vehicle_code"] = vehicle_code
        return PlateLabel.from_registration(EbikeRegistration.model_validate(data), store)

    return factory
