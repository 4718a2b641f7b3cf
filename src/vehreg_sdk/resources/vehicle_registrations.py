"""``client.vehicle_registrations``: new cars at a 4S registration station (登记服务站).

``create`` submits (``submitted``); the station inspects the car, runs the safety test
where one is required (``awaiting_safety_test``) and assigns the plate
(``plate_assigned``, with ``plate_number`` and ``plate_token``); the plate-fitted photo
starts the review (``awaiting_review``), which answers ``approved`` or ``returned``.
Through a completed on-site inspection (``onsite_inspection_id``) the safety test and the
photos were done at the depot: ``submitted`` → ``plate_assigned`` → ``awaiting_review``.
Batches of cars: :attr:`vehreg_sdk.VehregClient.car_bulk`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, Unpack

from .._errors import ConflictError
from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import FileInput, PollOptions, RequestOptions
from ..types.uploads import UploadKind
from ..types.vehicle_registrations import VehicleRegistration, VehicleRegistrationStatus
from . import _car_submit as submit
from ._base import (
    AsyncAPIResource,
    SyncAPIResource,
    WaitPlan,
    model_parser,
    read_options,
    to_raw,
    to_raw_async,
    to_raw_async_list,
)
from ._ebike_submit import should_recover
from .ebike_registrations import DEFAULT_WAIT_UNTIL
from .uploads import multipart, multipart_async

__all__ = [
    "AsyncVehicleRegistrations",
    "AsyncVehicleRegistrationsWithRawResponse",
    "VehicleRegistrations",
    "VehicleRegistrationsWithRawResponse",
]

PATH: Final = "/v1/vehicle-registrations"
_PARSE = model_parser(VehicleRegistration)
Part = Mapping[str, Any] | Any


def _handover_body(handed_over_on: date | None) -> dict[str, Any]:
    return {} if handed_over_on is None else {"handed_over_on": handed_over_on.isoformat()}


class VehicleRegistrations(SyncAPIResource):
    def create(
        self,
        *,
        store_id: str | None = None,
        onsite_inspection_id: str | None = None,
        vehicle: Part,
        owner: Part,
        invoice: Part,
        insurance: Part,
        plate: Part,
        agent: Part | None = None,
        supervision: Part | None = None,
        uploads: Sequence[str] = (),
        client_reference: str | None = None,
        certificate: Any = None,
        tax: Any = None,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistration:
        """Submit a car registration; returns it ``submitted``.

        The channel is ``store_id`` (a registration station) or ``onsite_inspection_id``
        (a completed on-site inspection, 上门查验: the way for key and operating vehicles,
        which also carry their ``supervision`` enrolment).

        :func:`vehreg_sdk.rules.check_car_registration` runs first, against
        ``certificate`` (a :class:`~vehreg_sdk.types.CarCertificate`) and ``tax`` (a
        :class:`~vehreg_sdk.types.PurchaseTax`) when given; neither is sent. Errors raise
        :class:`~vehreg_sdk.LocalValidationError` with nothing sent; warnings land in
        ``result.local_warnings``. One ``Idempotency-Key`` covers every retry; a 409
        ``tax.pending`` is retried by itself after ``Retry-After``. A 422 ``tax.unpaid``
        is final for its key: pay, then call again (a new key is made unless you pass one).
        """
        fields = submit.request_fields(
            store_id=store_id, vehicle=vehicle, owner=owner, invoice=invoice,
            insurance=insurance, plate=plate, agent=agent, uploads=uploads,
            client_reference=client_reference, onsite_inspection_id=onsite_inspection_id,
            supervision=supervision,
        )  # fmt: skip
        request, warnings = submit.build_create(fields, certificate=certificate, tax=tax)
        body = request.model_dump(mode="json", exclude_none=True)
        try:
            result = self._request("POST", PATH, _PARSE, options, json_body=body)
        except ConflictError as error:
            if not should_recover(error, "idempotency_key" in options):
                raise
            assert error.existing_id is not None
            found = self.retrieve(error.existing_id, **read_options(options))
            existing = found.parse() if self._raw else found  # type: ignore[attr-defined]
            if not submit.same_registration(existing, request):
                raise
            result = found
        return submit.attach_warnings(result, warnings)  # type: ignore[no-any-return]

    def retrieve(
        self, registration_id: str, **options: Unpack[RequestOptions]
    ) -> VehicleRegistration:
        result: VehicleRegistration = self._retrieve(PATH, registration_id, _PARSE, options)
        return result

    def list(
        self,
        *,
        status: VehicleRegistrationStatus | str | None = None,
        store_id: str | None = None,
        vin: str | None = None,
        created_gte: datetime | date | str | None = None,
        created_lt: datetime | date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[VehicleRegistration]:
        """The dealer's car registrations, newest first; iterating walks every page."""
        params = page_params(
            status=status, store_id=store_id, vin=vin, created_gte=created_gte,
            created_lt=created_lt, limit=limit, cursor=cursor,
        )  # fmt: skip
        page: SyncCursorPage[VehicleRegistration] = self._page(
            PATH, VehicleRegistration, params, options
        )
        return page

    def cancel(
        self, registration_id: str, *, reason: str = "", **options: Unpack[RequestOptions]
    ) -> VehicleRegistration:
        """Cancel before approval: frees the VIN and releases the plate number."""
        result: VehicleRegistration = self._action(
            PATH, registration_id, "cancel", _PARSE, options, json_body={"reason": reason}
        )
        return result

    def plates_handed_over(
        self,
        registration_id: str,
        *,
        handed_over_on: date | None = None,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistration:
        """Record the day the owner received the metal plates (default: today in Shanghai);
        the car's temporary plate is void 3 days later. The same day again is a no-op."""
        result: VehicleRegistration = self._action(
            PATH,
            registration_id,
            "plates-handed-over",
            _PARSE,
            options,
            json_body=_handover_body(handed_over_on),
        )
        return result

    def upload_photo(
        self,
        registration_id: str,
        *,
        kind: UploadKind | str,
        file: FileInput,
        prepare: bool = True,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistration:
        """Add a photo: ``plate_fitted`` once the plates are on, or a retake after ``returned``.

        The photo is prepared as by ``client.uploads.create`` (``prepare=False``: as it is).
        """
        files, data = multipart(kind, file, prepare)
        result: VehicleRegistration = self._action(
            PATH, registration_id, "photos", _PARSE, options, files=files, data=data
        )
        return result

    def wait(
        self,
        registration_id: str,
        *,
        until: Collection[VehicleRegistrationStatus | str] = DEFAULT_WAIT_UNTIL,
        timeout: float = 120.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        **options: Unpack[PollOptions],
    ) -> VehicleRegistration:
        """Poll until the status is one of ``until`` (``{"plate_assigned"}`` for the plate);
        raises :class:`WaitTimeoutError`. As :meth:`EbikeRegistrations.wait`."""
        plan = WaitPlan.backoff(registration_id, until, timeout, poll_interval, max_poll_interval)
        return self._wait(plan, lambda: self.retrieve(registration_id, **options))


class AsyncVehicleRegistrations(AsyncAPIResource):
    async def create(
        self,
        *,
        store_id: str | None = None,
        onsite_inspection_id: str | None = None,
        vehicle: Part,
        owner: Part,
        invoice: Part,
        insurance: Part,
        plate: Part,
        agent: Part | None = None,
        supervision: Part | None = None,
        uploads: Sequence[str] = (),
        client_reference: str | None = None,
        certificate: Any = None,
        tax: Any = None,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistration:
        """See :meth:`VehicleRegistrations.create`: the same checks, key and recovery."""
        fields = submit.request_fields(
            store_id=store_id, vehicle=vehicle, owner=owner, invoice=invoice,
            insurance=insurance, plate=plate, agent=agent, uploads=uploads,
            client_reference=client_reference, onsite_inspection_id=onsite_inspection_id,
            supervision=supervision,
        )  # fmt: skip
        request, warnings = submit.build_create(fields, certificate=certificate, tax=tax)
        body = request.model_dump(mode="json", exclude_none=True)
        try:
            result = await self._request("POST", PATH, _PARSE, options, json_body=body)
        except ConflictError as error:
            if not should_recover(error, "idempotency_key" in options):
                raise
            assert error.existing_id is not None
            found = await self.retrieve(error.existing_id, **read_options(options))
            existing = found.parse() if self._raw else found  # type: ignore[attr-defined]
            if not submit.same_registration(existing, request):
                raise
            result = found
        return submit.attach_warnings(result, warnings)  # type: ignore[no-any-return]

    async def retrieve(
        self, registration_id: str, **options: Unpack[RequestOptions]
    ) -> VehicleRegistration:
        result: VehicleRegistration = await self._retrieve(PATH, registration_id, _PARSE, options)
        return result

    def list(
        self,
        *,
        status: VehicleRegistrationStatus | str | None = None,
        store_id: str | None = None,
        vin: str | None = None,
        created_gte: datetime | date | str | None = None,
        created_lt: datetime | date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[VehicleRegistration]:
        params = page_params(
            status=status, store_id=store_id, vin=vin, created_gte=created_gte,
            created_lt=created_lt, limit=limit, cursor=cursor,
        )  # fmt: skip
        paginator: AsyncPaginator[VehicleRegistration] = self._page(
            PATH, VehicleRegistration, params, options
        )
        return paginator

    async def cancel(
        self, registration_id: str, *, reason: str = "", **options: Unpack[RequestOptions]
    ) -> VehicleRegistration:
        result: VehicleRegistration = await self._action(
            PATH, registration_id, "cancel", _PARSE, options, json_body={"reason": reason}
        )
        return result

    async def plates_handed_over(
        self,
        registration_id: str,
        *,
        handed_over_on: date | None = None,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistration:
        result: VehicleRegistration = await self._action(
            PATH,
            registration_id,
            "plates-handed-over",
            _PARSE,
            options,
            json_body=_handover_body(handed_over_on),
        )
        return result

    async def upload_photo(
        self,
        registration_id: str,
        *,
        kind: UploadKind | str,
        file: FileInput,
        prepare: bool = True,
        **options: Unpack[RequestOptions],
    ) -> VehicleRegistration:
        """See :meth:`VehicleRegistrations.upload_photo`; the photo is prepared off the loop."""
        files, data = await multipart_async(kind, file, prepare)
        result: VehicleRegistration = await self._action(
            PATH, registration_id, "photos", _PARSE, options, files=files, data=data
        )
        return result

    async def wait(
        self,
        registration_id: str,
        *,
        until: Collection[VehicleRegistrationStatus | str] = DEFAULT_WAIT_UNTIL,
        timeout: float = 120.0,  # noqa: ASYNC109 - the whole wait's budget, not one request's
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        **options: Unpack[PollOptions],
    ) -> VehicleRegistration:
        """See :meth:`VehicleRegistrations.wait`."""
        plan = WaitPlan.backoff(registration_id, until, timeout, poll_interval, max_poll_interval)
        return await self._wait(plan, lambda: self.retrieve(registration_id, **options))


class VehicleRegistrationsWithRawResponse:
    def __init__(self, resource: VehicleRegistrations) -> None:
        self.create = to_raw(resource.create)
        self.retrieve = to_raw(resource.retrieve)
        self.list = to_raw(resource.list)
        self.cancel = to_raw(resource.cancel)
        self.plates_handed_over = to_raw(resource.plates_handed_over)
        self.upload_photo = to_raw(resource.upload_photo)


class AsyncVehicleRegistrationsWithRawResponse:
    def __init__(self, resource: AsyncVehicleRegistrations) -> None:
        self.create = to_raw_async(resource.create)
        self.retrieve = to_raw_async(resource.retrieve)
        self.list = to_raw_async_list(resource.list)
        self.cancel = to_raw_async(resource.cancel)
        self.plates_handed_over = to_raw_async(resource.plates_handed_over)
        self.upload_photo = to_raw_async(resource.upload_photo)
