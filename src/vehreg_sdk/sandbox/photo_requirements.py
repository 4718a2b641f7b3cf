"""The photo kinds the review requires, per registration kind: the one table.

``GET /v1/photo-requirements`` serves it, and the reviews (e-bike and car)
read their required kinds from it, so the contract and the review cannot
disagree. E-bike kinds follow the real deployment (docs/domain.md §2.3);
car kinds what a 4S station files for a new car (invoice, insurance, owner's
ID, VIN rubbing, vehicle photo, plate fitted). Lianyungang's exact list is
not confirmed [U] (domain §12 q. 3): change it here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["PHOTO_REQUIREMENTS", "REGISTRATION_KINDS", "PhotoRule", "label_zh", "required_kinds"]

REGISTRATION_KINDS = ("ebike", "car")
AT_SUBMIT, AFTER_PLATE = "at_submit", "after_plate_fitted"


@dataclass(frozen=True, slots=True)
class PhotoRule:
    """One row: a photo kind of a registration kind, when, whether required, and labels."""

    registration_kind: str
    photo_kind: str
    stage: str
    required: bool
    label_zh: str
    label_en: str
    condition: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "object": "photo_requirement",
            "registration_kind": self.registration_kind,
            "photo_kind": self.photo_kind,
            "stage": self.stage,
            "required": self.required,
            "condition": self.condition,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
        }


def _rows(kind: str, rows: Iterable[tuple[Any, ...]]) -> tuple[PhotoRule, ...]:
    return tuple(PhotoRule(kind, *row) for row in rows)


PHOTO_REQUIREMENTS: tuple[PhotoRule, ...] = _rows(
    "ebike",
    (
        ("id_front", AT_SUBMIT, True, "身份证明正面", "ID document, front"),
        ("id_back", AT_SUBMIT, True, "身份证明背面", "ID document, back"),
        ("invoice", AT_SUBMIT, True, "销售发票", "sales invoice"),
        ("certificate", AT_SUBMIT, True, "产品合格证", "certificate of conformity"),
        ("vehicle_code_rubbing", AT_SUBMIT, True, "整车编码拓印膜", "vehicle code rubbing"),
        ("vehicle_photo", AT_SUBMIT, True, "车辆照片", "vehicle photo"),
        ("motor_code_photo", AT_SUBMIT, False, "电机编码照片", "motor code photo"),
        ("plate_fitted", AFTER_PLATE, True, "带牌车辆照片", "vehicle with the plate fitted"),
    ),
) + _rows(
    "car",
    (
        ("invoice", AT_SUBMIT, True, "机动车销售统一发票", "purchase invoice"),
        ("insurance_policy", AT_SUBMIT, True, "交强险保单", "compulsory insurance policy"),
        ("id_front", AT_SUBMIT, True, "所有人身份证明正面", "owner's ID, front", "person_owner"),
        ("id_back", AT_SUBMIT, False, "所有人身份证明背面", "owner's ID, back", "person_owner"),
        (
            "business_licence",
            AT_SUBMIT,
            True,
            "单位营业执照",
            "unit's business licence",
            "unit_owner",
        ),
        (
            "agent_authorisation",
            AT_SUBMIT,
            True,
            "授权委托书",
            "authorisation of the agent",
            "agent",
        ),
        ("agent_id", AT_SUBMIT, True, "经办人身份证明", "agent's ID", "agent"),
        ("residence_permit", AT_SUBMIT, False, "居住证明", "residence permit"),
        ("certificate", AT_SUBMIT, False, "整车出厂合格证", "certificate of conformity"),
        # On the on-site inspection channel the inspectors take these at the depot.
        (
            "vin_rubbing",
            AT_SUBMIT,
            True,
            "车辆识别代号拓印膜",
            "VIN rubbing",
            "station_channel",
        ),
        (
            "vehicle_photo",
            AT_SUBMIT,
            True,
            "车辆照片（左前方45度）",
            "vehicle photo, front left",
            "station_channel",
        ),
        (
            "plate_fitted",
            AFTER_PLATE,
            True,
            "带牌车辆照片",
            "vehicle with the plates fitted",
            "station_channel",
        ),
    ),
)


def requirements(registration_kind: str | None = None) -> list[PhotoRule]:
    """The rows of one registration kind (all rows for ``None``)."""
    return [
        rule
        for rule in PHOTO_REQUIREMENTS
        if registration_kind is None or rule.registration_kind == registration_kind
    ]


def _applies(rule: PhotoRule, facts: Mapping[str, bool]) -> bool:
    return rule.condition is None or facts.get(rule.condition, False)


def required_kinds(registration_kind: str, facts: Mapping[str, bool] | None = None) -> list[str]:
    """The photo kinds a review of this kind requires; ``facts`` say which conditions hold
    (``{"agent": True, "unit_owner": False, "person_owner": True, "station_channel": True}``)."""
    known = facts or {}
    return [
        rule.photo_kind
        for rule in requirements(registration_kind)
        if rule.required and _applies(rule, known)
    ]


def label_zh(registration_kind: str, photo_kind: str) -> str:
    """The Chinese label of a photo kind (the kind itself when unknown)."""
    for rule in requirements(registration_kind):
        if rule.photo_kind == photo_kind:
            return rule.label_zh
    return photo_kind
