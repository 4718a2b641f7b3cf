"""``client.certificates``: per-bike certificates of conformity (产品合格证)."""

from __future__ import annotations

from typing import Unpack

from .._types import RequestOptions
from ..types.certificates import EbikeCertificate
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, segment, to_raw, to_raw_async

__all__ = ["AsyncCertificates", "Certificates"]

PATH = "/v1/certificates/ebikes"


class Certificates(SyncAPIResource):
    def retrieve(self, vehicle_code: str, **options: Unpack[RequestOptions]) -> EbikeCertificate:
        """The certificate of one bike by its 15-digit 整车编码 (what the certificate QR holds)."""
        path = f"{PATH}/{segment(vehicle_code.strip())}"
        result: EbikeCertificate = self._request(
            "GET", path, model_parser(EbikeCertificate), options
        )
        return result


class AsyncCertificates(AsyncAPIResource):
    async def retrieve(
        self, vehicle_code: str, **options: Unpack[RequestOptions]
    ) -> EbikeCertificate:
        path = f"{PATH}/{segment(vehicle_code.strip())}"
        result: EbikeCertificate = await self._request(
            "GET", path, model_parser(EbikeCertificate), options
        )
        return result


class CertificatesWithRawResponse:
    def __init__(self, certificates: Certificates) -> None:
        self.retrieve = to_raw(certificates.retrieve)


class AsyncCertificatesWithRawResponse:
    def __init__(self, certificates: AsyncCertificates) -> None:
        self.retrieve = to_raw_async(certificates.retrieve)
