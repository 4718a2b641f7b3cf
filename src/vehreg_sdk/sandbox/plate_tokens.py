"""The bureau's plate credentials: one code path for every registration kind.

E-bike and car registrations both get their credentials here, so a new
credential (the compact COSE token beside the JWS ``plate_token``) is wired
once for both. The claims name the vehicle by ``vehicle_code``: the 15-digit
整车编码 of an e-bike, the VIN of a car (with ``kind: "car"``), so
:func:`vehreg_sdk.plates.verify_token` verifies either offline.
"""

from __future__ import annotations

from typing import Any

from .bureau import Bureau

__all__ = ["issue_plate_credentials"]

ISSUER = "vehreg-sandbox"


def issue_plate_credentials(
    bureau: Bureau,
    *,
    registration_id: str,
    plate: str,
    store_id: str,
    vehicle_code: str,
    now: float,
    kind: str = "ebike",
) -> dict[str, Any]:
    """The fields a registration document carries for its plate: ``{"plate_token": ...}``."""
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "plate": plate,
        "registration_id": registration_id,
        "vehicle_code": vehicle_code,
        "store_id": store_id,
        "iat": int(now),
    }
    if kind != "ebike":  # e-bike tokens keep exactly the claims they always had
        claims["kind"] = kind
    return {"plate_token": bureau.sign_plate_token(claims)}
