"""``VehregClient`` and ``AsyncVehregClient``: options, credentials and the resources.

Constructing a client only resolves its settings (no socket, no TLS context, no
resource import); the connection pool is made on the first request and the resource
modules on first attribute access. One client is safe to share between threads;
an ``AsyncVehregClient`` belongs to the event loop that first uses it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from ._errors import CredentialsError
from ._kernel import AsyncKernel, SyncKernel
from ._options import DEFAULT_MAX_RETRIES, ClientOptions, default_timeout
from ._signing import (
    DEFAULT_SIGNATURE_METHOD,
    DEFAULT_SIGNATURE_VERSION,
    SIGNATURE_METHODS,
    SIGNATURE_VERSIONS,
    SignatureMethod,
    SignatureVersion,
)
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    import httpx

    from ._raw_clients import AsyncVehregClientWithRawResponse, VehregClientWithRawResponse
    from .resources.bulk import AsyncBulk, Bulk
    from .resources.car_bulk import AsyncCarBulk, CarBulk
    from .resources.car_certificates import AsyncCarCertificates, CarCertificates
    from .resources.catalogue import AsyncCatalogue, Catalogue
    from .resources.certificates import AsyncCertificates, Certificates
    from .resources.ebike_registrations import AsyncEbikeRegistrations, EbikeRegistrations
    from .resources.events import AsyncEvents, Events
    from .resources.keys import AsyncKeys, Keys
    from .resources.onsite_inspections import AsyncOnsiteInspections, OnsiteInspections
    from .resources.photo_requirements import AsyncPhotoRequirements, PhotoRequirements
    from .resources.plate_selections import AsyncPlateSelections, PlateSelections
    from .resources.plate_status import AsyncPlateStatusResource, PlateStatusResource
    from .resources.purchase_tax import AsyncPurchaseTaxResource, PurchaseTaxResource
    from .resources.stores import AsyncStores, Stores
    from .resources.temporary_plates import AsyncTemporaryPlates, TemporaryPlates
    from .resources.uploads import AsyncUploads, Uploads
    from .resources.vehicle_registrations import (
        AsyncVehicleRegistrations,
        VehicleRegistrations,
    )
    from .resources.webhook_endpoints import AsyncWebhookEndpoints, WebhookEndpoints

__all__ = ["AsyncVehregClient", "VehregClient"]


def _check_retries(max_retries: int) -> None:
    if max_retries < 0:
        raise ValueError("max_retries must be >= 0 / 重试次数不能为负数")


def _resolve_options(
    base_url: str | None,
    app_key: str | None,
    app_secret: str | None,
    signature_method: SignatureMethod,
    timeout: float | httpx.Timeout | NotGiven | None,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    signature_version: SignatureVersion = DEFAULT_SIGNATURE_VERSION,
) -> ClientOptions:
    from . import credentials
    from ._logging import setup_from_env

    setup_from_env()
    found = credentials.resolve(base_url, app_key, app_secret)
    if not found.base_url:
        raise CredentialsError(
            "No bureau base URL: pass base_url=, set VEHREG_BASE_URL, run `vehreg configure`, "
            "or start a local sandbox with `vehreg sandbox serve`",
            "未配置车管所服务地址：请传入 base_url=、设置环境变量 VEHREG_BASE_URL、"
            "运行 `vehreg configure`，或用 `vehreg sandbox serve` 启动本地沙箱",
        )
    if found.app_key and not found.app_secret and found.keyring_error is not None:
        message, message_zh = credentials.keyring_problem_text(found.keyring_error)
        raise CredentialsError(message, message_zh)
    if not found.app_key or not found.app_secret:
        raise CredentialsError(
            "No app key or app secret: pass app_key= and app_secret=, set VEHREG_APP_KEY and "
            "VEHREG_APP_SECRET, or run `vehreg configure` to keep the secret in the OS keyring",
            "未配置应用密钥：请传入 app_key= 和 app_secret=、设置环境变量 VEHREG_APP_KEY 和 "
            "VEHREG_APP_SECRET，或运行 `vehreg configure` 将密钥保存到系统钥匙串",
        )
    if signature_method not in SIGNATURE_METHODS:
        raise ValueError(
            f"signature_method must be one of {SIGNATURE_METHODS} / 签名算法应为其中之一"
        )
    if signature_version not in SIGNATURE_VERSIONS:
        raise ValueError(
            f"signature_version must be one of {SIGNATURE_VERSIONS} / 签名版本应为其中之一"
        )
    _check_retries(max_retries)
    return ClientOptions(
        base_url=found.base_url.rstrip("/"),
        app_key=found.app_key,
        app_secret=found.app_secret,
        signature_method=signature_method,
        signature_version=signature_version,
        timeout=default_timeout() if isinstance(timeout, NotGiven) else timeout,
        max_retries=max_retries,
        default_headers=dict(default_headers or {}),
    )


def _changed(
    options: ClientOptions,
    timeout: float | httpx.Timeout | NotGiven | None,
    max_retries: int | NotGiven,
    default_headers: Mapping[str, str] | None,
) -> ClientOptions:
    changes: dict[str, Any] = {}
    if not isinstance(timeout, NotGiven):
        changes["timeout"] = timeout
    if not isinstance(max_retries, NotGiven):
        _check_retries(max_retries)
        changes["max_retries"] = max_retries
    if default_headers is not None:
        changes["default_headers"] = {**options.default_headers, **default_headers}
    return dataclasses.replace(options, **changes)


K = TypeVar("K", SyncKernel, AsyncKernel)


class _ClientBase(Generic[K]):
    _options: ClientOptions
    _kernel: K
    #: False on a ``with_options`` copy: the pool belongs to the original
    _owns_pool: bool

    def with_options(
        self,
        *,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
        default_headers: Mapping[str, str] | None = None,
    ) -> Self:
        """A copy with other defaults that shares this client's connection pool.

        ``client.with_options(max_retries=0).stores.list()``. Closing the copy leaves the
        pool open; closing the original closes it for both.
        """
        copy = object.__new__(type(self))
        copy._options = _changed(self._options, timeout, max_retries, default_headers)
        copy._kernel = self._kernel.with_options(copy._options)
        copy._owns_pool = False
        return copy

    @property
    def base_url(self) -> str:
        return self._options.base_url

    @property
    def app_key(self) -> str:
        return self._options.app_key

    @property
    def signature_method(self) -> SignatureMethod:
        return self._options.signature_method

    @property
    def signature_version(self) -> SignatureVersion:
        return self._options.signature_version

    @property
    def timeout(self) -> float | httpx.Timeout | None:
        return self._options.timeout

    @property
    def max_retries(self) -> int:
        return self._options.max_retries

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, app_key={self.app_key!r}, "
            f"signature_method={self.signature_method!r})"
        )


class VehregClient(_ClientBase[SyncKernel]):
    """The sync client. Use it as a context manager, or call :meth:`close`.

    Credentials: arguments > ``VEHREG_BASE_URL`` / ``VEHREG_APP_KEY`` /
    ``VEHREG_APP_SECRET`` > what ``vehreg configure`` saved (secret in the OS keyring).
    ``http_client``: your own ``httpx.Client`` (its transport, proxies, limits and event
    hooks are used; you close it). Thread-safe.
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        app_key: str | None = None,
        app_secret: str | None = None,
        signature_method: SignatureMethod = DEFAULT_SIGNATURE_METHOD,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
        signature_version: SignatureVersion = DEFAULT_SIGNATURE_VERSION,
    ) -> None:
        self._options = _resolve_options(
            base_url,
            app_key,
            app_secret,
            signature_method,
            timeout,
            max_retries,
            default_headers,
            signature_version,
        )
        self._kernel = SyncKernel(self._options, http_client)
        self._owns_pool = True

    def close(self) -> None:
        """Close the connection pool (a pool you passed as ``http_client`` stays open)."""
        if self._owns_pool:
            self._kernel.pool.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @cached_property
    def with_raw_response(self) -> VehregClientWithRawResponse:
        """The same resources, returning :class:`~vehreg_sdk.APIResponse` (headers, status)."""
        from ._raw_clients import VehregClientWithRawResponse

        return VehregClientWithRawResponse(self)

    @cached_property
    def stores(self) -> Stores:
        from .resources.stores import Stores

        return Stores(self)

    @cached_property
    def catalogue(self) -> Catalogue:
        from .resources.catalogue import Catalogue

        return Catalogue(self)

    @cached_property
    def certificates(self) -> Certificates:
        from .resources.certificates import Certificates

        return Certificates(self)

    @cached_property
    def uploads(self) -> Uploads:
        from .resources.uploads import Uploads

        return Uploads(self)

    @cached_property
    def ebike_registrations(self) -> EbikeRegistrations:
        from .resources.ebike_registrations import EbikeRegistrations

        return EbikeRegistrations(self)

    @cached_property
    def events(self) -> Events:
        from .resources.events import Events

        return Events(self)

    @cached_property
    def webhook_endpoints(self) -> WebhookEndpoints:
        from .resources.webhook_endpoints import WebhookEndpoints

        return WebhookEndpoints(self)

    @cached_property
    def keys(self) -> Keys:
        from .resources.keys import Keys

        return Keys(self)

    @cached_property
    def plate_status(self) -> PlateStatusResource:
        from .resources.plate_status import PlateStatusResource

        return PlateStatusResource(self)

    @cached_property
    def bulk(self) -> Bulk:
        from .resources.bulk import Bulk

        return Bulk(self)

    @cached_property
    def photo_requirements(self) -> PhotoRequirements:
        from .resources.photo_requirements import PhotoRequirements

        return PhotoRequirements(self)

    @cached_property
    def car_certificates(self) -> CarCertificates:
        from .resources.car_certificates import CarCertificates

        return CarCertificates(self)

    @cached_property
    def purchase_tax(self) -> PurchaseTaxResource:
        from .resources.purchase_tax import PurchaseTaxResource

        return PurchaseTaxResource(self)

    @cached_property
    def plate_selections(self) -> PlateSelections:
        from .resources.plate_selections import PlateSelections

        return PlateSelections(self)

    @cached_property
    def temporary_plates(self) -> TemporaryPlates:
        from .resources.temporary_plates import TemporaryPlates

        return TemporaryPlates(self)

    @cached_property
    def vehicle_registrations(self) -> VehicleRegistrations:
        from .resources.vehicle_registrations import VehicleRegistrations

        return VehicleRegistrations(self)

    @cached_property
    def onsite_inspections(self) -> OnsiteInspections:
        from .resources.onsite_inspections import OnsiteInspections

        return OnsiteInspections(self)

    @cached_property
    def car_bulk(self) -> CarBulk:
        from .resources.car_bulk import CarBulk

        return CarBulk(self)


