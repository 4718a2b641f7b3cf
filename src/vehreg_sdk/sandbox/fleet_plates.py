"""A fleet's plates in sequence, and a key vehicle's supervision record, for car registrations.

:func:`next_in_sequence` runs inside the registration's write transaction: it
takes the next number of the plate kind's pattern (``苏G00001D`` for a large
battery-electric vehicle, kind 51) that no selection holds and no live
registration carries, so the registrations of a fleet batch, created in order by
the batch worker, get numbers that follow each other. The partial UNIQUE index on
the plate number still guards against any race.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from .. import privacy, rules
from ..rules.cars import CarRuleConfig
from .plate_selections import is_taken
from .problems import ProblemError

__all__ = ["next_in_sequence", "supervision_summary"]

_LIMIT = 99_999


def _pattern(plate_kind: str, energy_type: str, authority: str) -> str:
    """A ``str.format`` pattern with one integer field, per GA 36 layout of the kind."""
    letter = rules.new_energy_letter(energy_type) or "D"
    if plate_kind == "51":  # large new-energy: five digits, then D or F
        return authority + "{:05d}" + letter
    if plate_kind == "52":  # small new-energy: D or F, then five characters (digits here)
        return authority + letter + "{:05d}"
    return authority + "{:05d}"


def next_in_sequence(
    conn: sqlite3.Connection, plate_kind: str, energy_type: str, config: CarRuleConfig
) -> str:
    """The next free number of the kind's sequence (inside the caller's write transaction)."""
    pattern = _pattern(plate_kind, energy_type, config.plate_selection.authority)
    row = conn.execute("SELECT next FROM plate_sequences WHERE pattern = ?", (pattern,)).fetchone()
    value = int(row[0]) if row else 1
    while value <= _LIMIT:
        number = pattern.format(value)
        value += 1
        if not is_taken(conn, number) and not rules.validate_plate(number, plate_kind):
            conn.execute(
                "INSERT INTO plate_sequences (pattern, next) VALUES (?, ?)"
                " ON CONFLICT (pattern) DO UPDATE SET next = excluded.next",
                (pattern, value),
            )
            return number
    raise ProblemError("plate_number.taken", detail="The plate sequence is exhausted.",
                       detail_zh="该号段的号牌已分配完。")  # fmt: skip


def supervision_summary(
    enrolment: Any, key: rules.KeyVehicleExplanation | None, stamp: str
) -> dict[str, Any] | None:
    """What the bureau records of a key vehicle's enrolment (the officer masked); else None."""
    if key is None or enrolment is None:
        return None
    return {
        "key_vehicle_class": key.key_class.value,
        "reason": key.message,
        "reason_zh": key.message_zh,
        "operating_enterprise_credit_code": enrolment.operating_enterprise_credit_code,
        "road_transport_licence_number": enrolment.road_transport_licence_number,
        "safety_officer_name": privacy.mask_name(enrolment.safety_officer.name),
        "safety_officer_mobile": privacy.mask_mobile(enrolment.safety_officer.mobile),
        "enrolled_at": stamp,
    }
