"""Cell-level conversions of a bulk sheet: dates, money, drop-down words, masking, field paths.

Kept apart from the row parser so each stays readable; everything here is a
pure function of a cell's text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Final

from .. import privacy
from .columns import CHEMISTRIES, ID_TYPES, USES, spec_of

__all__ = ["CHOICES", "EXCEL_NUMBER", "column_of", "mask_value", "parse_date", "yuan_to_fen"]

# field path of a rule violation -> column key
_FIELD_COLUMNS: Final[dict[str, str]] = {
    "vehicle.vehicle_code": "vehicle_code",
    "vehicle.motor_code": "motor_code",
    "vehicle.product_model": "product_model",
    "vehicle.color": "color",
    "vehicle.battery_chemistry": "battery_chemistry",
    "vehicle.battery_voltage_v": "battery_voltage_v",
    "vehicle.battery_capacity_ah": "battery_capacity_ah",
    "owner.name": "owner_name",
    "owner.id_type": "owner_id_type",
    "owner.id_number": "owner_id_number",
    "owner.mobile": "owner_mobile",
    "owner.address": "owner_address",
    "owner.use": "owner_use",
    "owner.guardian": "guardian_name",
    "owner.guardian.name": "guardian_name",
    "owner.guardian.id_type": "guardian_id_type",
    "owner.guardian.id_number": "guardian_id_number",
    "owner.guardian.mobile": "guardian_mobile",
    "owner.guardian.relationship": "guardian_relationship",
    "owner.guardian.consent": "guardian_consent",
    "sale.invoice_number": "invoice_number",
    "sale.invoice_date": "invoice_date",
    "sale.price_fen": "price_yuan",
    "sale.clerk_id": "clerk_id",
    "uploads": "uploads",
    "client_reference": "client_reference",
}


def column_of(field_path: str) -> str | None:
    """The sheet column a wire field path (``owner.guardian.consent``) belongs to."""
    if field_path in _FIELD_COLUMNS:
        return _FIELD_COLUMNS[field_path]
    if field_path.startswith(("certificate.model", "certificate.")):
        return "product_model"
    while "." in field_path:
        field_path = field_path.rsplit(".", 1)[0]
        if field_path in _FIELD_COLUMNS:
            return _FIELD_COLUMNS[field_path]
    return None


_MASKERS: Final[dict[str, Callable[[str], str]]] = {
    "name": privacy.mask_name,
    "id_number": privacy.mask_id_number,
    "mobile": privacy.mask_mobile,
    "address": privacy.mask_address,
}


def mask_value(column: str | None, value: str | None) -> str | None:
    """The cell value as it may be shown: personal data masked, long text cut."""
    if not value:
        return value
    spec = spec_of(column)
    if spec is not None and spec.pii is not None:
        return _MASKERS[spec.pii](value)
    return privacy.mask_text(value[:80])


# --------------------------------------------------------------------------- conversions

_DATE_PARTS = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
EXCEL_NUMBER = re.compile(r"\d(?:\.\d+)?[eE]\+\d+")
CHOICES: Final[dict[str, dict[str, str]]] = {
    "owner_use": {
        **{v: k for k, v in USES.items()},
        **{k: k for k in USES},
        "0": "self", "1": "courier", "2": "food_delivery", "3": "other", "其它": "other",
    },
    "battery_chemistry": {
        **{v: k for k, v in CHEMISTRIES.items()},
        **{k: k for k in CHEMISTRIES},
        "锂": "lithium", "锂离子": "lithium", "锂离子电池": "lithium", "铅酸": "lead_acid",
    },
    "owner_id_type": {**{v: k for k, v in ID_TYPES.items()}, **{k: k for k in ID_TYPES},
                      "身份证": "A", "户口簿": "H"},
    "guardian_consent": {"是": "true", "否": "false", "yes": "true", "no": "false", "y": "true",
                         "n": "false", "true": "true", "false": "false", "1": "true",
                         "0": "false", "同意": "true"},
}  # fmt: skip
CHOICES["guardian_id_type"] = CHOICES["owner_id_type"]


def parse_date(text: str) -> date | None:
    """``2025-09-01``, ``2025/9/1``, ``2025.09.01``, ``2025年9月1日`` or ``20250901``; else None."""
    match = _DATE_PARTS.fullmatch(text) or _DATE_PARTS.match(text)
    if match is None:
        if len(text) == 8 and text.isdigit():
            match = re.match(r"(\d{4})(\d{2})(\d{2})", text)
        if match is None:
            return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


_PLAIN_YUAN = re.compile(r"(\d{1,9})(?:\.(\d{1,2}))?")


def yuan_to_fen(text: str) -> int | None:
    """Yuan as typed (``2999``, ``2,999.50``, ``¥2999元``) to integer fen; None if not exact."""
    plain = _PLAIN_YUAN.fullmatch(text)
    if plain is not None:
        return int(plain[1]) * 100 + int((plain[2] or "0").ljust(2, "0"))
    cleaned = text.replace(",", "").replace("¥", "").replace("￥", "").replace("元", "").strip()
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    fen = amount * 100
    if not amount.is_finite() or fen != fen.to_integral_value() or amount < 0:
        return None
    return int(fen)
