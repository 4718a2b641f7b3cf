"""The many ways a standard's name and a battery chemistry are written, read as one.

A catalogue, a certificate look-up or a clerk writes ``GB 17761-2024``,
``GB17761-2024``, ``gb17761—2024``; and ``lead-acid``, ``LEAD_ACID``, ``铅酸``.
Each is read as the one name the rules use. A chemistry that is none of the
known spellings is *unrecognised*: the rules refuse it with an error naming the
field, and never judge the bike as another chemistry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType

from ._text import normalize

__all__ = [
    "BATTERY_CHEMISTRY_SPELLINGS",
    "UNRECOGNISED_CHEMISTRY",
    "battery_chemistry",
    "standard_key",
]

#: What :func:`battery_chemistry` returns for a chemistry written in no known way.
UNRECOGNISED_CHEMISTRY = "unrecognised"

#: Spelling (lower case, ``-`` and spaces read as ``_``) -> chemistry. The canonical names
#: are those of ``types.BatteryChemistry``: ``lithium``, ``lead_acid``, ``other``.
BATTERY_CHEMISTRY_SPELLINGS: Mapping[str, str] = MappingProxyType(
    {
        **dict.fromkeys(
            (
                "lithium", "li", "li_ion", "liion", "lithium_ion", "lithiumion", "lifepo4",
                "lfp", "lithium_iron_phosphate", "ncm", "nmc", "锂", "锂电", "锂电池", "锂离子",
                "锂离子电池", "锂离子蓄电池", "锂蓄电池", "磷酸铁锂", "磷酸铁锂电池", "三元锂",
                "三元锂电池",
            ),
            "lithium",
        ),
        **dict.fromkeys(
            (
                "lead_acid", "leadacid", "lead", "pb", "sla", "vrla", "铅酸", "铅酸电池",
                "铅酸蓄电池", "铅蓄电池", "阀控式铅酸蓄电池",
            ),
            "lead_acid",
        ),
        **dict.fromkeys(("other", "其他", "其它"), "other"),
    }
)  # fmt: skip

_SEPARATORS = re.compile(r"[\s\-_/]+")


def battery_chemistry(value: object) -> str | None:
    """The chemistry ``value`` names; ``None`` if absent; :data:`UNRECOGNISED_CHEMISTRY` if unknown.

    ``value`` may be a ``BatteryChemistry`` member (a str) or text in any known
    spelling; anything else that is there (a number, an unknown word) is
    unrecognised.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raw = getattr(value, "value", None)  # a non-str enum member
        if not isinstance(raw, str):
            return UNRECOGNISED_CHEMISTRY
        value = raw
    # A str-based enum member holds its value as its string data.
    text = value if type(value) is str else str.__str__(value)
    known = BATTERY_CHEMISTRY_SPELLINGS.get(text)
    if known is not None:
        return known
    if len(text) > 64:  # pragma: no mutate (size guard)
        return UNRECOGNISED_CHEMISTRY
    return _spelled_chemistry(text)


@lru_cache(maxsize=256)  # pragma: no mutate (cache size)
def _spelled_chemistry(text: str) -> str | None:
    key = _SEPARATORS.sub("_", normalize(text).lower()).strip("_")
    if not key:
        return None
    return BATTERY_CHEMISTRY_SPELLINGS.get(key, UNRECOGNISED_CHEMISTRY)


_DASHES = re.compile(r"[\u2010-\u2015\u2212\uff0d]")


@lru_cache(maxsize=256)  # pragma: no mutate (cache size)
def standard_key(name: str) -> str:
    """A standard's name as compared: ``GB 17761-2024``, `` gb17761—2024 `` -> ``GB17761-2024``."""
    return _DASHES.sub("-", normalize(name)).replace(" ", "").upper()
