"""The hook specifications: vehreg-sdk's versioned plugin API (see docs/plugins.md).

A plugin is any object or module with functions marked ``@hookimpl`` whose
names and arguments match the specs below. It may declare fewer arguments than
a spec offers. Specs only ever *gain* arguments, so a plugin written for 1.0
keeps working: that is the compatibility promise behind :data:`HOOKSPEC_VERSION`.

Plugins are found through the entry-point group ``vehreg_sdk.plugins``::

    [project.entry-points."vehreg_sdk.plugins"]
    my_shop = "my_shop_plugin"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ..rules import Violation
    from ..types import EbikeRegistration, EbikeRegistrationCreate, Store

PROJECT_NAME = "vehreg_sdk"
ENTRY_POINT_GROUP = "vehreg_sdk.plugins"
HOOKSPEC_VERSION = (1, 0)
"""(major, minor). Minor grows when a hook gains an argument or a new hook appears."""

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan meant.

    ``kind`` is ``"vehicle_code"`` (a certificate QR or a typed 整车编码) or
    ``"id_card"`` (the text an ID card reader types); ``value`` is the vehicle
    code or the ID number; ``fields`` carries any extra fields read (for an ID
    card: ``name``, ``id_number``, ``address``); ``parser`` names the plugin.
    """

    kind: str
    value: str
    fields: dict[str, str] = field(default_factory=dict)
    parser: str = ""


@dataclass(frozen=True, slots=True)
class PrinterChoice:
    """Where and how to print a plate label.

    ``target``: ``tcp://HOST:9100``, ``file:/path/label.png``, ``dev:/dev/usb/lp0``
    (a bare ``/dev/usb/lp0`` works too; ``dev:COM3`` on Windows) or ``stdout``;
    ``format``: ``png``, ``svg``, ``pdf``, ``tspl``, ``zpl`` or ``escpos``;
    ``size``: ``50x30`` or ``60x40`` (mm); ``dpi``: 203 or 300. ``options``:
    ``raster`` (escpos: print the QR as an image) is a yes/no value, ``True`` or
    ``"1"``/``"0"``, ``"true"``/``"false"``, ``"on"``/``"off"``, as
    ``$VEHREG_PRINTER=...?format=escpos&raster=0`` gives it.
    """

    target: str
    format: str = "tspl"
    size: str = "50x30"
    dpi: int = 203
    options: dict[str, Any] = field(default_factory=dict)


class PosHookSpecs:
    """Hook specs, version 1.0."""

    @hookspec(firstresult=True)
    def parse_scan(self, text: str) -> ScanResult | None:
        """Interpret scanner text. The first plugin that returns a result wins.

        Built in: the certificate QR (CQC URL with ``vinCode=``), a plain
        15-digit vehicle code, and ID-card-reader text.
        """

    @hookspec
    def validate_sale(self, sale: EbikeRegistrationCreate) -> list[Violation] | None:
        """Extra dealer checks. Return violations (errors block the sale, warnings do not)."""

    @hookspec
    def before_submit(self, sale: EbikeRegistrationCreate) -> None:
        """Called just before the sale is queued for the bureau (log it, tell the POS)."""

    @hookspec
    def after_registration(
        self, registration: EbikeRegistration, store: Store | None, local_id: str | None
    ) -> None:
        """Called once a plate is assigned: print the label, notify the POS.

        ``local_id`` is the outbox id when the sale went through the outbox.
        """

    @hookspec(firstresult=True)
    def select_printer(self, store: Store | None) -> PrinterChoice | None:
        """Choose the label printer for a store. The first plugin that returns one wins."""
