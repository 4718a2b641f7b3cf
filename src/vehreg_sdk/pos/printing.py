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
        raster=option_flag(choice.options.get("raster", False), "raster"),
    )


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def option_flag(value: object, name: str = "option") -> bool:
    """A yes/no printer option as a plugin gives it (``True``) or a URL carries it
    (``?raster=0``, ``?raster=true``): ``"0"``, ``"false"``, ``"no"``, ``"off"`` are off.

    Raises ``ValueError`` (bilingual) for anything else rather than guess.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower() if value is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(
        f"printer option {name}={value!r} is not a yes/no value (use 1/0, true/false, on/off)"
        f" / 打印机选项 {name}={value!r} 应为是/否（1/0、true/false、on/off）"
    )
