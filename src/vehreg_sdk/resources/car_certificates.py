"""``client.car_certificates``: a car's certificate of conformity (机动车整车出厂合格证)."""

from __future__ import annotations

from typing import Final, Unpack

from .._types import RequestOptions
from ..types.car_certificates import CarCertificate
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, segment

__all__ = ["AsyncCarCertificates", "CarCertificates"]

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
