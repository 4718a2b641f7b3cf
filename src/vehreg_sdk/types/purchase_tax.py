"""The tax office's purchase-tax record of a vehicle (车辆购置税), keyed by VIN."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from ._base import WireModel


class PurchaseTaxStatus(StrEnum):
    PAID = "paid"
    EXEMPT = "exempt"
    REDUCED = "reduced"
    UNPAID = "unpaid"
    UNKNOWN = "unknown"


class PurchaseTax(WireModel):
    """What the vehicle office sees of a VIN's tax: ``unknown`` means not transmitted yet.

    Amounts are fen: ``tax_base_fen`` (price excluding VAT), ``tax_fen`` (10 % of it),
    ``relief_fen`` (the exemption or reduction of ``relief_kind``) and ``paid_fen``.
    """

    object: str = "purchase_tax"
    vin: str
    status: PurchaseTaxStatus | str
    tax_base_fen: int | None = None
    tax_fen: int | None = None
    relief_kind: str | None = None
    relief_fen: int = 0
    paid_fen: int | None = None
    paid_on: date | None = None
    invoice_date: date | None = None
    updated_at: datetime | None = None
