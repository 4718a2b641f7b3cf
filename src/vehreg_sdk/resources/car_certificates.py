"""``client.car_certificates``: a car's certificate of conformity (机动车整车出厂合格证)."""

from __future__ import annotations

from typing import Final, Unpack

from .._types import RequestOptions
from ..types.car_certificates import CarCertificate
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, segment, to_raw, to_raw_async

__all__ = [
    "AsyncCarCertificates",
    "AsyncCarCertificatesWithRawResponse",
    "CarCertificates",
    "CarCertificatesWithRawResponse",
]

PATH: Final = "/v1/certificates/cars"
_PARSE = model_parser(CarCertificate)


class CarCertificates(SyncAPIResource):
    def retrieve(
        self, certificate_number: str, **options: Unpack[RequestOptions]
    ) -> CarCertificate:
        """The certificate by its 合格证编号."""
        path = f"{PATH}/{segment(certificate_number.strip())}"
        result: CarCertificate = self._request("GET", path, _PARSE, options)
        return result

    def retrieve_by_vin(self, vin: str, **options: Unpack[RequestOptions]) -> CarCertificate:
        """The certificate of the car with this VIN (车辆识别代号)."""
        path = f"{PATH}/by-vin/{segment(vin.strip().upper())}"
        result: CarCertificate = self._request("GET", path, _PARSE, options)
        return result


class AsyncCarCertificates(AsyncAPIResource):
    async def retrieve(
        self, certificate_number: str, **options: Unpack[RequestOptions]
    ) -> CarCertificate:
        path = f"{PATH}/{segment(certificate_number.strip())}"
        result: CarCertificate = await self._request("GET", path, _PARSE, options)
        return result

    async def retrieve_by_vin(self, vin: str, **options: Unpack[RequestOptions]) -> CarCertificate:
        path = f"{PATH}/by-vin/{segment(vin.strip().upper())}"
        result: CarCertificate = await self._request("GET", path, _PARSE, options)
        return result


class CarCertificatesWithRawResponse:
    def __init__(self, resource: CarCertificates) -> None:
        self.retrieve = to_raw(resource.retrieve)
        self.retrieve_by_vin = to_raw(resource.retrieve_by_vin)


class AsyncCarCertificatesWithRawResponse:
    def __init__(self, resource: AsyncCarCertificates) -> None:
        self.retrieve = to_raw_async(resource.retrieve)
        self.retrieve_by_vin = to_raw_async(resource.retrieve_by_vin)