class AsyncVehregClient(_ClientBase[AsyncKernel]):
    """The async client: the same surface with ``await``; ``async with`` closes its pool."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        app_key: str | None = None,
        app_secret: str | None = None,
        signature_method: SignatureMethod = DEFAULT_SIGNATURE_METHOD,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.AsyncClient | None = None,
        signature_version: SignatureVersion = DEFAULT_SIGNATURE_VERSION,
    ) -> None:
        self._options = _resolve_options(
            base_url,
            app_key,
            app_secret,
            signature_method,
            timeout,
            max_retries,
            default_headers,
            signature_version,
        )
        self._kernel = AsyncKernel(self._options, http_client)
        self._owns_pool = True

    async def close(self) -> None:
        if self._owns_pool:
            await self._kernel.pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @cached_property
    def with_raw_response(self) -> AsyncVehregClientWithRawResponse:
        from ._raw_clients import AsyncVehregClientWithRawResponse

        return AsyncVehregClientWithRawResponse(self)

    @cached_property
    def stores(self) -> AsyncStores:
        from .resources.stores import AsyncStores

        return AsyncStores(self)

    @cached_property
    def catalogue(self) -> AsyncCatalogue:
        from .resources.catalogue import AsyncCatalogue

        return AsyncCatalogue(self)

    @cached_property
    def certificates(self) -> AsyncCertificates:
        from .resources.certificates import AsyncCertificates

        return AsyncCertificates(self)

    @cached_property
    def uploads(self) -> AsyncUploads:
        from .resources.uploads import AsyncUploads

        return AsyncUploads(self)

    @cached_property
    def ebike_registrations(self) -> AsyncEbikeRegistrations:
        from .resources.ebike_registrations import AsyncEbikeRegistrations

        return AsyncEbikeRegistrations(self)

    @cached_property
    def events(self) -> AsyncEvents:
        from .resources.events import AsyncEvents

        return AsyncEvents(self)

    @cached_property
    def webhook_endpoints(self) -> AsyncWebhookEndpoints:
        from .resources.webhook_endpoints import AsyncWebhookEndpoints

        return AsyncWebhookEndpoints(self)

    @cached_property
    def keys(self) -> AsyncKeys:
        from .resources.keys import AsyncKeys

        return AsyncKeys(self)

    @cached_property
    def plate_status(self) -> AsyncPlateStatusResource:
        from .resources.plate_status import AsyncPlateStatusResource

        return AsyncPlateStatusResource(self)

    @cached_property
    def bulk(self) -> AsyncBulk:
        from .resources.bulk import AsyncBulk

        return AsyncBulk(self)

    @cached_property
    def photo_requirements(self) -> AsyncPhotoRequirements:
        from .resources.photo_requirements import AsyncPhotoRequirements

        return AsyncPhotoRequirements(self)

    @cached_property
    def car_certificates(self) -> AsyncCarCertificates:
        from .resources.car_certificates import AsyncCarCertificates

        return AsyncCarCertificates(self)

    @cached_property
    def purchase_tax(self) -> AsyncPurchaseTaxResource:
        from .resources.purchase_tax import AsyncPurchaseTaxResource

        return AsyncPurchaseTaxResource(self)

    @cached_property
    def plate_selections(self) -> AsyncPlateSelections:
        from .resources.plate_selections import AsyncPlateSelections

        return AsyncPlateSelections(self)

    @cached_property
    def temporary_plates(self) -> AsyncTemporaryPlates:
        from .resources.temporary_plates import AsyncTemporaryPlates

        return AsyncTemporaryPlates(self)

    @cached_property
    def vehicle_registrations(self) -> AsyncVehicleRegistrations:
        from .resources.vehicle_registrations import AsyncVehicleRegistrations

        return AsyncVehicleRegistrations(self)

    @cached_property
    def onsite_inspections(self) -> AsyncOnsiteInspections:
        from .resources.onsite_inspections import AsyncOnsiteInspections

        return AsyncOnsiteInspections(self)

    @cached_property
    def car_bulk(self) -> AsyncCarBulk:
        from .resources.car_bulk import AsyncCarBulk

        return AsyncCarBulk(self)
