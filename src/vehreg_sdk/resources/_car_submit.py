"""What ``vehicle_registrations.create`` does before and after the POST (sync and async share it).

Before: build the body, run :func:`vehreg_sdk.rules.check_car_registration` (against the
certificate and the tax record when given), and refuse with :class:`LocalValidationError`
without a network call when it finds errors. After: the same recovery as for e-bikes
(:func:`._ebike_submit.should_recover`) when a retried POST meets 409
``vehicle.already_registered``, with "the same registration" meaning channel, VIN and invoice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from .._errors import LocalValidationError
from ..rules._input import today_shanghai
from ..types._base import violations_from_pydantic
from ..types.vehicle_registrations import VehicleRegistration, VehicleRegistrationCreate

if TYPE_CHECKING:
    from ..rules._violation import Violation

__all__ = ["attach_warnings", "build_create", "same_registration"]


def build_create(
    fields: Mapping[str, Any],
    *,
    certificate: object = None,
    tax: object = None,
    on: date | None = None,
) -> tuple[VehicleRegistrationCreate, list[Violation]]:
    """The validated request and its warnings; raises LocalValidationError on any error."""
    from .. import rules

    day = on or today_shanghai()
    try:
        request = VehicleRegistrationCreate.model_validate(dict(fields))
    except ValidationError as exc:
        raw = {
            name: value.model_dump() if hasattr(value, "model_dump") else value
            for name, value in fields.items()
        }
        found = rules.check_car_registration(raw, certificate, on=day, tax=tax)
        rule_codes = {v.code for v in found}
        model_errors = [v for v in violations_from_pydantic(exc) if v.code not in rule_codes]
        errors = [*model_errors, *(v for v in found if v.is_error)]
        raise LocalValidationError(errors, [v for v in found if not v.is_error]) from None
    found = rules.check_car_registration(request, certificate, on=day, tax=tax)
    errors = [v for v in found if v.is_error]
    warnings = [v for v in found if not v.is_error]
    if errors:
        raise LocalValidationError(errors, warnings)
    return request, warnings


def request_fields(
    *,
    store_id: str | None,
    vehicle: Any,
    owner: Any,
    invoice: Any,
    insurance: Any,
    plate: Any,
    agent: Any,
    uploads: Sequence[str],
    client_reference: str | None,
    onsite_inspection_id: str | None = None,
    supervision: Any = None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "store_id": store_id,
        "onsite_inspection_id": onsite_inspection_id,
        "vehicle": vehicle,
        "owner": owner,
        "invoice": invoice,
        "insurance": insurance,
        "plate": plate,
        "uploads": list(uploads),
        "client_reference": client_reference,
    }
    if agent is not None:
        fields["agent"] = agent
    if supervision is not None:
        fields["supervision"] = supervision
    return fields


def same_registration(existing: VehicleRegistration, request: VehicleRegistrationCreate) -> bool:
    """The existing registration is this very one: same store, VIN, invoice (and reference)."""
    return (
        existing.store_id == request.store_id
        and existing.onsite_inspection_id == request.onsite_inspection_id
        and existing.vehicle.vin == request.vehicle.vin
        and existing.invoice.number == request.invoice.number
        and (
            request.client_reference is None
            or existing.client_reference == request.client_reference
        )
    )


def attach_warnings(result: Any, warnings: list[Violation]) -> Any:
    if isinstance(result, VehicleRegistration):
        result._local_warnings = list(warnings)
    return result
