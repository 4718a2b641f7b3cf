"""Plate numbers: motor-vehicle plates (GA 36-2018) and e-bike plates (set by each city).

Facts from docs/domain.md §3.1 [S]: province character + issuing-authority
letter + a sequence where I and O never appear. Small new-energy plates put
the energy letter first in the sequence, large ones last; the letter set was
extended beyond D/F around 2021 [S/U], so the extended set is the default and
the strict set a switch. The temporary-plate sequence is unverified [U] and
checked loosely. E-bike plates have no national format (§2.2 [M/U]): the
pattern is configuration, defaulting to what the sandbox issues, 苏G + 6.
"""

from __future__ import annotations

import re

from ._input import code_text, enum_text, violation
from ._violation import Violation
from .code_tables import PlateKind
from .config import DEFAULT_CONFIG, RuleConfig

__all__ = [
    "DEFAULT_EBIKE_PLATE_PATTERN",
    "PROVINCES",
    "UNKNOWN_KIND_PLATE_LENGTH",
    "plate_pattern",
    "validate_ebike_plate",
    "validate_plate",
]

#: The 31 province abbreviations that start a plate.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_AUTHORITY = "A-HJ-NP-Z"  # issuing-authority letter: no I, no O
_SEQ = "A-HJ-NP-Z0-9"  # a sequence character: no I, no O
_NEV_EXTENDED = "DABCEFGHJK"
_NEV_STRICT = "DF"

#: The e-bike plate the sandbox issues: 苏G and 6 letters or digits (Lianyungang, unconfirmed [U]).
DEFAULT_EBIKE_PLATE_PATTERN = r"苏G[A-Z0-9]{6}"


def plate_pattern(kind: PlateKind, *, strict_new_energy: bool = False) -> str | None:
    """The regular expression for a plate kind, or ``None`` when the kind has no known format."""
    head = f"[{PROVINCES}][{_AUTHORITY}]"
    nev = _NEV_STRICT if strict_new_energy else _NEV_EXTENDED
    patterns = {
        PlateKind.LARGE: f"{head}[{_SEQ}]{{5}}",
        PlateKind.SMALL: f"{head}[{_SEQ}]{{5}}",
        PlateKind.TRAILER: f"{head}[{_SEQ}]{{4}}挂",
        PlateKind.COACH: f"{head}[{_SEQ}]{{4}}学",
        PlateKind.LARGE_NEW_ENERGY: f"{head}[0-9]{{5}}[{nev}]",
        PlateKind.SMALL_NEW_ENERGY: f"{head}[{nev}][{_SEQ}][0-9]{{4}}",
        # The temporary-plate sequence length is not verified [U]: 5 or 6 characters.
        PlateKind.TEMPORARY: f"{head}[{_SEQ}]{{5,6}}",
    }
    return patterns.get(kind)


_COMPILED: dict[tuple[PlateKind, bool], re.Pattern[str]] = {}
#: Plates are printed with a separator dot after the authority letter (苏G·A1234); clerks
#: copy it, or type a full stop, a bullet or a hyphen in its place.
_SEPARATORS = re.compile(r"[·•・‧∙.\-]")
#: Kinds whose format is not known (embassy, military …): a plate has this many characters.
UNKNOWN_KIND_PLATE_LENGTH = (6, 8)


def _plate_text(value: object, field: str) -> str | Violation:
    """A plate number as typed, normalised, without the printed separator dot."""
    text = code_text(
        value, code="plate_number", field=field, thing="plate number", thing_zh="号牌号码"
    )
    if isinstance(text, Violation):
        return text
    plain = _SEPARATORS.sub("", text)
    if not plain:
        return code_text(
            "", code="plate_number", field=field, thing="plate number", thing_zh="号牌号码"
        )
    return plain


def _compiled(kind: PlateKind, strict: bool) -> re.Pattern[str] | None:
    key = (kind, strict)
    if key not in _COMPILED:
        pattern = plate_pattern(kind, strict_new_energy=strict)
        if pattern is None:
            return None
        _COMPILED[key] = re.compile(pattern)
    return _COMPILED[key]


def validate_plate(
    value: object,
    kind: object,
    *,
    authority: str | None = None,
    strict_new_energy: bool = False,
    field: str = "plate_number",
) -> list[Violation]:
    """A motor-vehicle plate number for its 号牌种类 ``kind`` (``PlateKind`` or its code).

    ``authority`` (``"苏G"``) additionally requires that prefix. Kinds with no
    known format (embassy, military …) only need 6–8 characters. The printed
    separator dot (``苏G·A1234``) is dropped. Codes: ``plate_kind.unknown``,
    ``plate_number.format``, ``plate_number.authority``.
    """
    try:
        plate_kind = PlateKind(enum_text(kind) or "")
    except ValueError:
        return [
            violation(
                "plate_kind.unknown",
                "plate_kind",
                "Unknown plate kind; use a GA 24 code such as 02 (small vehicle).",
                "号牌种类代码无效，应使用公安部代码，如 02（小型汽车）。",
                value=str(kind)[:8],
            )
        ]
    text = _plate_text(value, field)
    if isinstance(text, Violation):
        return [text]
    compiled = _compiled(plate_kind, strict_new_energy)
    shortest, longest = UNKNOWN_KIND_PLATE_LENGTH
    matches = compiled.fullmatch(text) if compiled else shortest <= len(text) <= longest
    found: list[Violation] = []
    if not matches:
        found.append(
            violation(
                "plate_number.format",
                field,
                f"{text[:16]} is not a valid {plate_kind.label_en} number.",
                f"{text[:16]} 不符合{plate_kind.label_zh}的号码格式。",
                value=text[:16],
                allowed=plate_pattern(plate_kind, strict_new_energy=strict_new_energy),
            )
        )
    if authority and not text.startswith(authority):
        found.append(
            violation(
                "plate_number.authority",
                field,
                f"The plate must be issued by {authority}.",
                f"号牌应为{authority}号段。",
                value=text[:16],
                allowed=authority,
            )
        )
    return found


_EBIKE_COMPILED: dict[str, re.Pattern[str]] = {}


def validate_ebike_plate(
    value: object,
    pattern: str | None = None,
    *,
    field: str = "plate_number",
    config: RuleConfig = DEFAULT_CONFIG,
) -> list[Violation]:
    """An e-bike plate number against the issuing authority's pattern (a full-match regex).

    The pattern is ``pattern`` if given, else ``config.ebike_plate_pattern``, else
    the default, ``苏G`` + 6 letters or digits, what the sandbox issues (the
    Xinjiang app used ``新[A-Z][A-Z0-9]{6}``). The printed separator dot
    (``苏G·12345``) is dropped before matching.
    """
    text = _plate_text(value, field)
    if isinstance(text, Violation):
        return [text]
    regex = pattern or config.ebike_plate_pattern or DEFAULT_EBIKE_PLATE_PATTERN
    compiled = _EBIKE_COMPILED.get(regex)
    if compiled is None:
        compiled = _EBIKE_COMPILED.setdefault(regex, re.compile(regex))
    if compiled.fullmatch(text):
        return []
    return [
        violation(
            "plate_number.format",
            field,
            f"{text[:16]} is not a valid e-bike plate number here.",
            f"{text[:16]} 不符合本地电动自行车号牌格式。",
            value=text[:16],
            allowed=regex,
        )
    ]
