"""Plate credentials and their revocation: what the bureau signs when it issues a plate.

:func:`issue_plate_credentials` is the one place a plate's tokens are made, for every kind of
registration (e-bikes here; cars call it too): the v1 JWS ``plate_token`` and the compact
``plate_credential`` (COSE_Sign1 / CWT in Base45, what labels print). :func:`revoke_plate`
records a cancelled or rejected registration in the plate status list that
``GET /v1/plate-status`` publishes, signed, with a ``since`` cursor.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .. import _cwt, _jws
from .._plate_claims import encode_claims
from .bureau import Bureau
from .clock import rfc3339

ISSUER = "vehreg-sandbox"
#: ``voided``: a temporary plate past its last day after the metal plates were handed over.
REVOCATION_REASONS = ("cancelled", "rejected", "voided")


@dataclass(frozen=True, slots=True)
class PlateCredentials:
    """Both forms of a plate's signed token: put them in the registration document."""

    plate_token: str
    plate_credential: str


def issue_plate_credentials(
    bureau: Bureau,
    *,
    registration_id: str,
    plate: str,
    store_id: str,
    issued_at: float,
    plate_kind: int = 0,
    vehicle_code: str | None = None,
    vin: str | None = None,
    valid_from: float | None = None,
    valid_until: float | None = None,
) -> PlateCredentials:
    """Sign a newly issued plate, in both forms.

    ``plate_kind``: 0 e-bike plate, 100 e-bike temporary plate, 1..99 the GA 24.7 号牌种类
    code of a motor-vehicle plate (22 临时行驶车). Give ``vehicle_code`` (e-bikes) or ``vin``
    (cars). Temporary kinds (100, 22) need ``valid_from`` and ``valid_until`` (seconds since
    1970), which become the credential's ``nbf`` / ``exp``.
    """
    identity = vehicle_code if vehicle_code is not None else vin
    jws_claims: dict[str, Any] = {
        "iss": ISSUER,
        "plate": plate,
        "registration_id": registration_id,
        "vehicle_code": identity,
        "store_id": store_id,
        "iat": int(issued_at),
    }
    compact = encode_claims(
        issuer=ISSUER,
        issued_at=int(issued_at),
        plate=plate,
        plate_kind=plate_kind,
        registration_id=registration_id,
        vehicle_code=vehicle_code,
        vin=vin,
        not_before=None if valid_from is None else int(valid_from),
        expires_at=None if valid_until is None else int(valid_until),
    )
    if valid_from is not None and valid_until is not None:
        jws_claims["nbf"], jws_claims["exp"] = int(valid_from), int(valid_until)
    return PlateCredentials(
        plate_token=_jws.sign_compact(jws_claims, bureau.signing_key, bureau.kid),
        plate_credential=_cwt.sign(compact, bureau.signing_key, bureau.kid),
    )


def revoke_plate(conn: sqlite3.Connection, registration_id: str, reason: str, now: float) -> None:
    """Add ``registration_id`` to the status list (inside the write that changes its status).

    Idempotent: a registration is listed once, with its first revocation.
    """
    if reason not in REVOCATION_REASONS:
        raise ValueError(f"unknown revocation reason {reason!r}")
    conn.execute(
        "INSERT OR IGNORE INTO plate_revocations (registration_id, reason, revoked_at) "
        "VALUES (?, ?, ?)",
        (registration_id, reason, now),
    )


def status_list(bureau: Bureau, *, since: int, now: float) -> dict[str, Any]:
    """The body of ``GET /v1/plate-status``: revocations after ``since``, signed."""
    with bureau.db.read() as conn:
        rows = conn.execute(
            "SELECT seq, registration_id, reason, revoked_at FROM plate_revocations "
            "WHERE seq > ? ORDER BY seq",
            (since,),
        ).fetchall()
        latest = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM plate_revocations").fetchone()
    version = max(int(latest[0]), since)
    revoked = [
        {
            "registration_id": str(row["registration_id"]),
            "revoked_at": int(row["revoked_at"]),
            "reason": str(row["reason"]),
        }
        for row in rows
    ]
    payload = {
        "iss": ISSUER,
        "version": version,
        "since": since,
        "iat": int(now),
        "revoked": revoked,
    }
    signed = _jws.sign_compact(payload, bureau.signing_key, bureau.kid, typ=_jws.STATUS_TYPE)
    return {
        "object": "plate_status",
        "version": version,
        "since": since,
        "issued_at": rfc3339(now),
        "revoked": [
            {
                "registration_id": str(row["registration_id"]),
                "revoked_at": rfc3339(row["revoked_at"]),
                "reason": str(row["reason"]),
            }
            for row in rows
        ],
        "status_list": signed,
    }
