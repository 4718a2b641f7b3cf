"""The registration kinds the outbox carries, and the little that differs between them.

An item is keyed by (kind, business key): the 15-digit vehicle code (整车编码)
of an e-bike, the VIN of a car. Everything else (claiming, leases, retries,
the same Idempotency-Key on every attempt, recognising our own registration
in a 409 by ``client_reference``) is the same for both, so the store and sync
ask this module only for the request model, the key and the client resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..types import EbikeRegistrationCreate, VehicleRegistrationCreate

__all__ = ["CAR", "EBIKE", "RegistrationKind", "kind_named", "validate"]

RequestModel = EbikeRegistrationCreate | VehicleRegistrationCreate


@dataclass(frozen=True, slots=True)
class RegistrationKind:
    """One kind: its name in the outbox file, its request model, the client resource and the
    fields ``create()`` takes besides ``uploads``."""

    name: str
    model: type[EbikeRegistrationCreate] | type[VehicleRegistrationCreate]
    resource: str
    fields: tuple[str, ...]

    def business_key(self, request: Any) -> str:
        """The vehicle code of an e-bike, the VIN of a car."""
        vehicle = request.vehicle
        return str(vehicle.vin if self is CAR else vehicle.vehicle_code)

    def create_kwargs(self, payload: Mapping[str, Any], upload_ids: list[str]) -> dict[str, Any]:
        """The keyword arguments of ``client.<resource>.create`` for a stored payload."""
        kwargs = {name: payload.get(name) for name in self.fields}
        kwargs["uploads"] = [*payload.get("uploads", []), *upload_ids]
        return kwargs


EBIKE = RegistrationKind(
    "ebike",
    EbikeRegistrationCreate,
    "ebike_registrations",
    ("store_id", "vehicle", "owner", "sale", "client_reference"),
)
CAR = RegistrationKind(
    "car",
    VehicleRegistrationCreate,
    "vehicle_registrations",
    ("store_id", "vehicle", "owner", "agent", "invoice", "insurance", "plate", "client_reference"),
)
_KINDS = {kind.name: kind for kind in (EBIKE, CAR)}


def kind_named(name: str) -> RegistrationKind:
    return _KINDS[name]


def validate(registration: RequestModel | Mapping[str, Any]) -> tuple[RegistrationKind, Any]:
    """The kind of a registration (a model, or a body: a car's has ``plate`` and ``invoice``)
    and its validated request model (the domain rules run; bad input raises ValidationError)."""
    if isinstance(registration, VehicleRegistrationCreate):
        return CAR, registration
    if isinstance(registration, EbikeRegistrationCreate):
        return EBIKE, registration
    body = dict(registration)
    kind = CAR if "plate" in body and "invoice" in body else EBIKE
    return kind, kind.model.model_validate(body)
