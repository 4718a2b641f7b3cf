from __future__ import annotations

from ._base import WireModel


class Store(WireModel):
    """An outlet of the calling dealer (门店)."""

    id: str
    object: str = "store"
    name: str
    address: str
    district_code: str
    """GB/T 2260 county-level code, for example ``320706`` (海州区)."""
    phone: str | None = None
    temporary_plate_issuer: bool = False
    """A registration station authorised to print temporary plates (临时号牌); other stores
    get a receipt and the plate is mailed."""
