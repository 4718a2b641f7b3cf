"""The resource attributes of the clients (``client.stores``, ``client.temporary_plates``, …).

Each is made on first use and kept; its module is imported only then, so a client that
never registers a car never imports the car resources. The sync and async clients take
these as mixins: :class:`SyncResources` and :class:`AsyncResources`.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from ._client import AsyncVehregClient, VehregClient
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

__all__ = ["AsyncResources", "SyncResources"]


class SyncResources:
    """The resources of :class:`~vehreg_sdk.VehregClient`."""

    @property
    def _this(self) -> VehregClient:
        return cast("VehregClient", self)

    @cached_property
    def stores(self) -> Stores:
        from .resources.stores import Stores

        return Stores(self._this)

    @cached_property
    def catalogue(self) -> Catalogue:
        from .resources.catalogue import Catalogue

        return Catalogue(self._this)

    @cached_property
    def certificates(self) -> Certificates:
        from .resources.certificates import Certificates

        return Certificates(self._this)

    @cached_property
    def uploads(self) -> Uploads:
        from .resources.uploads import Uploads

        return Uploads(self._this)

    @cached_property
    def ebike_registrations(self) -> EbikeRegistrations:
        from .resources.ebike_registrations import EbikeRegistrations

        return EbikeRegistrations(self._this)

    @cached_property
    def events(self) -> Events:
        from .resources.events import Events

        return Events(self._this)

    @cached_property
    def webhook_endpoints(self) -> WebhookEndpoints:
        from .resources.webhook_endpoints import WebhookEndpoints

        return WebhookEndpoints(self._this)

    @cached_property
    def keys(self) -> Keys:
        from .resources.keys import Keys

        return Keys(self._this)

    @cached_property
    def plate_status(self) -> PlateStatusResource:
        from .resources.plate_status import PlateStatusResource

        return PlateStatusResource(self._this)

    @cached_property
    def bulk(self) -> Bulk:
        from .resources.bulk import Bulk

        return Bulk(self._this)

    @cached_property
    def photo_requirements(self) -> PhotoRequirements:
        from .resources.photo_requirements import PhotoRequirements

        return PhotoRequirements(self._this)

    @cached_property
    def car_certificates(self) -> CarCertificates:
        from .resources.car_certificates import CarCertificates

        return CarCertificates(self._this)

    @cached_property
    def purchase_tax(self) -> PurchaseTaxResource:
        from .resources.purchase_tax import PurchaseTaxResource

        return PurchaseTaxResource(self._this)

    @cached_property
    def plate_selections(self) -> PlateSelections:
        from .resources.plate_selections import PlateSelections

        return PlateSelections(self._this)

    @cached_property
    def temporary_plates(self) -> TemporaryPlates:
        from .resources.temporary_plates import TemporaryPlates

        return TemporaryPlates(self._this)

    @cached_property
    def vehicle_registrations(self) -> VehicleRegistrations:
        from .resources.vehicle_registrations import VehicleRegistrations

        return VehicleRegistrations(self._this)

    @cached_property
    def onsite_inspections(self) -> OnsiteInspections:
        from .resources.onsite_inspections import OnsiteInspections

        return OnsiteInspections(self._this)

    @cached_property
    def car_bulk(self) -> CarBulk:
        from .resources.car_bulk import CarBulk

        return CarBulk(self._this)


class AsyncResources:
    """The resources of :class:`~vehreg_sdk.AsyncVehregClient`."""

    @property
    def _this(self) -> AsyncVehregClient:
        return cast("AsyncVehregClient", self)

    @cached_property
    def stores(self) -> AsyncStores:
        from .resources.stores import AsyncStores

        return AsyncStores(self._this)

    @cached_property
    def catalogue(self) -> AsyncCatalogue:
        from .resources.catalogue import AsyncCatalogue

        return AsyncCatalogue(self._this)

    @cached_property
    def certificates(self) -> AsyncCertificates:
        from .resources.certificates import AsyncCertificates

        return AsyncCertificates(self._this)

    @cached_property
    def uploads(self) -> AsyncUploads:
        from .resources.uploads import AsyncUploads

        return AsyncUploads(self._this)

    @cached_property
    def ebike_registrations(self) -> AsyncEbikeRegistrations:
        from .resources.ebike_registrations import AsyncEbikeRegistrations

        return AsyncEbikeRegistrations(self._this)

    @cached_property
    def events(self) -> AsyncEvents:
        from .resources.events import AsyncEvents

        return AsyncEvents(self._this)

    @cached_property
    def webhook_endpoints(self) -> AsyncWebhookEndpoints:
        from .resources.webhook_endpoints import AsyncWebhookEndpoints

        return AsyncWebhookEndpoints(self._this)

    @cached_property
    def keys(self) -> AsyncKeys:
        from .resources.keys import AsyncKeys

        return AsyncKeys(self._this)

    @cached_property
    def plate_status(self) -> AsyncPlateStatusResource:
        from .resources.plate_status import AsyncPlateStatusResource

        return AsyncPlateStatusResource(self._this)

    @cached_property
    def bulk(self) -> AsyncBulk:
        from .resources.bulk import AsyncBulk

        return AsyncBulk(self._this)

    @cached_property
    def photo_requirements(self) -> AsyncPhotoRequirements:
        from .resources.photo_requirements import AsyncPhotoRequirements

        return AsyncPhotoRequirements(self._this)

    @cached_property
    def car_certificates(self) -> AsyncCarCertificates:
        from .resources.car_certificates import AsyncCarCertificates

        return AsyncCarCertificates(self._this)

    @cached_property
    def purchase_tax(self) -> AsyncPurchaseTaxResource:
        from .resources.purchase_tax import AsyncPurchaseTaxResource

        return AsyncPurchaseTaxResource(self._this)

    @cached_property
    def plate_selections(self) -> AsyncPlateSelections:
        from .resources.plate_selections import AsyncPlateSelections

        return AsyncPlateSelections(self._this)

    @cached_property
    def temporary_plates(self) -> AsyncTemporaryPlates:
        from .resources.temporary_plates import AsyncTemporaryPlates

        return AsyncTemporaryPlates(self._this)

    @cached_property
    def vehicle_registrations(self) -> AsyncVehicleRegistrations:
        from .resources.vehicle_registrations import AsyncVehicleRegistrations

        return AsyncVehicleRegistrations(self._this)

    @cached_property
    def onsite_inspections(self) -> AsyncOnsiteInspections:
        from .resources.onsite_inspections import AsyncOnsiteInspections

        return AsyncOnsiteInspections(self._this)

    @cached_property
    def car_bulk(self) -> AsyncCarBulk:
        from .resources.car_bulk import AsyncCarBulk

        return AsyncCarBulk(self._this)
