"""车辆购置税 (vehicle purchase tax): what should be due for a car, from its invoice.

shared/domain.md §6 [M]: 10 % of the price excluding VAT (13 %), so
``base = price × 100 / 113`` where the invoice gives no price excluding VAT.
New-energy passenger cars: exempt up to ¥30,000 for invoices dated
2024-01-01 … 2025-12-31, halved with a ¥15,000 cap for 2026-01-01 …
2027-12-31 (公告2023年第10号). Buses bought by a city public-transport company
are exempt (车辆购置税法 art. 9). Uncertain parts are configuration
(:class:`PurchaseTaxRules`): the periods and caps, whether caps also bind
commercial new-energy vehicles, and the model catalogue (目录) check.

Rounding: the base is rounded half up to the fen, the tax (10 % of the base)
half up to the fen, and a halved tax's reduction half up to the fen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .._input import as_date, enum_text, violation
from .._violation import Violation
from .energy import is_new_energy

__all__ = [
    "DEFAULT_NEV_RELIEF",
    "BuyerKind",
    "NewEnergyRelief",
    "PurchaseTaxExpectation",
    "PurchaseTaxRules",
    "TaxVehicleClass",
    "compare_purchase_tax",
    "expected_purchase_tax",
    "tax_base_fen",
]

TAX_RATE_PERCENT = 10
VAT_PERCENT = 13


class TaxVehicleClass(StrEnum):
    """What the tax law distinguishes: passenger cars (乘用车), buses, trucks, other."""

    PASSENGER_CAR = "passenger_car"
    BUS = "bus"
    TRUCK = "truck"
    OTHER = "other"


class BuyerKind(StrEnum):
    """Who bought the vehicle; ``public_transport`` is a city public-transport company."""

    PERSON = "person"
    UNIT = "unit"
    PUBLIC_TRANSPORT = "public_transport"


class ReliefKind(StrEnum):
    NEW_ENERGY_EXEMPT = "new_energy_exemption"
    NEW_ENERGY_HALVED = "new_energy_halved"
    PUBLIC_TRANSPORT = "public_transport_exemption"


@dataclass(frozen=True, slots=True)
class NewEnergyRelief:
    """One period of the new-energy relief: invoices dated ``start`` … ``end`` (inclusive)
    are relieved of ``percent`` % of the tax, at most ``cap_fen`` per vehicle."""

    start: date
    end: date
    percent: int
    cap_fen: int
    kind: ReliefKind


DEFAULT_NEV_RELIEF: tuple[NewEnergyRelief, ...] = (
    NewEnergyRelief(
        date(2024, 1, 1), date(2025, 12, 31), 100, 3_000_000, ReliefKind.NEW_ENERGY_EXEMPT
    ),
    NewEnergyRelief(
        date(2026, 1, 1), date(2027, 12, 31), 50, 1_500_000, ReliefKind.NEW_ENERGY_HALVED
    ),
)


def _always_listed(model: str | None) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class PurchaseTaxRules:
    """The knobs of :func:`expected_purchase_tax`.

    ``nev_relief``: the periods (replace them when 2026-27 technical thresholds or a new
    notice change them [U]). ``cap_commercial_vehicles``: whether the caps bind new-energy
    buses and trucks too (the notice words the caps per 乘用车 [U]; default no).
    ``relieve_commercial_new_energy``: whether new-energy buses and trucks get the relief
    at all (default yes). ``in_nev_catalogue(model)``: whether a model is in 《减免车辆购置税的
    新能源汽车车型目录》; by default every new-energy model counts as listed [U].
    """

    nev_relief: tuple[NewEnergyRelief, ...] = DEFAULT_NEV_RELIEF
    cap_commercial_vehicles: bool = False
    relieve_commercial_new_energy: bool = True
    in_nev_catalogue: Callable[[str | None], bool] = field(default=_always_listed)


@dataclass(frozen=True, slots=True)
class PurchaseTaxExpectation:
    """What the tax office should have: all amounts in fen."""

    base_fen: int
    tax_fen: int
    relief_kind: str | None
    relief_fen: int
    due_fen: int

    @property
    def expected_status(self) -> str:
        """``exempt`` (nothing due), ``reduced`` or ``full`` (the whole tax is due)."""
        if self.relief_fen and not self.due_fen:
            return "exempt"
        return "reduced" if self.relief_fen else "full"


def _half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def tax_base_fen(price_fen: int, price_excl_vat_fen: int | None = None) -> int:
    """The 计税价格: the invoice's price excluding VAT, else ``price × 100 / 113`` half up."""
    if price_excl_vat_fen is not None:
        return price_excl_vat_fen
    return _half_up(price_fen * 100, 100 + VAT_PERCENT)


