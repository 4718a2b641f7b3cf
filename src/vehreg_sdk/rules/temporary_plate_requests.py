"""A whole temporary-plate request (``POST /v1/temporary-plates``), as the till and the bureau
judge it: the VIN, the dates and counts of :func:`.validate_temporary_plate`, and the papers.

Materials by situation (docs/domain.md §3.3 [S]): always the owner's ID proof and the
交强险 certificate; for situations 1 (unsold) and 5 (oversize) the 合格证; for situation 2
(bought) the invoice and the 合格证. The export proof (3) and the research application (4)
have no upload kind in contract v1; the bureau asks for them on paper.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from ._input import violation
from ._violation import Violation
from .temporary_plates import (
    DEFAULT_TEMPORARY_PLATE_RULES,
    TemporaryPlateRules,
    TemporaryPlateSituation,
    validate_temporary_plate,
)
from .vin import validate_vin

__all__ = ["check_temporary_plate_request", "required_upload_kinds"]

_ALWAYS = ("id_front", "insurance_policy")
_BY_SITUATION: dict[TemporaryPlateSituation, tuple[str, ...]] = {
    TemporaryPlateSituation.UNSOLD: ("certificate",),
    TemporaryPlateSituation.PURCHASED: ("invoice", "certificate"),
    TemporaryPlateSituation.OVERSIZE: ("certificate",),
}
#: The rule function's field names, as the request body names them.
_FIELDS = {"insurance_end": "insurance.ends_on"}


def required_upload_kinds(situation: TemporaryPlateSituation | str) -> tuple[str, ...]:
    """The upload kinds a request in ``situation`` must carry (``()`` for an unknown one)."""
    try:
        kind = TemporaryPlateSituation(situation)
    except ValueError:
        return ()
    return _ALWAYS + _BY_SITUATION.get(kind, ())


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def check_temporary_plate_request(
    request: Any,
    *,
    on: object = None,
    previous_issues: int = 0,
    upload_kinds: Iterable[str] | None = None,
    rules: TemporaryPlateRules | None = None,
) -> list[Violation]:
    """Every problem of a temporary-plate request (a ``TemporaryPlateCreate`` or its dict).

    ``on``: the business date it is made (``valid_from`` may not be earlier).
    ``previous_issues``: the vehicle's earlier plates counted against this situation's
    limit (the bureau knows them; a till may pass what it knows). ``upload_kinds``: the
    kinds of the uploads named, when known; a missing kind is
    ``temporary_plate.upload_missing`` on ``uploads``. Never raises.
    """
    config = rules or DEFAULT_TEMPORARY_PLATE_RULES
    insurance = _get(request, "insurance")
    situation = _get(request, "situation")
    found = validate_vin(_get(request, "vin"))
    found += [
        dataclasses.replace(item, field=_FIELDS.get(item.field, item.field))
        for item in validate_temporary_plate(
            valid_from=_get(request, "valid_from"),
            valid_to=_get(request, "valid_to"),
            insurance_end=_get(insurance, "ends_on") if insurance is not None else None,
            previous_issues=previous_issues,
            situation=getattr(situation, "value", situation),
            rules=config,
            on=on,
        )
    ]
    if upload_kinds is not None:
        present = set(upload_kinds)
        for kind in required_upload_kinds(getattr(situation, "value", situation)):
            if kind not in present:
                found.append(
                    violation(
                        "temporary_plate.upload_missing",
                        "uploads",
                        f"A temporary plate for this situation needs an upload of kind {kind}.",
                        f"该事由申领临时号牌须上传{_KIND_ZH.get(kind, kind)}。",
                        value=kind,
                    )
                )
    return found


_KIND_ZH = {
    "id_front": "身份证明",
    "insurance_policy": "交强险保单",
    "certificate": "合格证",
    "invoice": "购车发票",
}
