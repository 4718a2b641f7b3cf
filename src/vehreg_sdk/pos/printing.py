"""Rendering and printing a plate label for the POS, through :mod:`vehreg_sdk.labels`.

Works offline: the label is drawn from the registration the outbox recorded,
and the store's details fall back to its id when the store list cannot be had.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..labels import PlateLabel
    from ..types import EbikeRegistration, Store
    from .hookspecs import PrinterChoice


def label_for(registration: EbikeRegistration, store: Store | None) -> PlateLabel:
    from ..labels import PlateLabel
    from ..types import Store

    if store is None:
        store = Store(
            id=registration.store_id, name=registration.store_id, address="", district_code=""
        )
    return PlateLabel.from_registration(registration, store)


def render_label(
    registration: EbikeRegistration,
    store: Store | None,
    *,
    format: str = "png",
    size: str = "50x30",
    dpi: int = 203,
) -> bytes:
    """The label of a registration in ``format`` (png, svg, pdf, tspl, zpl, escpos)."""
    from .. import labels

    return labels.render(label_for(registration, store), format, size=size, dpi=dpi)


def print_label(
    registration: EbikeRegistration, store: Store | None, choice: PrinterChoice
) -> bytes:
    """Render for ``choice`` and send it to ``choice.target``; returns the bytes sent.

    Raises :class:`vehreg_sdk.labels.PrinterUnavailableError` when the printer
    does not take it; the label can be reprinted at any time.
    """
    from .. import labels

    return labels.print_label(
        label_for(registration, store),
        choice.target,
        format=choice.format,
        size=choice.size,
        dpi=choice.dpi,
        raster=bool(choice.options.get("raster", False)),
    )
