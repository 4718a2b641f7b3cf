"""The one place where the sandbox judges a registration: structure, then the rules, then its lists.

1. Structure: :class:`~vehreg_sdk.types.EbikeRegistrationCreate` (unknown
   fields, types, formats). When it fails, the domain rules also run on the
   raw body so that *every* bad field is reported at once, not only the first
   per object.
2. Business: :func:`vehreg_sdk.rules.check_ebike_registration` against the
   certificate of the vehicle code, on today's Asia/Shanghai date; plus the
   bureau's own registers: the certificate pool, the catalogue, the stolen list.

Both answer 422; the problem ``code`` names the most specific cause
(``vehicle.stolen`` > ``certificate.not_found`` > ``catalogue.model_not_found``
> ``validation.failed``) and ``errors[]`` lists every violation.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from pydantic import ValidationError

from .. import rules
from ..privacy import masked_logger
from ..rules import Violation
from ..rules.config import DEFAULT_CONFIG, RuleConfig
from ..types import EbikeRegistrationCreate
from ..types._base import violations_from_pydantic
from . import catalogue
from .problems import ProblemError, json_object, violation

logger = masked_logger("vehreg_sdk.sandbox")

_PRIORITY = ("vehicle.stolen", "certificate.not_found", "catalogue.model_not_found")


def _structural(exc: ValidationError) -> list[Violation]:
    found = violations_from_pydantic(exc)
    # A rule raised inside a model validator is located at the model ("owner");
    # its context names the field, so point at it ("owner.id_number").
    for index, err in enumerate(exc.errors(include_url=False)):
        ctx = err.get("ctx") or {}
        rule_field = ctx.get("rule_field") if isinstance(ctx, dict) else None
        item = found[index]
        if rule_field and not item.field.endswith(str(rule_field)):
            path = f"{item.field}.{rule_field}" if item.field else str(rule_field)
            found[index] = dataclasses.replace(item, field=path)
    return found


def _covers(a: str, b: str) -> bool:
    """Whether field paths ``a`` and ``b`` are the same field or one contains the other."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def merge(specific: list[Violation], generic: list[Violation]) -> list[Violation]:
    """Every rule violation, plus the structural ones about fields no rule spoke of.

    The rules' codes are the contract (``name.required``, ``motor_code.format``,
    ``vehicle.motor_code_mismatch``); pydantic's generic ones (``field.too_short``)
    only fill in for fields the rules do not cover, such as an unknown field.
    """
    out: list[Violation] = []
    seen: set[tuple[str, str]] = set()
    for item in specific:
        if (item.field, item.code) not in seen:
            seen.add((item.field, item.code))
            out.append(item)
    for extra in generic:
        if not any(_covers(extra.field, item.field) for item in specific):
            out.append(extra)
    return out


def _part(payload: dict[str, Any], name: str) -> Any:
    value = payload.get(name)
    return value if isinstance(value, dict) else {}


def parse_registration(
    payload: Any, *, today: date, config: RuleConfig = DEFAULT_CONFIG
) -> EbikeRegistrationCreate:
    """The validated body, or 422 ``validation.failed`` listing every bad field."""
    payload = json_object(payload)
    try:
        return EbikeRegistrationCreate.model_validate(payload)
    except ValidationError as exc:
        found = _structural(exc)
        vehicle = _part(payload, "vehicle")
        code = vehicle.get("vehicle_code")
        certificate = catalogue.certificate_for(code) if isinstance(code, str) else None
        try:
            raw_rules = rules.check_ebike_registration(
                vehicle,
                _part(payload, "owner"),
                _part(payload, "sale"),
                certificate,
                on=today,
                config=config,
            )
        except Exception:  # the rules promise not to raise; a bug there must not hide the 422
            logger.exception("rules failed on a raw registration body")
            raw_rules = []
        raise ProblemError(
            "validation.failed", errors=merge(rules.errors_only(raw_rules), found)
        ) from None


def check_business(
    body: EbikeRegistrationCreate,
    *,
    today: date,
    extra: list[Violation] | None = None,
    config: RuleConfig = DEFAULT_CONFIG,
) -> dict[str, Any]:
    """The certificate of the vehicle, or 422 listing every business violation.

    ``extra`` are the caller's own findings (uploads that are not the dealer's).
    """
    vehicle = body.vehicle
    found: list[Violation] = list(extra or [])
    certificate = catalogue.certificate_for(vehicle.vehicle_code)
    if certificate is None:
        found.append(
            violation(
                "vehicle.vehicle_code",
                "certificate.not_found",
                "No certificate of conformity has this vehicle code; check the scan.",
                "未找到该整车编码对应的产品合格证，请核对扫码结果。",
            )
        )
    elif catalogue.is_stolen(vehicle.vehicle_code):
        found.append(
            violation(
                "vehicle.vehicle_code",
                "vehicle.stolen",
                "This vehicle is on the stolen-vehicle list; "
                "do not sell it and contact the police.",
                "该车辆在被盗抢车辆名单中，请停止销售并联系公安机关。",
            )
        )
    if catalogue.find_model(vehicle.product_model) is None:
        found.append(
            violation(
                "vehicle.product_model",
                "catalogue.model_not_found",
                "This product model is not in the e-bike catalogue.",
                "该产品型号不在电动自行车产品目录中。",
            )
        )
    found += rules.errors_only(
        rules.check_ebike_registration(
            vehicle, body.owner, body.sale, certificate, on=today, config=config
        )
    )
    if found or certificate is None:
        codes = {item.code for item in found}
        code = next((c for c in _PRIORITY if c in codes), "validation.failed")
        raise ProblemError(code, status=422, errors=found)
    return certificate
