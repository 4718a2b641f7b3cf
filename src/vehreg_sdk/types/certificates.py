from __future__ import annotations

from datetime import date

from ._base import WireModel
from .catalogue import EbikeModel


class EbikeCertificate(WireModel):
    """The per-bike certificate of conformity (产品合格证), found by its 15-digit vehicle code."""

    object: str = "ebike_certificate"
    vehicle_code: str
    """整车编码: 15 digits, what scanning the certificate QR yields."""
    certificate_number: str
    """合格证编号."""
    product_model: str
    brand: str
    maker: str
    color: str
    manufacture_date: date
    motor_code: str
    model: EbikeModel
    """The catalogue entry of the product model, with its CCC data."""
