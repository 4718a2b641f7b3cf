"""``check_ebike_registration``: every check of a plate-with-sale registration, at once.

The one function both the client's local pre-check and the sandbox's 422
use, so a clerk sees at the till exactly what the bureau would reject.
Inputs are duck-typed (models, objects, dicts); field paths start with
``vehicle.``, ``owner.``, ``sale.`` or ``certificate.``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from ._dates import Unreadable, business_date, read_date
from ._input import direct_kinds, fields_of, has_text, violation
from ._violation import Violation
from .codes import _CLEAN_VEHICLE_CODE, _MOTOR_CODE, validate_motor_code, validate_vehicle_code
from .config import DEFAULT_CONFIG, RuleConfig
from .owners import GUARDIAN_FIELDS, OWNER_FIELDS, owner_age_violations, person_field_violations
from .people import _MOBILE, _RESIDENT_ID, MAX_NAME_CHARS, _id_facts
from .sale import VEHICLE_FIELDS, sale_violations

__all__ = ["check_ebike_registration"]

_SALE_FIELDS = ("invoice_number", "invoice_date")
#: Field lengths, shared by the full checks and the fast path (which may only be stricter).
MAX_PRODUCT_MODEL_CHARS = 64
MAX_ADDRESS_CHARS = 200
MAX_INVOICE_NUMBER_CHARS = 32
_VEHICLE_KINDS = direct_kinds(VEHICLE_FIELDS)
_OWNER_KINDS = direct_kinds(OWNER_FIELDS)
_SALE_KINDS = direct_kinds(_SALE_FIELDS)
#: The vehicle code, motor code, mobile and ID number joined by NUL (which none may hold).
_CLEAN_CODES = re.compile(
    "\0".join(
        pattern.pattern for pattern in (_CLEAN_VEHICLE_CODE, _MOTOR_CODE, _MOBILE, _RESIDENT_ID)
    )
)


def check_ebike_registration(
    vehicle: object,
    owner: object,
    sale: object,
    certificate: object = None,
    *,
    on: date | datetime | str,
    config: RuleConfig = DEFAULT_CONFIG,
) -> list[Violation]:
    """All violations of a registration on the business date ``on`` (errors and warnings).

    ``on`` may be an aware ``datetime`` (its Asia/Shanghai date counts), a naive one
    (its own date) or a date string. ``sale.invoice_date`` may be written as people
    write dates (``2025/09/15``, ``2025年09月15日``, an ISO date-time); one that cannot
    be read is ``invoice_date.format``.

    Field checks (vehicle code, motor code, product model, owner and guardian
    identity, mobile, address, invoice number), the owner's age rules
    (:func:`~.owners.check_owner`), the sale date rules, and
    :func:`~.sale.check_ebike_sale` on ``sale.invoice_date`` against
    ``certificate`` (or, without one, the bike's own values against the
    standard in force on the sale date).
    """
    # fields_of, without its call for the models it reads as their instance dict
    bike = (
        vehicle.__dict__ if type(vehicle) in _VEHICLE_KINDS else fields_of(vehicle, VEHICLE_FIELDS)
    )
    person = owner.__dict__ if type(owner) in _OWNER_KINDS else fields_of(owner, OWNER_FIELDS)
    sold = sale.__dict__ if type(sale) in _SALE_KINDS else fields_of(sale, _SALE_FIELDS)
    if type(on) is not date:
        on = business_date(on)
    invoice_date = sold.get("invoice_date")
    if type(invoice_date) is not date:
        invoice_date = read_date(invoice_date)
    if not isinstance(invoice_date, Unreadable) and _nothing_to_report(
        bike, person, sold, invoice_date, on, config
    ):
        # The common case, decided in one pass: the field checks below would all be empty.
        found = sale_violations(bike, certificate, invoice_date, config)
        return found if len(found) < 2 else _without_duplicates(found)  # pragma: no mutate
    found = _under("vehicle", _vehicle_fields(bike, on))
    found += _under("owner", person_field_violations(person, on))
    if not has_text(person.get("address"), max_chars=MAX_ADDRESS_CHARS):
        found.append(
            violation(
                "address.required",
                "owner.address",
                "The owner's address is required (at most 200 characters).",
                "请填写所有人住址（最多200个字符）。",
            )
        )
    guardian = person.get("guardian")
    if guardian is not None:
        guardian_fields = fields_of(guardian, GUARDIAN_FIELDS)
        found += _under("owner.guardian", person_field_violations(guardian_fields, on))
    found += _under("owner", owner_age_violations(person, on, config.minor_policy))
    found += _sale_fields(sold, invoice_date, on, config)
    found += sale_violations(bike, certificate, invoice_date, config)
    # (No mutation: de-duplicating fewer than two violations changes nothing.)
    return found if len(found) < 2 else _without_duplicates(found)  # pragma: no mutate


def _nothing_to_report(
    bike: Mapping[str, object],
    person: Mapping[str, object],
    sold: Mapping[str, object],
    invoice_date: date | None,
    on: date,
    config: RuleConfig,
) -> bool:
    """Whether every check of :func:`check_ebike_registration` but ``sale_violations`` is empty.

    One pass over values that are already clean (what the typed models hold), so a valid
    row costs a few comparisons. Each test is the fast path of the check it stands for;
    ``False`` only means "run the full checks", which then give the verdict, so this
    never changes a result (``tests/rules/test_registration_fast_path.py`` holds the two
    side by side).
    """
    vehicle_code = bike.get("vehicle_code")
    motor_code = bike.get("motor_code")
    mobile = person.get("mobile")
    id_number = person.get("id_number")
    id_type = person.get("id_type")
    product_model = bike.get("product_model")
    name = person.get("name")
    address = person.get("address")
    invoice_number = sold.get("invoice_number")
    if not (
        type(vehicle_code) is str
        and type(motor_code) is str
        and type(mobile) is str
        and type(id_number) is str
        # One match for four fast paths: validate_vehicle_code (nothing to report on any
        # day), validate_motor_code, validate_mobile and a resident ID number's format.
        and _CLEAN_CODES.fullmatch(f"{vehicle_code}\0{motor_code}\0{mobile}\0{id_number}")
        and (id_type is None or (type(id_type) is str and id_type == "A"))  # a resident ID
        and person.get("guardian") is None
        # has_text of product model, name (validate_name), address and invoice number,
        # for printable text (has_text itself decides the rest).
        and type(product_model) is str
        and type(name) is str
        and type(address) is str
        and type(invoice_number) is str
        # (Not mutated: a stricter fast path only hands the row to the full checks.)
        and 0 < len(product_model) <= MAX_PRODUCT_MODEL_CHARS  # pragma: no mutate
        and 0 < len(name) <= MAX_NAME_CHARS  # pragma: no mutate
        and 0 < len(address) <= MAX_ADDRESS_CHARS  # pragma: no mutate
        and 0 < len(invoice_number) <= MAX_INVOICE_NUMBER_CHARS  # pragma: no mutate
        and f"{product_model}{name}{address}{invoice_number}".isprintable()
        and not product_model.isspace()
        and not name.isspace()
        and not address.isspace()
        and not invoice_number.isspace()
    ):
        return False
    birth, checksum_ok, region_known = _id_facts(id_number)
    if birth is None or not checksum_ok or not region_known:
        return False  # validate_resident_id would report it
    today = on.year * 10000 + on.month * 100 + on.day
    policy = config.minor_policy
    # A birth after ``on``, or the age rules (owner_age_violations) apply. (Here and below,
    # not mutated: a stricter fast path only hands the row to the full checks.)
    adult = max(policy.guardian_age, policy.riding_age)
    if birth > today or (today - birth) // 10000 < adult:  # pragma: no mutate
        return False
    if invoice_date is not None:  # as _sale_fields
        if invoice_date > on:  # pragma: no mutate
            return False
        deadline = config.registration_deadline_days
        if deadline is not None:
            late_before = on - timedelta(days=deadline)  # sold before this day: overdue
            if invoice_date < late_before:  # pragma: no mutate
                return False
    return True


def _under(prefix: str, violations: list[Violation]) -> list[Violation]:
    """``violations`` with their field paths placed under ``prefix``."""
    return [v.at(prefix) for v in violations] if violations else violations


def _vehicle_fields(bike: Mapping[str, object], on: date) -> list[Violation]:
    found = validate_vehicle_code(bike.get("vehicle_code"), on=on)
    found += validate_motor_code(bike.get("motor_code"))
    if not has_text(bike.get("product_model"), max_chars=MAX_PRODUCT_MODEL_CHARS):
        found.append(
            violation(
                "product_model.required",
                "product_model",
                "The product model is required.",
                "请填写产品型号。",
            )
        )
    return found


def _sale_fields(
    sold: Mapping[str, object],
    invoice_date: date | Unreadable | None,
    on: date,
    config: RuleConfig,
) -> list[Violation]:
    found: list[Violation] = []
    if not has_text(sold.get("invoice_number"), max_chars=MAX_INVOICE_NUMBER_CHARS):
        found.append(
            violation(
                "invoice_number.required",
                "sale.invoice_number",
                "The invoice number is required.",
                "请填写发票号码。",
            )
        )
    if not isinstance(invoice_date, date):
        return found  # sale_violations reports a missing or unreadable date once
    if invoice_date > on:
        found.append(
            violation(
                "sale.invoice_date_future",
                "sale.invoice_date",
                "The invoice date is in the future.",
                "发票日期晚于今天。",
                value=invoice_date.isoformat(),
                allowed=f"<= {on.isoformat()}",
            )
        )
    deadline = config.registration_deadline_days
    if deadline is not None and on - invoice_date > timedelta(days=deadline):
        found.append(
            violation(
                "sale.registration_overdue",
                "sale.invoice_date",
                f"The bike must be registered within {deadline} days of the sale.",
                f"车辆应在销售后{deadline}日内登记。",
                value=invoice_date.isoformat(),
                allowed=f">= {(on - timedelta(days=deadline)).isoformat()}",
            )
        )
    return found


def _without_duplicates(found: list[Violation]) -> list[Violation]:
    seen: set[tuple[str, str]] = set()
    unique: list[Violation] = []
    for item in found:
        key = (item.code, item.field)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique
