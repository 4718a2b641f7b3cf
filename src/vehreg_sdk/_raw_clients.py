"""The ``with_raw_response`` views: every resource method, returning an ``APIResponse``.

``client.with_raw_response.ebike_registrations.retrieve(id)`` sends the same request as
the plain call and returns the response (``status_code``, ``headers``, ``request_id``,
``retries_taken``); ``.parse()`` gives the model. ``wait()`` has no raw form.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._client import AsyncVehregClient, VehregClient
    from .resources.car_certificates import (
        AsyncCarCertificatesWithRawResponse,
        CarCertificatesWithRawResponse,
    )
    from .resources.catalogue import (
        AsyncCatalogueWithRawResponse,
        CatalogueWithRawResponse,
    )
    from .resources.certificates import (
        AsyncCertificatesWithRawResponse,
        CertificatesWithRawResponse,
    )
    from .resources.ebike_registrations import (
        AsyncEbikeRegistrationsWithRawResponse,
        EbikeRegistrationsWithRawResponse,
    )
    from .resources.events import (
        AsyncEventsWithRawResponse,
        EventsWithRawResponse,
    )
    from .resources.keys import (
        AsyncKeysWithRawResponse,
        KeysWithRawResponse,
    )
    from .resources.onsite_inspections import (
        AsyncOnsiteInspectionsWithRawResponse,
        OnsiteInspectionsWithRawResponse,
    )
    from .resources.photo_requirements import (
        AsyncPhotoRequirementsWithRawResponse,
        PhotoRequirementsWithRawResponse,
    )
    from .resources.plate_selections import (
        AsyncPlateSelectionsWithRawResponse,
        PlateSelectionsWithRawResponse,
    )
    from .resources.plate_status import (
        AsyncPlateStatusWithRawResponse,
        PlateStatusWithRawResponse,
    )
    from .resources.purchase_tax import (
        AsyncPurchaseTaxWithRawResponse,
        PurchaseTaxWithRawResponse,
    )
    from .resources.stores import (
        AsyncStoresWithRawResponse,
        StoresWithRawResponse,
    )
    from .resources.temporary_plates import (
        AsyncTemporaryPlatesWithRawResponse,
        TemporaryPlatesWithRawResponse,
    )
    from .resources.uploads import (
        AsyncUploadsWithRawResponse,
        UploadsWithRawResponse,
    )
    from .resources.vehicle_registrations import (
        AsyncVehicleRegistrationsWithRawResponse,
        VehicleRegistrationsWithRawResponse,
    )
    from .resources.webhook_endpoints import (
        AsyncWebhookEndpointsWithRawResponse,
        WebhookEndpointsWithRawResponse,
    )

__all__ = ["AsyncVehregClientWithRawResponse", "VehregClientWithRawResponse"]


class VehregClientWithRawResponse:
    def __init__(self, client: VehregClient) -> None:
        self._client = client

    @cached_property
    def stores(self) -> StoresWithRawResponse:
        from .resources.stores import Stores, StoresWithRawResponse

        return StoresWithRawResponse(Stores(self._client, raw=True))

    @cached_property
    def catalogue(self) -> CatalogueWithRawResponse:
        from .resources.catalogue import Catalogue, CatalogueWithRawResponse

        return CatalogueWithRawResponse(Catalogue(self._client, raw=True))

    @cached_property
    def certificates(self) -> CertificatesWithRawResponse:
        from .resources.certificates import Certificates, CertificatesWithRawResponse

        return CertificatesWithRawResponse(Certificates(self._client, raw=True))

    @cached_property
    def uploads(self) -> UploadsWithRawResponse:
        from .resources.uploads import Uploads, UploadsWithRawResponse

        return UploadsWithRawResponse(Uploads(self._client, raw=True))

    @cached_property
    def ebike_registrations(self) -> EbikeRegistrationsWithRawResponse:
        from .resources.ebike_registrations import (
            EbikeRegistrations,
            EbikeRegistrationsWithRawResponse,
        )

        return EbikeRegistrationsWithRawResponse(EbikeRegistrations(self._client, raw=True))

    @cached_property
    def events(self) -> EventsWithRawResponse:
        from .resources.events import Events, EventsWithRawResponse

        return EventsWithRawResponse(Events(self._client, raw=True))

    @cached_property
    def webhook_endpoints(self) -> WebhookEndpointsWithRawResponse:
        from .resources.webhook_endpoints import WebhookEndpoints, WebhookEndpointsWithRawResponse

        return WebhookEndpointsWithRawResponse(WebhookEndpoints(self._client, raw=True))

    @cached_property
    def keys(self) -> KeysWithRawResponse:
        from .resources.keys import Keys, KeysWithRawResponse

        return KeysWithRawResponse(Keys(self._client, raw=True))

    @cached_property
    def vehicle_registrations(self) -> VehicleRegistrationsWithRawResponse:
        from .resources.vehicle_registrations import (
            VehicleRegistrations,
            VehicleRegistrationsWithRawResponse,
        )

        return VehicleRegistrationsWithRawResponse(VehicleRegistrations(self._client, raw=True))

    @cached_property
    def onsite_inspections(self) -> OnsiteInspectionsWithRawResponse:
        from .resources.onsite_inspections import (
            OnsiteInspections,
            OnsiteInspectionsWithRawResponse,
        )

        return OnsiteInspectionsWithRawResponse(OnsiteInspections(self._client, raw=True))

    @cached_property
    def plate_selections(self) -> PlateSelectionsWithRawResponse:
        from .resources.plate_selections import PlateSelections, PlateSelectionsWithRawResponse

        return PlateSelectionsWithRawResponse(PlateSelections(self._client, raw=True))

    @cached_property
    def temporary_plates(self) -> TemporaryPlatesWithRawResponse:
        from .resources.temporary_plates import TemporaryPlates, TemporaryPlatesWithRawResponse

        return TemporaryPlatesWithRawResponse(TemporaryPlates(self._client, raw=True))

    @cached_property
    def car_certificates(self) -> CarCertificatesWithRawResponse:
        from .resources.car_certificates import CarCertificates, CarCertificatesWithRawResponse

        return CarCertificatesWithRawResponse(CarCertificates(self._client, raw=True))

    @cached_property
    def purchase_tax(self) -> PurchaseTaxWithRawResponse:
        from .resources.purchase_tax import PurchaseTaxResource, PurchaseTaxWithRawResponse

        return PurchaseTaxWithRawResponse(PurchaseTaxResource(self._client, raw=True))

    @cached_property
    def photo_requirements(self) -> PhotoRequirementsWithRawResponse:
        from .resources.photo_requirements import (
            PhotoRequirements,
            PhotoRequirementsWithRawResponse,
        )

        return PhotoRequirementsWithRawResponse(PhotoRequirements(self._client, raw=True))

    @cached_property
    def plate_status(self) -> PlateStatusWithRawResponse:
        from .resources.plate_status import PlateStatusResource, PlateStatusWithRawResponse

        return PlateStatusWithRawResponse(PlateStatusResource(self._client, raw=True))


class AsyncVehregClientWithRawResponse:
    def __init__(self, client: AsyncVehregClient) -> None:
        self._client = client

    @cached_property
    def stores(self) -> AsyncStoresWithRawResponse:
        from .resources.stores import AsyncStores, AsyncStoresWithRawResponse

        return AsyncStoresWithRawResponse(AsyncStores(self._client, raw=True))

    @cached_property
    def catalogue(self) -> AsyncCatalogueWithRawResponse:
        from .resources.catalogue import AsyncCatalogue, AsyncCatalogueWithRawResponse

        return AsyncCatalogueWithRawResponse(AsyncCatalogue(self._client, raw=True))

    @cached_property
    def certificates(self) -> AsyncCertificatesWithRawResponse:
        from .resources.certificates import AsyncCertificates, AsyncCertificatesWithRawResponse

        return AsyncCertificatesWithRawResponse(AsyncCertificates(self._client, raw=True))

    @cached_property
    def uploads(self) -> AsyncUploadsWithRawResponse:
        from .resources.uploads import AsyncUploads, AsyncUploadsWithRawResponse

        return AsyncUploadsWithRawResponse(AsyncUploads(self._client, raw=True))

    @cached_property
    def ebike_registrations(self) -> AsyncEbikeRegistrationsWithRawResponse:
        from .resources.ebike_registrations import (
            AsyncEbikeRegistrations,
            AsyncEbikeRegistrationsWithRawResponse,
        )

        return AsyncEbikeRegistrationsWithRawResponse(
            AsyncEbikeRegistrations(self._client, raw=True)
        )

    @cached_property
    def events(self) -> AsyncEventsWithRawResponse:
        from .resources.events import AsyncEvents, AsyncEventsWithRawResponse

        return AsyncEventsWithRawResponse(AsyncEvents(self._client, raw=True))

    @cached_property
    def webhook_endpoints(self) -> AsyncWebhookEndpointsWithRawResponse:
        from .resources.webhook_endpoints import (
            AsyncWebhookEndpoints,
            AsyncWebhookEndpointsWithRawResponse,
        )

        return AsyncWebhookEndpointsWithRawResponse(AsyncWebhookEndpoints(self._client, raw=True))

    @cached_property
    def keys(self) -> AsyncKeysWithRawResponse:
        from .resources.keys import AsyncKeys, AsyncKeysWithRawResponse

        return AsyncKeysWithRawResponse(AsyncKeys(self._client, raw=True))

    @cached_property
    def vehicle_registrations(self) -> AsyncVehicleRegistrationsWithRawResponse:
        from .resources.vehicle_registrations import (
            AsyncVehicleRegistrations,
            AsyncVehicleRegistrationsWithRawResponse,
        )

        return AsyncVehicleRegistrationsWithRawResponse(
            AsyncVehicleRegistrations(self._client, raw=True)
        )

    @cached_property
    def onsite_inspections(self) -> AsyncOnsiteInspectionsWithRawResponse:
        from .resources.onsite_inspections import (
            AsyncOnsiteInspections,
            AsyncOnsiteInspectionsWithRawResponse,
        )

        return AsyncOnsiteInspectionsWithRawResponse(AsyncOnsiteInspections(self._client, raw=True))

    @cached_property
    def plate_selections(self) -> AsyncPlateSelectionsWithRawResponse:
        from .resources.plate_selections import (
            AsyncPlateSelections,
            AsyncPlateSelectionsWithRawResponse,
        )

        return AsyncPlateSelectionsWithRawResponse(AsyncPlateSelections(self._client, raw=True))

    @cached_property
    def temporary_plates(self) -> AsyncTemporaryPlatesWithRawResponse:
        from .resources.temporary_plates import (
            AsyncTemporaryPlates,
            AsyncTemporaryPlatesWithRawResponse,
        )

        return AsyncTemporaryPlatesWithRawResponse(AsyncTemporaryPlates(self._client, raw=True))

    @cached_property
    def car_certificates(self) -> AsyncCarCertificatesWithRawResponse:
        from .resources.car_certificates import (
            AsyncCarCertificates,
            AsyncCarCertificatesWithRawResponse,
        )

        return AsyncCarCertificatesWithRawResponse(AsyncCarCertificates(self._client, raw=True))

    @cached_property
    def purchase_tax(self) -> AsyncPurchaseTaxWithRawResponse:
        from .resources.purchase_tax import (
            AsyncPurchaseTaxResource,
            AsyncPurchaseTaxWithRawResponse,
        )

        return AsyncPurchaseTaxWithRawResponse(AsyncPurchaseTaxResource(self._client, raw=True))

    @cached_property
    def photo_requirements(self) -> AsyncPhotoRequirementsWithRawResponse:
        from .resources.photo_requirements import (
            AsyncPhotoRequirements,
            AsyncPhotoRequirementsWithRawResponse,
        )

        return AsyncPhotoRequirementsWithRawResponse(AsyncPhotoRequirements(self._client, raw=True))

    @cached_property
    def plate_status(self) -> AsyncPlateStatusWithRawResponse:
        from .resources.plate_status import (
            AsyncPlateStatusResource,
            AsyncPlateStatusWithRawResponse,
        )

        return AsyncPlateStatusWithRawResponse(AsyncPlateStatusResource(self._client, raw=True))