def expected_purchase_tax(
    price_fen: int,
    invoice_date: date,
    energy_type: object,
    vehicle_class: TaxVehicleClass | str = TaxVehicleClass.PASSENGER_CAR,
    buyer: BuyerKind | str = BuyerKind.PERSON,
    *,
    price_excl_vat_fen: int | None = None,
    model: str | None = None,
    rules: PurchaseTaxRules | None = None,
) -> PurchaseTaxExpectation:
    """The tax due for a vehicle bought at ``price_fen`` (VAT included) on ``invoice_date``.

    ``invoice_date`` is the Asia/Shanghai date of the 机动车销售统一发票; it decides the
    new-energy period. Raises ``ValueError`` for a negative price (a programming error).
    """
    if price_fen < 0 or (price_excl_vat_fen is not None and price_excl_vat_fen < 0):
        raise ValueError("prices are non-negative integers of fen")
    config = rules or PurchaseTaxRules()
    base = tax_base_fen(price_fen, price_excl_vat_fen)
    tax = _half_up(base * TAX_RATE_PERCENT, 100)
    kind_of_vehicle = TaxVehicleClass(enum_text(vehicle_class) or "other")
    buyer_kind = BuyerKind(enum_text(buyer) or "person")
    if buyer_kind is BuyerKind.PUBLIC_TRANSPORT and kind_of_vehicle is TaxVehicleClass.BUS:
        return PurchaseTaxExpectation(base, tax, ReliefKind.PUBLIC_TRANSPORT.value, tax, 0)
    passenger = kind_of_vehicle is TaxVehicleClass.PASSENGER_CAR
    relieved = (
        is_new_energy(energy_type)
        and config.in_nev_catalogue(model)
        and (passenger or config.relieve_commercial_new_energy)
    )
    if relieved:
        for period in config.nev_relief:
            if period.start <= invoice_date <= period.end:
                relief = _half_up(tax * period.percent, 100)
                if passenger or config.cap_commercial_vehicles:
                    relief = min(relief, period.cap_fen)
                return PurchaseTaxExpectation(base, tax, period.kind.value, relief, tax - relief)
    return PurchaseTaxExpectation(base, tax, None, 0, tax)


def compare_purchase_tax(
    expected: PurchaseTaxExpectation, record: object, *, field: str = "purchase_tax"
) -> list[Violation]:
    """The tax office's record (``status``, ``paid_fen``) against the expectation.

    ``unpaid`` is the error ``tax.unpaid``; a different amount is only the warning
    ``tax.amount_differs``, since the tax office may assess the base itself.
    """
    from .._input import fields_of

    values = fields_of(record, ("status", "paid_fen"))
    status = enum_text(values.get("status"))
    if status == "unpaid":
        return [
            violation(
                "tax.unpaid",
                field,
                "The purchase tax of this vehicle is not paid; pay it online, then register.",
                "该车辆购置税尚未缴纳，请先在网上缴纳后再办理登记。",
            )
        ]
    recorded = values.get("paid_fen")
    if (
        status in ("paid", "reduced", "exempt")
        and isinstance(recorded, int)
        and recorded != expected.due_fen
    ):
        return [
            violation(
                "tax.amount_differs",
                f"{field}.paid_fen",
                f"The tax office recorded {recorded} fen; the invoice suggests "
                f"{expected.due_fen} fen (the office may have assessed the base).",
                f"税务机关记录的税额为 {recorded} 分，按发票推算应为 {expected.due_fen} 分"
                "（税务机关可能核定了计税价格）。",
                severity="warning",
                value=recorded,
                allowed=expected.due_fen,
            )
        ]
    return []


def invoice_day(value: object) -> date | None:
    """An invoice date as a date, or ``None``."""
    return as_date(value)
