"""``client.purchase_tax``: the tax office's purchase-tax record of a vehicle (车辆购置税).

``client.purchase_tax.test_helpers`` drives the sandbox's side (pay, exempt, reset);
a real bureau has no such routes.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Final, Literal, Unpack

from .._types import RequestOptions
from ..types.purchase_tax import PurchaseTax
from ._base import AsyncAPIResource, SyncAPIResource, model_parser, segment, to_raw, to_raw_async

if TYPE_CHECKING:
    from .._client import AsyncVehregClient, VehregClient

__all__ = [
    "AsyncPurchaseTaxResource",
    "AsyncPurchaseTaxWithRawResponse",
    "PurchaseTaxResource",
    "PurchaseTaxWithRawResponse",
]

PATH: Final = "/v1/purchase-tax"
HELPERS: Final = "/v1/test-helpers/purchase-tax"
_PARSE = model_parser(PurchaseTax)
Buyer = Literal["person", "unit", "public_transport"]
Exemption = Literal["public_transport", "new_energy", "statutory"]


def _vin_path(prefix: str, vin: str, action: str = "") -> str:
    path = f"{prefix}/{segment(vin.strip().upper())}"
    return f"{path}/{action}" if action else path


def _payment(
    price_fen: int,
    invoice_date: date | str,
    price_excl_vat_fen: int | None,
    buyer: Buyer,
    assessed_base_fen: int | None,
    delay_seconds: float,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "price_fen": price_fen,
        "invoice_date": invoice_date.isoformat()
        if isinstance(invoice_date, date)
        else invoice_date,
        "buyer": buyer,
    }
    if price_excl_vat_fen is not None:
        body["price_excl_vat_fen"] = price_excl_vat_fen
    if assessed_base_fen is not None:
        body["assessed_base_fen"] = assessed_base_fen
    if delay_seconds:
        body["delay_seconds"] = delay_seconds
    return body


class PurchaseTaxTestHelpers(SyncAPIResource):
    """Sandbox only: make the tax office pay, exempt or forget a VIN's tax."""

    def pay(
        self,
        vin: str,
        *,
        price_fen: int,
        invoice_date: date | str,
        price_excl_vat_fen: int | None = None,
        buyer: Buyer = "person",
        assessed_base_fen: int | None = None,
        delay_seconds: float = 0,
        **options: Unpack[RequestOptions],
    ) -> PurchaseTax:
        """Record the tax as paid for this invoice (``unknown`` for ``delay_seconds``)."""
        body = _payment(
            price_fen, invoice_date, price_excl_vat_fen, buyer, assessed_base_fen, delay_seconds
        )
        result: PurchaseTax = self._request(
            "POST", _vin_path(HELPERS, vin, "pay"), _PARSE, options, json_body=body
        )
        return result

    def exempt(
        self, vin: str, *, exemption: Exemption = "statutory", **options: Unpack[RequestOptions]
    ) -> PurchaseTax:
        result: PurchaseTax = self._request(
            "POST",
            _vin_path(HELPERS, vin, "exempt"),
            _PARSE,
            options,
            json_body={"exemption": exemption},
        )
        return result

    def reset(self, vin: str, **options: Unpack[RequestOptions]) -> PurchaseTax:
        result: PurchaseTax = self._request(
            "POST", _vin_path(HELPERS, vin, "reset"), _PARSE, options, json_body={}
        )
        return result


class PurchaseTaxResource(SyncAPIResource):
    def retrieve(self, vin: str, **options: Unpack[RequestOptions]) -> PurchaseTax:
        """``paid``, ``exempt``, ``reduced``, ``unpaid`` or ``unknown``, with the amounts."""
        result: PurchaseTax = self._request("GET", _vin_path(PATH, vin), _PARSE, options)
        return result

    @cached_property
    def test_helpers(self) -> PurchaseTaxTestHelpers:
        """Sandbox-only helpers (docs/api/sandbox.md)."""
        client: VehregClient = self._client
        return PurchaseTaxTestHelpers(client, raw=self._raw)


class AsyncPurchaseTaxTestHelpers(AsyncAPIResource):
    """Sandbox only: see :class:`PurchaseTaxTestHelpers`."""

    async def pay(
        self,
        vin: str,
        *,
        price_fen: int,
        invoice_date: date | str,
        price_excl_vat_fen: int | None = None,
        buyer: Buyer = "person",
        assessed_base_fen: int | None = None,
        delay_seconds: float = 0,
        **options: Unpack[RequestOptions],
    ) -> PurchaseTax:
        body = _payment(
            price_fen, invoice_date, price_excl_vat_fen, buyer, assessed_base_fen, delay_seconds
        )
        result: PurchaseTax = await self._request(
            "POST", _vin_path(HELPERS, vin, "pay"), _PARSE, options, json_body=body
        )
        return result

    async def exempt(
        self, vin: str, *, exemption: Exemption = "statutory", **options: Unpack[RequestOptions]
    ) -> PurchaseTax:
        result: PurchaseTax = await self._request(
            "POST",
            _vin_path(HELPERS, vin, "exempt"),
            _PARSE,
            options,
            json_body={"exemption": exemption},
        )
        return result

    async def reset(self, vin: str, **options: Unpack[RequestOptions]) -> PurchaseTax:
        result: PurchaseTax = await self._request(
            "POST", _vin_path(HELPERS, vin, "reset"), _PARSE, options, json_body={}
        )
        return result


class AsyncPurchaseTaxResource(AsyncAPIResource):
    async def retrieve(self, vin: str, **options: Unpack[RequestOptions]) -> PurchaseTax:
        result: PurchaseTax = await self._request("GET", _vin_path(PATH, vin), _PARSE, options)
        return result

    @cached_property
    def test_helpers(self) -> AsyncPurchaseTaxTestHelpers:
        client: AsyncVehregClient = self._client
        return AsyncPurchaseTaxTestHelpers(client, raw=self._raw)


class PurchaseTaxWithRawResponse:
    def __init__(self, resource: PurchaseTaxResource) -> None:
        self.retrieve = to_raw(resource.retrieve)


class AsyncPurchaseTaxWithRawResponse:
    def __init__(self, resource: AsyncPurchaseTaxResource) -> None:
        self.retrieve = to_raw_async(resource.retrieve)
