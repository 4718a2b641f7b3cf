"""What ``ebike_registrations.create`` does before and after the POST (sync and async share it).

Before: build the body from models or dicts, run the domain rules, and refuse with
:class:`LocalValidationError` (no network call) when they find errors.

After: recover the original registration when a *retried* POST meets
``409 vehicle.already_registered`` (see :func:`should_recover`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .._errors import ConflictError, LocalValidationError
from .._logging import logger
from ..rules._input import today_shanghai as business_date
from ..types._base import violations_from_pydantic
from ..types.ebike_registrations import (
    EbikeRegistration,
    EbikeRegistrationCreate,
    EbikeVehicle,
    Owner,
    Sale,
)

if TYPE_CHECKING:
    from ..rules._violation import Violation
    from ..types.certificates import EbikeCertificate

__all__ = [
    "ALREADY_REGISTERED",
    "attach_warnings",
    "build_create",
    "business_date",
    "recovered",
    "request_body",
    "same_sale",
    "should_recover",
]

ALREADY_REGISTERED = "vehicle.already_registered"


def build_create(
    *,
    store_id: str,
    vehicle: EbikeVehicle | Mapping[str, Any],
    owner: Owner | Mapping[str, Any],
    sale: Sale | Mapping[str, Any],
    uploads: Sequence[str],
    client_reference: str | None,
    certificate: EbikeCertificate | None,
    on: date | None = None,
) -> tuple[EbikeRegistrationCreate, list[Violation]]:
    """The validated request and its warnings; raises LocalValidationError on any error.

    When the models cannot even be built, the rules still run on the raw input (they are
    duck-typed) so the error lists every problem at once, not just the first per field.
    """
    from .. import rules

    on = on or business_date()
    try:
        request = EbikeRegistrationCreate.model_validate(
            {
                "store_id": store_id,
                "vehicle": vehicle,
                "owner": owner,
                "sale": sale,
                "uploads": list(uploads),
                "client_reference": client_reference,
            }
        )
    except ValidationError as exc:
        found = rules.check_ebike_registration(vehicle, owner, sale, certificate, on=on)
        rule_codes = {v.code for v in found}
        model_errors = [v for v in violations_from_pydantic(exc) if v.code not in rule_codes]
        errors = [*model_errors, *(v for v in found if v.is_error)]
        raise LocalValidationError(errors, [v for v in found if not v.is_error]) from None
    found = rules.check_ebike_registration(
        request.vehicle, request.owner, request.sale, certificate, on=on
    )
    errors = [v for v in found if v.is_error]
    warnings = [v for v in found if not v.is_error]
    if errors:
        raise LocalValidationError(errors, warnings)
    return request, warnings


def request_body(request: EbikeRegistrationCreate) -> dict[str, Any]:
    return request.model_dump(mode="json", exclude_none=True)


def should_recover(error: ConflictError, caller_key: bool) -> bool:
    """Whether a 409 may be the echo of our own earlier, committed attempt.

    True for ``vehicle.already_registered`` with an ``existing_id`` when either this call
    already retried (its first attempt may have committed before the response was lost
    and the idempotency record has since expired) or the caller supplied the
    ``idempotency_key`` (an outbox resend of an earlier call). A 409 on the first attempt
    of a call with a generated key is a genuine duplicate sale and is raised as it is.
    """
    return (
        error.code == ALREADY_REGISTERED
        and bool(error.existing_id)
        and (error.retries_taken > 0 or caller_key)
    )


def same_sale(existing: EbikeRegistration, request: EbikeRegistrationCreate) -> bool:
    """The existing registration is this very sale: same store, vehicle, invoice (and reference)."""
    if existing.store_id != request.store_id:
        return False
    if existing.vehicle.vehicle_code != request.vehicle.vehicle_code:
        return False
    if existing.sale.invoice_number != request.sale.invoice_number:
        return False
    return request.client_reference is None or existing.client_reference == request.client_reference


def recovered(
    found: Any, raw: bool, request: EbikeRegistrationCreate, error: ConflictError
) -> bool:
    """Whether ``found`` (the registration ``error`` names; an APIResponse when ``raw``)
    is this very sale, so that ``create`` may return it; logs the recovery when it is."""
    existing = found.parse() if raw else found
    if not same_sale(existing, request):
        return False
    logger.info(
        "recovered registration %s: a retried create met %s (request_id=%s); "
        "the earlier attempt had committed",
        error.existing_id,
        ALREADY_REGISTERED,
        error.request_id,
    )
    return True


def attach_warnings(result: Any, warnings: list[Violation]) -> Any:
    if isinstance(result, EbikeRegistration):
        result._local_warnings = list(warnings)
    return result
