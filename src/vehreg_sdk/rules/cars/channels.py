"""Where a car registration is done (its channel) and a key vehicle's supervision enrolment.

A registration names one channel: a registration service station (``store_id``)
or a completed on-site inspection (上门查验, ``onsite_inspection_id``). The
station takes only what its scope allows (:func:`.stations.station_refusal`);
key vehicles and operating vehicles go through an on-site inspection, whose
record (inspection and safety test passed per VIN) the bureau checks. A plate
``sequence`` (numbers assigned in order, for a fleet) exists only on that
channel.

A key vehicle (重点车辆, docs/domain.md §7.5 [M/U]) is enrolled in source
supervision (源头监管) when it is registered: the operating enterprise's credit
code, the road-transport licence (道路运输证) number where its use nature needs
one (:attr:`~vehreg_sdk.rules.KeyVehicleRules.licence_use_natures`, configurable),
and the safety officer (安全管理员).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .._input import enum_text, fields_of, has_text, violation
from .._violation import Violation
from ..credit_codes import validate_uscc
from ..key_vehicles import explain_key_vehicle
from ..people import validate_mobile
from .config import CarRuleConfig
from .stations import routed, station_refusal

__all__ = ["channel_checks", "supervision_checks"]

_SUPERVISION = (
    "operating_enterprise_credit_code",
    "road_transport_licence_number",
    "safety_officer",
)
_OFFICER = ("name", "mobile")
#: 道路运输证 numbers differ by province [U]: letters, digits and a few separators.
_LICENCE = re.compile(r"[0-9A-Z\u4e00-\u9fff][0-9A-Z\u4e00-\u9fff\-]{5,31}")


def _text(value: object) -> str:
    return (enum_text(value) or "").strip().upper()


def channel_checks(
    body: Mapping[str, object], car: Mapping[str, object], config: CarRuleConfig
) -> list[Violation]:
    """The channel rules: exactly one channel; the station's scope; sequence plates on site only."""
    store = has_text(body.get("store_id"), max_chars=64)
    onsite = has_text(body.get("onsite_inspection_id"), max_chars=64)
    found: list[Violation] = []
    if store == onsite:
        found.append(
            violation(
                "channel.ambiguous" if store else "channel.required",
                "store_id",
                "Name one channel: a registration station (store_id) or a completed on-site "
                "inspection (onsite_inspection_id).",
                "请指定一种办理渠道：登记服务站（store_id）或已完成的上门查验（onsite_inspection_id）。",
            )
        )
    if store and not onsite:
        refusal = station_refusal(
            car.get("use_nature"), car.get("vehicle_type"), config.station, config.key_vehicles
        )
        if refusal is not None:
            reason, message, message_zh, where = refusal
            found.append(
                routed("station.not_eligible", f"vehicle.{reason}", message, message_zh, where)
            )
    plate = fields_of(body.get("plate"), ("source",))
    if _text(plate.get("source")) == "SEQUENCE" and not onsite:
        found.append(
            violation(
                "plate.sequence_needs_onsite",
                "plate.source",
                "Plates in sequence are assigned only to a fleet registered through an "
                "on-site inspection.",
                "按顺序分配号牌仅适用于经上门查验办理的车队登记。",
                value="sequence",
            )
        )
    return found


def supervision_checks(
    body: Mapping[str, object], car: Mapping[str, object], config: CarRuleConfig
) -> list[Violation]:
    """A key vehicle's enrolment: present, with a valid credit code, licence and safety officer.

    An ordinary vehicle needs none (one given is accepted and ignored by the bureau).
    """
    why = explain_key_vehicle(
        car.get("use_nature"), car.get("vehicle_type"), rules=config.key_vehicles
    )
    if why is None:
        return []
    part = body.get("supervision")
    if part is None:
        return [
            Violation(
                "supervision.required",
                "supervision",
                f"{why.message} Its registration records the supervision enrolment: the "
                "operating enterprise's credit code, the road-transport licence number where "
                "required, and the safety officer.",
                f"{why.message_zh}注册登记时须录入源头监管信息：运营企业统一社会信用代码、"
                "道路运输证号（需要时）和安全管理员。",
                extra={"key_vehicle": why.to_dict()},
            )
        ]
    enrolment = fields_of(part, _SUPERVISION)
    found = validate_uscc(
        enrolment.get("operating_enterprise_credit_code"),
        field="supervision.operating_enterprise_credit_code",
    )
    licence = _text(enrolment.get("road_transport_licence_number"))
    if _text(car.get("use_nature")) in config.key_vehicles.licence_use_natures:
        if not licence:
            found.append(
                violation(
                    "supervision.licence_required",
                    "supervision.road_transport_licence_number",
                    "An operating key vehicle names its road-transport licence (道路运输证) "
                    "number.",
                    "营运类重点车辆须填写道路运输证号。",
                )
            )
        elif not _LICENCE.fullmatch(licence):
            found.append(
                violation(
                    "supervision.licence_format",
                    "supervision.road_transport_licence_number",
                    "A road-transport licence number is 6 to 32 letters, digits or Chinese "
                    "characters.",
                    "道路运输证号应为6至32位字母、数字或汉字。",
                    value=licence[:32],
                )
            )
    officer = fields_of(enrolment.get("safety_officer"), _OFFICER)
    if not has_text(officer.get("name"), max_chars=64):
        found.append(
            violation(
                "supervision.safety_officer_required",
                "supervision.safety_officer.name",
                "Name the safety officer (安全管理员) responsible for the vehicle.",
                "请填写该车辆的安全管理员姓名。",
            )
        )
    found += validate_mobile(officer.get("mobile"), field="supervision.safety_officer.mobile")
    return found
