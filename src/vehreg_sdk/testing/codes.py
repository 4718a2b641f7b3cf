"""Fictional vehicle identifiers: VINs, e-bike codes, CCC numbers and plates."""

from __future__ import annotations

import random

from ..rules.code_tables import PlateKind
from ..rules.vin import vin_check_digit

__all__ = [
    "fake_ccc_number",
    "fake_ebike_plate",
    "fake_motor_code",
    "fake_plate",
    "fake_vehicle_code",
    "fake_vin",
]

_VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_MODEL_YEAR = "ABCDEFGHJKLMNPRSTVWXY123456789"
# World manufacturer identifiers of makers in China (all start with L).
_CHINESE_WMIS = ("LSV", "LFV", "LGB", "LBV", "LHG", "LVS", "LSG", "LGW", "LB3", "LRW")
_SEQ = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def fake_vin(rng: random.Random, *, wmi: str | None = None) -> str:
    """A 17-character VIN with a correct check digit (position 9)."""
    prefix = wmi or rng.choice(_CHINESE_WMIS)
    body = prefix + "".join(rng.choice(_VIN_ALPHABET) for _ in range(5))
    rest = rng.choice(_MODEL_YEAR) + "".join(rng.choice(_VIN_ALPHABET) for _ in range(7))
    vin = body + "0" + rest
    return body + vin_check_digit(vin) + rest


def fake_vehicle_code(rng: random.Random, *, year: int = 2025, maker: str | None = None) -> str:
    """A 15-digit e-bike vehicle code: maker (4), kind 2, year (2), serial (8)."""
    return f"{maker or rng.randrange(1000, 10000)}2{year % 100:02d}{rng.randrange(10**8):08d}"


def fake_motor_code(rng: random.Random) -> str:
    """A maker-style motor code, e.g. ``DJ24A0123456``."""
    return f"DJ{rng.randint(18, 25)}{rng.choice('ABCDEFGH')}{rng.randrange(10**7):07d}"


def fake_ccc_number(rng: random.Random, *, year: int = 2024) -> str:
    """A 16-digit CCC certificate number issued by CQC (``01``) for e-bikes (``1119``)."""
    return f"{year}011119{rng.randrange(10**6):06d}"


def fake_plate(
    rng: random.Random, kind: PlateKind = PlateKind.SMALL, *, authority: str = "苏G"
) -> str:
    """A motor-vehicle plate number of ``kind`` (ordinary, new-energy or temporary)."""
    digits = "0123456789"
    if kind is PlateKind.SMALL_NEW_ENERGY:
        tail = rng.choice("DF") + rng.choice(_SEQ.replace("I", "").replace("O", ""))
        return authority + tail + "".join(rng.choice(digits) for _ in range(4))
    if kind is PlateKind.LARGE_NEW_ENERGY:
        return authority + "".join(rng.choice(digits) for _ in range(5)) + rng.choice("DF")
    return authority + "".join(rng.choice(_SEQ) for _ in range(5))


def fake_ebike_plate(rng: random.Random, *, authority: str = "苏G") -> str:
    """An e-bike plate in the sandbox's format: authority + 6 letters or digits."""
    return authority + "".join(rng.choice(_SEQ) for _ in range(6))
