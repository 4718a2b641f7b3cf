"""Reading the vehicle code (整车编码) out of the QR code on an e-bike certificate (合格证).

The CQC certificate QR encodes
``http://mv.cqccms.com.cn/incoc/GSViewEbike!viewCocEbike.action?vinCode=<15 digits>``
and scanners were seen appending junk after the digits (docs/domain.md §1.7
[V-code]), so the code is extracted, never the whole string parsed. Other
issuers' formats are unknown [U]: register a parser for them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._text import normalize

__all__ = [
    "CertificateQrParser",
    "parse_certificate_qr",
    "register_certificate_qr_parser",
    "unregister_certificate_qr_parser",
]

#: Takes the normalised scan text; returns the 15-digit vehicle code or ``None``.
CertificateQrParser = Callable[[str], str | None]

# A QR code holds at most 7,089 digits; longer input is not a scan.
_MAX_SCAN_CHARS = 8192  # pragma: no mutate (size guard)
# Not followed by a 16th digit: the noise seen is letters; more digits mean a different code.
_CQC_VIN_CODE = re.compile(r"vinCode=([0-9]{15})(?![0-9])", re.IGNORECASE)
_BARE_CODE = re.compile(r"[0-9]{15}")


def _cqc_url(text: str) -> str | None:
    match = _CQC_VIN_CODE.search(text)
    return match.group(1) if match else None


def _bare_code(text: str) -> str | None:
    return text if _BARE_CODE.fullmatch(text) else None


_parsers: list[CertificateQrParser] = [_cqc_url, _bare_code]


def register_certificate_qr_parser(parser: CertificateQrParser, *, first: bool = False) -> None:
    """Add a parser for another issuer's QR; ``first=True`` tries it before the built-in ones."""
    if first:
        _parsers.insert(0, parser)
    else:
        _parsers.append(parser)


def unregister_certificate_qr_parser(parser: CertificateQrParser) -> None:
    """Remove a parser added with :func:`register_certificate_qr_parser` (no error if absent)."""
    if parser in _parsers:
        _parsers.remove(parser)


def parse_certificate_qr(text: object) -> str | None:
    """The 15-digit vehicle code in a certificate QR scan, or ``None`` if no parser finds one.

    Accepts the CQC URL (with trailing scanner noise) and a bare 15-digit code;
    never raises, whatever is passed. A parser that raises is skipped.
    """
    if not isinstance(text, str) or len(text) > _MAX_SCAN_CHARS:  # pragma: no mutate
        return None
    scan = normalize(text)
    for parser in list(_parsers):
        try:
            code = parser(scan)
        except Exception:  # noqa: S112 - a broken third-party parser must not stop the till
            continue
        if isinstance(code, str) and _BARE_CODE.fullmatch(code):
            return code
    return None
