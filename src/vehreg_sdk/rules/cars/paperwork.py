"""The people and the papers of a car registration: owner, agent, residence, invoice, insurance.

Part of :func:`.registration.check_car_registration`; field paths start with
``owner.``, ``agent.``, ``invoice.`` or ``insurance.``. A buyer from outside the
苏G area (by the ID's area code, or a unit's credit code) without a residence
permit upload is refused with the routing to a temporary plate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from .._input import as_date, enum_text, fields_of, has_text, violation
from .._violation import Violation
from ..code_tables import IdDocumentType, UseNature
from ..owners import person_field_violations
from .config import CarRuleConfig
from .stations import RoutingKind, routed, routing

__all__ = ["owner_checks", "paper_checks"]

_OWNER = ("kind", "name", "id_type", "id_number", "mobile", "address", "residence_permit_upload")
_AGENT = ("name", "id_type", "id_number", "mobile", "authorisation_upload")


def _text(value: object) -> str:
    return (enum_text(value) or "").strip().upper()


def _is_local(id_type: str, id_number: object, prefixes: tuple[str, ...]) -> bool:
    text = _text(id_number)
    if id_type == IdDocumentType.UNIFIED_SOCIAL_CREDIT_CODE.value:
        return text[2:8].startswith(prefixes)
    if id_type == IdDocumentType.RESIDENT_ID.value:
        return text.startswith(prefixes)
    return True  # other documents carry no area: the vehicle office decides


def owner_checks(
    owner_part: object,
    agent_part: object,
    car: Mapping[str, object],
    on: date,
    config: CarRuleConfig,
) -> list[Violation]:
    owner = fields_of(owner_part, _OWNER)
    unit = _text(owner.get("kind")) == "UNIT"
    id_type = _text(owner.get("id_type")) or ("N" if unit else "A")
    found = [v.at("owner") for v in person_field_violations({**owner, "id_type": id_type}, on)]
    if unit and id_type != IdDocumentType.UNIFIED_SOCIAL_CREDIT_CODE.value:
        found.append(
            violation(
                "owner.unit_needs_credit_code",
                "owner.id_type",
                "A unit owner is identified by its unified social credit code (N).",
                "单位所有人应使用统一社会信用代码（N）登记。",
                value=id_type,
                allowed="N",
            )
        )
    use = _text(car.get("use_nature"))
    if not unit and use in config.unit_owner_use_natures:
        nature = UseNature(use)
        found.append(
            violation(
                "owner.unit_required",
                "owner.kind",
                f"A vehicle used for {nature.label_en} must be owned by a unit.",
                f"使用性质为{nature.label_zh}的车辆，所有人应为单位。",
                value="person",
                allowed="unit",
            )
        )
    if not has_text(owner.get("address"), max_chars=200):
        found.append(
            violation(
                "address.required",
                "owner.address",
                "The owner's address is required (at most 200 characters).",
                "请填写所有人住址（最多200个字符）。",
            )
        )
    permit = owner.get("residence_permit_upload")
    local = _is_local(id_type, owner.get("id_number"), config.station.local_area_prefixes)
    if not local and not has_text(permit, max_chars=64):
        found.append(
            routed(
                "owner.not_local",
                "owner.id_number",
                "The buyer's residence is not in the 苏G area.",
                "购车人住所地不在连云港（苏G）辖区。",
                routing(RoutingKind.TEMPORARY_PLATE),
            )
        )
    if agent_part is None:
        if unit:
            found.append(
                violation(
                    "agent.required",
                    "agent",
                    "A unit acts through its staff: add the agent and the authorisation.",
                    "单位办理须由经办人代理，请填写经办人信息并上传授权委托书。",
                )
            )
        return found
    agent = fields_of(agent_part, _AGENT)
    found += [v.at("agent") for v in person_field_violations(agent, on)]
    if not has_text(agent.get("authorisation_upload"), max_chars=64):
        found.append(
            violation(
                "agent.authorisation_required",
                "agent.authorisation_upload",
                "Upload the owner's authorisation (授权委托书) for the agent.",
                "请上传所有人出具的授权委托书。",
            )
        )
    return found


def paper_checks(invoice_part: object, insurance_part: object, on: date) -> list[Violation]:
    invoice = fields_of(invoice_part, ("number", "date", "price_fen"))
    insurance = fields_of(insurance_part, ("policy_number", "starts_on", "ends_on"))
    found: list[Violation] = []
    if not has_text(invoice.get("number"), max_chars=32):
        found.append(
            violation(
                "invoice.number_required",
                "invoice.number",
                "The purchase invoice number is required.",
                "请填写购车发票号码。",
            )
        )
    invoice_date = as_date(invoice.get("date"))
    raw_date = invoice.get("date")
    if (
        invoice_date is None
        and raw_date is not None
        and not (isinstance(raw_date, str) and not raw_date.strip())
    ):
        found.append(
            violation(
                "invoice.date_format",
                "invoice.date",
                "The invoice date is not a date: write it as text, YYYY-MM-DD.",
                "发票日期不是有效日期，请按 YYYY-MM-DD 以文本填写。",
            )
        )
    elif invoice_date is None:
        found.append(
            violation(
                "invoice.date_required",
                "invoice.date",
                "The invoice date is required (YYYY-MM-DD).",
                "请填写发票日期（YYYY-MM-DD）。",
            )
        )
    elif invoice_date > on:
        found.append(
            violation(
                "invoice.date_future",
                "invoice.date",
                "The invoice date is in the future (Asia/Shanghai).",
                "发票日期晚于今天（北京时间）。",
                value=invoice_date.isoformat(),
                allowed=f"<= {on.isoformat()}",
            )
        )
    if not has_text(insurance.get("policy_number"), max_chars=64):
        found.append(
            violation(
                "insurance.policy_required",
                "insurance.policy_number",
                "The compulsory insurance (交强险) policy number is required.",
                "请填写交强险保单号。",
            )
        )
    starts, ends = as_date(insurance.get("starts_on")), as_date(insurance.get("ends_on"))
    if starts is None or ends is None or ends < starts:
        found.append(
            violation(
                "insurance.dates",
                "insurance.ends_on",
                "The insurance needs a start date and an end date on or after it.",
                "交强险应有起止日期，且截止日期不早于起始日期。",
            )
        )
    elif not starts <= on <= ends:
        found.append(
            violation(
                "insurance.not_covering",
                "insurance.starts_on" if on < starts else "insurance.ends_on",
                "The compulsory insurance must cover the registration date.",
                "交强险保险期间应覆盖登记日期。",
                value=f"{starts.isoformat()}..{ends.isoformat()}",
                allowed=on.isoformat(),
            )
        )
    return found
