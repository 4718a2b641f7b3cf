"""Choosing a car's plate number (选号): the local rules of a draw and of a self-composed number.

shared/domain.md §8 [S/U]: a random draw offers at least 5 candidates (102号令);
自编自选 follows local coding rules. How many draws a vehicle gets per day,
how many letters a self-composed number may hold and which combinations are
reserved are local rules [U]: :class:`PlateSelectionRules` is configuration.
The number must match its plate kind's GA 36 pattern under the authority
(§3.1); a new-energy number carries D (battery-electric) or F at its energy position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._input import code_text, enum_text, violation
from .._violation import Violation
from ..code_tables import PlateKind
from ..plates import validate_plate
from .energy import new_energy_letter

__all__ = ["CAR_PLATE_KINDS", "PlateSelectionRules", "validate_self_composed"]

#: The plate kinds a car registration chooses from.
CAR_PLATE_KINDS = (
    PlateKind.SMALL,
    PlateKind.SMALL_NEW_ENERGY,
    PlateKind.LARGE,
    PlateKind.LARGE_NEW_ENERGY,
)


@dataclass(frozen=True, slots=True)
class PlateSelectionRules:
    """Local selection rules [U]; every default is an assumption to confirm with 苏G 车管所.

    ``candidates_per_draw`` (at least 5 by 102号令), ``draws_per_vin_per_day``,
    ``max_letters`` in a self-composed sequence, ``reserved_patterns`` (regular
    expressions searched in the sequence, e.g. four identical characters), and
    ``authority`` (the plate prefix).
    """

    candidates_per_draw: int = 5
    draws_per_vin_per_day: int = 3
    max_letters: int = 2
    reserved_patterns: tuple[str, ...] = (r"(.)\1{3}", r"^(?:[A-Z]\d{3}|\d{3}[A-Z])$")
    authority: str = "苏G"


def validate_self_composed(
    number: object,
    plate_kind: object,
    *,
    energy_type: object = None,
    rules: PlateSelectionRules | None = None,
    field: str = "number",
) -> list[Violation]:
    """A self-composed plate number: pattern of its kind, authority, letter count, reserved.

    Codes: ``plate_number.format``, ``plate_number.authority``, ``plate_kind.unknown``,
    ``plate_number.too_many_letters``, ``plate_number.reserved`` and
    ``plate_number.energy_letter`` (D for BEV, F for PHEV, EREV, FCEV).
    """
    config = rules or PlateSelectionRules()
    found = validate_plate(number, plate_kind, authority=config.authority, field=field)
    if found:
        return found
    text = code_text(number, code="plate_number", field=field, thing="plate", thing_zh="号牌")
    assert isinstance(text, str)  # validate_plate accepted it
    sequence = text[len(config.authority) :]
    kind = enum_text(plate_kind)
    letters = sum(1 for ch in sequence if ch.isalpha())
    if letters > config.max_letters:
        found.append(
            violation(
                "plate_number.too_many_letters",
                field,
                f"A self-composed number may hold at most {config.max_letters} letters.",
                f"自编号牌号码最多含{config.max_letters}个字母。",
                value=text,
                allowed=config.max_letters,
            )
        )
    for pattern in config.reserved_patterns:
        if re.search(pattern, sequence):
            found.append(
                violation(
                    "plate_number.reserved",
                    field,
                    "This combination is reserved and cannot be self-composed.",
                    "该号牌号码组合为保留号段，不能自编选用。",
                    value=text,
                )
            )
            break
    letter = new_energy_letter(energy_type)
    if letter is not None and kind in (PlateKind.SMALL_NEW_ENERGY, PlateKind.LARGE_NEW_ENERGY):
        position = sequence[0] if kind == PlateKind.SMALL_NEW_ENERGY else sequence[-1]
        if position != letter:
            found.append(
                violation(
                    "plate_number.energy_letter",
                    field,
                    f"This vehicle's new-energy plate carries {letter} at its energy position.",
                    f"该车新能源号牌的能源类型字母应为 {letter}。",
                    value=text,
                    allowed=letter,
                )
            )
    return found
