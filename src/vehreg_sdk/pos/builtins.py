"""The built-in behaviour, registered as ordinary plugins so a shop can replace or disable it.

* ``vehreg.scan.certificate``: certificate QR and plain vehicle codes (``parse_certificate_qr``).
* ``vehreg.scan.id_card``: the text an ID card reader types (``name|id number|address``...).
* ``vehreg.printer.env``: ``$VEHREG_PRINTER`` (``tcp://10.0.0.9:9100?format=tspl&size=50x30``).
* ``vehreg.labels``: renders and prints the plate label after a registration.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from ..privacy import masked_logger
from .hookspecs import PrinterChoice, ScanResult, hookimpl

if TYPE_CHECKING:
    from ..types import EbikeRegistration, Store
    from .host import PluginHost

logger = masked_logger("vehreg_sdk.pos")

#: What separates the fields of a scan (ID card readers use ``|``, tabs, commas or lines).
SCAN_SEPARATORS = re.compile(r"[|\t\r\n,，;；]+")
_ID_NUMBER = re.compile(r"[1-9][0-9]{16}[0-9Xx]")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff·]{2,15}")


class CertificateScan:
    """Certificate QR (CQC URL, scanner noise tolerated) or a typed 15-digit vehicle code."""

    @hookimpl(trylast=True)
    def parse_scan(self, text: str) -> ScanResult | None:
        from ..rules import parse_certificate_qr

        code = parse_certificate_qr(text)
        if code is None:
            return None
        return ScanResult("vehicle_code", code, {"vehicle_code": code}, "vehreg.scan.certificate")


class IdCardScan:
    """Text from a keyboard-wedge ID card reader: the ID number, and name and address if given.

    Readers differ; the fields may be separated by ``|``, tabs, commas or line
    breaks, in any order. The ID number is the part that validates; the name
    is a short Chinese part; the address is the longest remaining part.
    """

    @hookimpl(trylast=True)
    def parse_scan(self, text: str) -> ScanResult | None:
        from ..rules import validate_resident_id

        parts = [p.strip() for p in SCAN_SEPARATORS.split(text or "") if p.strip()]
        id_number = next(
            (
                p.upper()
                for p in parts
                if _ID_NUMBER.fullmatch(p) and not validate_resident_id(p.upper())
            ),
            None,
        )
        if id_number is None:
            return None
        rest = [p for p in parts if p.upper() != id_number]
        fields = {"id_number": id_number, "id_type": "A"}
        name = next((p for p in rest if _CJK_NAME.fullmatch(p) and len(p) <= 6), None)
        if name:
            fields["name"] = name
        others = [p for p in rest if p != name and len(p) >= 6]
        if others:
            fields["address"] = max(others, key=len)
        return ScanResult("id_card", id_number, fields, "vehreg.scan.id_card")


class EnvPrinter:
    """Chooses ``$VEHREG_PRINTER`` for every store (URL query: ``format``, ``size``, ``dpi``)."""

    @hookimpl(trylast=True)
    def select_printer(self, store: Store | None) -> PrinterChoice | None:
        return printer_from_url(os.environ.get("VEHREG_PRINTER", ""))


def printer_from_url(url: str) -> PrinterChoice | None:
    """``tcp://host:9100?format=tspl&size=60x40&dpi=300`` → :class:`PrinterChoice`."""
    if not url:
        return None
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    target = url.split("?", 1)[0]
    return PrinterChoice(
        target=target,
        format=query.pop("format", "tspl"),
        size=query.pop("size", "50x30"),
        dpi=int(query.pop("dpi", "203")),
        options=dict(query),
    )


class LabelPrinter:
    """After a registration, renders the plate label and sends it to the chosen printer."""

    def __init__(self, host: PluginHost) -> None:
        self._host = host

    @hookimpl(trylast=True)
    def after_registration(self, registration: EbikeRegistration, store: Store | None) -> None:
        if not registration.plate_number:
            return
        choice = self._host.select_printer(store)
        if choice is None:
            return
        from .printing import print_label

        print_label(registration, store, choice)
        logger.info("pos: label for %s sent to %s", registration.id, choice.target)


def builtin_plugins(host: PluginHost) -> Iterator[tuple[str, object]]:
    yield "vehreg.scan.certificate", CertificateScan()
    yield "vehreg.scan.id_card", IdCardScan()
    yield "vehreg.printer.env", EnvPrinter()
    yield "vehreg.labels", LabelPrinter(host)
