"""The rules for a stream of rows: :func:`check_ebike_registration`, with its costly half memoised.

A sheet of 100,000 bikes holds a few dozen product models and a handful of
sale dates, so the product checks of a row (standard, CCC state and expiry,
battery against the certificate and the limits) repeat endlessly. They depend
only on the model, the battery cells and the invoice date, so
:class:`RowRules` computes them once per distinct combination and runs the
per-person and per-code checks for every row. The result is the same list of
violations, in the same order, as :func:`~vehreg_sdk.rules.check_ebike_registration`
gives; ``tests/bulk/test_checks.py`` holds the two side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..rules._violation import Violation
from ..rules.config import DEFAULT_CONFIG, RuleConfig
from ..rules.owners import check_owner, check_person_fields

# The registration check's own helpers, reused rather than copied, so the two cannot drift.
from ..rules.registration import _sale_fields, _vehicle_fields, _without_duplicates
from ..rules.sale import check_ebike_sale

__all__ = ["RowRules"]

#: The vehicle fields the product checks read when the certificate is a catalogue entry.
_PRODUCT_FIELDS = ("product_model", "battery_chemistry", "battery_voltage_v", "battery_capacity_ah")
_CACHE_LIMIT = 65_536


class RowRules:
    """``check_ebike_registration`` on ``on`` under ``config``, for many rows in a row.

    ``certificate`` must be ``None`` or a catalogue-derived mapping
    ``{"product_model": ..., "model": entry}`` (what offline validation has):
    a per-bike certificate with codes and dates is not memoisable, so pass
    those to the rules module directly.
    """

    def __init__(self, *, on: date, config: RuleConfig = DEFAULT_CONFIG) -> None:
        self.on = on
        self.config = config
        self._product: dict[tuple[Any, ...], list[Violation]] = {}

    def __call__(
        self,
        vehicle: Mapping[str, Any],
        owner: Mapping[str, Any],
        sale: Mapping[str, Any],
        certificate: Mapping[str, Any] | None,
    ) -> list[Violation]:
        on, config = self.on, self.config
        found = [v.at("vehicle") for v in _vehicle_fields(vehicle, on)]
        found += [v.at("owner") for v in check_person_fields(owner, on)]
        guardian = owner.get("guardian")
        if guardian is not None:
            found += [v.at("owner.guardian") for v in check_person_fields(guardian, on)]
        found += [v.at("owner") for v in check_owner(owner, on, policy=config.minor_policy)]
        invoice_date = sale.get("invoice_date")
        invoice_date = invoice_date if isinstance(invoice_date, date) else None
        found += _sale_fields(sale, invoice_date, on, config)
        found += self._product_checks(vehicle, certificate, invoice_date)
        return _without_duplicates(found)

    def _product_checks(
        self,
        vehicle: Mapping[str, Any],
        certificate: Mapping[str, Any] | None,
        invoice_date: date | None,
    ) -> list[Violation]:
        product = {name: vehicle.get(name) for name in _PRODUCT_FIELDS}
        model_key = None if certificate is None else certificate.get("product_model")
        key = (*product.values(), invoice_date, model_key)
        try:
            cached = self._product.get(key)
        except TypeError:  # an unhashable value: judge this row on its own
            return check_ebike_sale(product, certificate, invoice_date, config=self.config)
        if cached is None:
            cached = check_ebike_sale(product, certificate, invoice_date, config=self.config)
            if len(self._product) >= _CACHE_LIMIT:
                self._product.clear()
            self._product[key] = cached
        return cached
