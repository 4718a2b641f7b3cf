"""``client.ebike_registrations``: e-bike plate-with-sale (带牌销售).

A registration is created at the till and gets its plate at once (``plate_assigned``);
the clerk then uploads the plate-fitted photo (``awaiting_review``) and the police
review it: ``approved``, ``returned`` (fix the photos and upload again) or ``rejected``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, Unpack

from .._dates import shanghai_day, shanghai_instant
from .._errors import ConflictError
from .._pagination import AsyncPaginator, SyncCursorPage, page_params
from .._types import FileInput, PollOptions, RequestOptions
from ..types.ebike_registrations import (
    EbikeRegistration,
    EbikeVehicle,
    Owner,
    RegistrationStatus,
    Sale,
)
from ..types.uploads import UploadKind
from . import _ebike_submit as submit
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
from .uploads import multipart, multipart_async

if TYPE_CHECKING:
    from ..types.certificates import EbikeCertificate

__all__ = ["DEFAULT_WAIT_UNTIL", "AsyncEbikeRegistrations", "EbikeRegistrations"]

PATH: Final = "/v1/ebike-registrations"
#: ``wait()`` stops at any of these unless told otherwise: each needs no more waiting
DEFAULT_WAIT_UNTIL: Final = frozenset({"approved", "returned", "rejected", "cancelled"})
_PARSE = model_parser(EbikeRegistration)


def _list_params(
    *,
    created_gte: datetime | date | str | None,
    created_lt: datetime | date | str | None,
    created_on: date | str | None,
    **params: Any,
) -> dict[str, Any]:
    """The query of ``list()``: dates and datetimes as the bureau reads them (``_dates``)."""
    return page_params(
        created_gte=None if created_gte is None else shanghai_instant(created_gte),
        created_lt=None if created_lt is None else shanghai_instant(created_lt),
        created_on=None if created_on is None else shanghai_day(created_on),
        **params,
    )


class EbikeRegistrations(SyncAPIResource):
    def create(
        self,
        *,
        store_id: str,
        vehicle: EbikeVehicle | Mapping[str, Any],
        owner: Owner | Mapping[str, Any],
        sale: Sale | Mapping[str, Any],
        uploads: Sequence[str] = (),
        client_reference: str | None = None,
        certificate: EbikeCertificate | None = None,
        **options: Unpack[RequestOptions],
    ) -> EbikeRegistration:
        """Register a sale and get its plate (``plate_number``, ``plate_token``) at once.

        The domain rules run first (against ``certificate`` too, when given; it is not
        sent): any error raises :class:`~vehreg_sdk.LocalValidationError` and nothing is
        sent; warnings end up in ``result.local_warnings``. Inputs are models or dicts.

        The POST carries one ``Idempotency-Key`` (yours, or a fresh UUID) on every retry,
        so a lost response never makes a second registration: the retry is answered with
        the original. If that record has expired and the retry meets ``409
        vehicle.already_registered``, the registration named by ``existing_id`` is fetched
        and returned when it is this same sale (store, vehicle code, invoice number, and
        ``client_reference`` when given); otherwise the :class:`ConflictError` is raised.
        """
        request, warnings = submit.build_create(
            store_id=store_id, vehicle=vehicle, owner=owner, sale=sale, uploads=uploads,
            client_reference=client_reference, certificate=certificate,
        )  # fmt: skip
        body = submit.request_body(request)
        try:
            result = self._request("POST", PATH, _PARSE, options, json_body=body)
        except ConflictError as error:
            if not submit.should_recover(error, "idempotency_key" in options):
                raise
            assert error.existing_id is not None
            found = self.retrieve(error.existing_id, **read_options(options))
            if not submit.recovered(found, self._raw, request, error):
                raise
            result = found
        return submit.attach_warnings(result, warnings)  # type: ignore[no-any-return]

    def retrieve(
        self, registration_id: str, **options: Unpack[RequestOptions]
    ) -> EbikeRegistration:
        """One registration as it is now."""
        result: EbikeRegistration = self._retrieve(PATH, registration_id, _PARSE, options)
        return result

    def list(
        self,
        *,
        status: RegistrationStatus | str | None = None,
        store_id: str | None = None,
        created_gte: datetime | date | str | None = None,
        created_lt: datetime | date | str | None = None,
        created_on: date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> SyncCursorPage[EbikeRegistration]:
        """The dealer's registrations, newest first; iterating walks every page.

        ``created_on`` is a business day (Asia/Shanghai). ``created_gte``/``created_lt``
        are instants: a ``date`` means that day's 00:00 in Asia/Shanghai, an aware
        ``datetime`` is sent as it is, a naive one is read as Asia/Shanghai time.
        """
        params = _list_params(
            status=status, store_id=store_id, created_gte=created_gte, created_lt=created_lt,
            created_on=created_on, limit=limit, cursor=cursor,
        )  # fmt: skip
        page: SyncCursorPage[EbikeRegistration] = self._page(
            PATH, EbikeRegistration, params, options
        )
        return page

    def cancel(
        self, registration_id: str, *, reason: str = "", **options: Unpack[RequestOptions]
    ) -> EbikeRegistration:
        """Cancel before approval (a returned sale, a mistaken entry): ``cancelled``."""
        result: EbikeRegistration = self._action(
            PATH, registration_id, "cancel", _PARSE, options, json_body={"reason": reason}
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
    ) -> EbikeRegistration:
        """Add (or replace) a photo, typically ``plate_fitted`` after the plate is on.

        After a ``returned`` review, upload the corrected photos again the same way.
        The photo is prepared as by ``client.uploads.create`` (``prepare=False``: as it is).
        """
        files, data = multipart(kind, file, prepare)
        result: EbikeRegistration = self._action(
            PATH, registration_id, "photos", _PARSE, options, files=files, data=data
        )
        return result

    def wait(
        self,
        registration_id: str,
        *,
        until: Collection[RegistrationStatus | str] = DEFAULT_WAIT_UNTIL,
        timeout: float = 120.0,
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        **options: Unpack[PollOptions],
    ) -> EbikeRegistration:
        """Poll until the status is one of ``until``; raises :class:`WaitTimeoutError`.

        Polls start ``poll_interval`` apart and grow by half each time up to
        ``max_poll_interval``. ``timeout`` bounds the whole wait, not each request.
        """
        plan = WaitPlan.backoff(registration_id, until, timeout, poll_interval, max_poll_interval)
        return self._wait(plan, lambda: self.retrieve(registration_id, **options))


class AsyncEbikeRegistrations(AsyncAPIResource):
    async def create(
        self,
        *,
        store_id: str,
        vehicle: EbikeVehicle | Mapping[str, Any],
        owner: Owner | Mapping[str, Any],
        sale: Sale | Mapping[str, Any],
        uploads: Sequence[str] = (),
        client_reference: str | None = None,
        certificate: EbikeCertificate | None = None,
        **options: Unpack[RequestOptions],
    ) -> EbikeRegistration:
        """See :meth:`EbikeRegistrations.create`: the same checks, key and recovery."""
        request, warnings = submit.build_create(
            store_id=store_id, vehicle=vehicle, owner=owner, sale=sale, uploads=uploads,
            client_reference=client_reference, certificate=certificate,
        )  # fmt: skip
        body = submit.request_body(request)
        try:
            result = await self._request("POST", PATH, _PARSE, options, json_body=body)
        except ConflictError as error:
            if not submit.should_recover(error, "idempotency_key" in options):
                raise
            assert error.existing_id is not None
            found = await self.retrieve(error.existing_id, **read_options(options))
            if not submit.recovered(found, self._raw, request, error):
                raise
            result = found
        return submit.attach_warnings(result, warnings)  # type: ignore[no-any-return]

    async def retrieve(
        self, registration_id: str, **options: Unpack[RequestOptions]
    ) -> EbikeRegistration:
        result: EbikeRegistration = await self._retrieve(PATH, registration_id, _PARSE, options)
        return result

    def list(
        self,
        *,
        status: RegistrationStatus | str | None = None,
        store_id: str | None = None,
        created_gte: datetime | date | str | None = None,
        created_lt: datetime | date | str | None = None,
        created_on: date | str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[EbikeRegistration]:
        """``async for r in client.ebike_registrations.list(...)`` walks every page."""
        params = _list_params(
            status=status, store_id=store_id, created_gte=created_gte, created_lt=created_lt,
            created_on=created_on, limit=limit, cursor=cursor,
        )  # fmt: skip
        paginator: AsyncPaginator[EbikeRegistration] = self._page(
            PATH, EbikeRegistration, params, options
        )
        return paginator

    async def cancel(
        self, registration_id: str, *, reason: str = "", **options: Unpack[RequestOptions]
    ) -> EbikeRegistration:
        result: EbikeRegistration = await self._action(
            PATH, registration_id, "cancel", _PARSE, options, json_body={"reason": reason}
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
    ) -> EbikeRegistration:
        files, data = await multipart_async(kind, file, prepare)
        result: EbikeRegistration = await self._action(
            PATH, registration_id, "photos", _PARSE, options, files=files, data=data
        )
        return result

    async def wait(
        self,
        registration_id: str,
        *,
        until: Collection[RegistrationStatus | str] = DEFAULT_WAIT_UNTIL,
        timeout: float = 120.0,  # noqa: ASYNC109 - the whole wait's budget, not one request's
        poll_interval: float = 0.5,
        max_poll_interval: float = 5.0,
        **options: Unpack[PollOptions],
    ) -> EbikeRegistration:
        """See :meth:`EbikeRegistrations.wait`."""
        plan = WaitPlan.backoff(registration_id, until, timeout, poll_interval, max_poll_interval)
        return await self._wait(plan, lambda: self.retrieve(registration_id, **options))


class EbikeRegistrationsWithRawResponse:
    def __init__(self, registrations: EbikeRegistrations) -> None:
        self.create = to_raw(registrations.create)
        self.retrieve = to_raw(registrations.retrieve)
        self.list = to_raw(registrations.list)
        self.cancel = to_raw(registrations.cancel)
        self.upload_photo = to_raw(registrations.upload_photo)


class AsyncEbikeRegistrationsWithRawResponse:
    def __init__(self, registrations: AsyncEbikeRegistrations) -> None:
        self.create = to_raw_async(registrations.create)
        self.retrieve = to_raw_async(registrations.retrieve)
        self.list = to_raw_async_list(registrations.list)
        self.cancel = to_raw_async(registrations.cancel)
        self.upload_photo = to_raw_async(registrations.upload_photo)
