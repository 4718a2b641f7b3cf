"""Car rows of a bulk sheet: cells to a ``POST /v1/vehicle-registrations`` item, checked offline.

:class:`CarRowParser` has :class:`~.parse.RowParser`'s interface (``parse``,
``columns``, ``references``), so the readers, the duplicate scan, the journal,
the submitter and the reports are the e-bike ones. Each row is judged by
:func:`vehreg_sdk.rules.check_car_registration` and the wire model, as the bureau
judges it, with the run's channel (``store_id`` or ``onsite_inspection_id``)
filled in: a key vehicle is refused on the station channel before anything is
sent, and needs its supervision columns on the on-site channel.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from .. import rules
from ..rules.cars import DEFAULT_CAR_CONFIG, CarRuleConfig
from ..rules.references import is_valid_client_reference, validate_client_reference
from ..types._base import violations_from_pydantic
from ..types.vehicle_registrations import VehicleRegistrationCreate
from .car_columns import CAR_COLUMN_SET, OWNER_KINDS, PLATE_SOURCES, car_column_of
from .cells import mask_value, parse_date, yuan_to_fen
from .parse import ParsedRow, RowIssue, item_fingerprint

__all__ = ["CarRowParser", "car_reference"]

_UPLOAD_SPLIT = re.compile(r"[;；,，\s]+")
_KINDS = {**{v: k for k, v in OWNER_KINDS.items()}, **{k: k for k in OWNER_KINDS}}
_SOURCES = {**{v: k for k, v in PLATE_SOURCES.items()}, **{k: k for k in PLATE_SOURCES}}
_DATES = ("invoice_date", "insurance_starts_on", "insurance_ends_on")


def car_reference(item: Mapping[str, Any], fingerprint: str | None = None) -> str:
    """A row's key when the sheet gives none: the VIN plus a digest of the content."""
    vin = str((item.get("vehicle") or {}).get("vin", "")).strip()[:17]
    return f"{vin or 'row'}-{(fingerprint or item_fingerprint(item))[:16]}"


class CarRowParser:
    """Converts and checks car rows for one business date, channel and rule configuration.

    ``channel`` is the field the run names (``store_id`` or ``onsite_inspection_id``);
    the rows are judged as if it were set.
    """

    columns = CAR_COLUMN_SET

    def __init__(
        self,
        *,
        on: date,
        channel: str = "store_id",
        config: CarRuleConfig = DEFAULT_CAR_CONFIG,
        references: bool = True,
    ) -> None:
        if channel not in ("store_id", "onsite_inspection_id"):
            raise ValueError("channel is store_id or onsite_inspection_id")
        self.on = on
        self.channel = channel
        self.config = config
        self.references = references
        self.catalogue = None

    def parse(
        self,
        row_number: int,
        values: Mapping[str, str],
        numeric: frozenset[str] = frozenset(),
        merged: Mapping[str, str] | None = None,
    ) -> ParsedRow:
        """One sheet row (``values``: column key -> cell text)."""
        v = {
            column.key: str(values.get(column.key) or "").strip() for column in self.columns.columns
        }
        issues: list[RowIssue] = []

        def issue(column: str, code: str, en: str, zh: str) -> None:
            issues.append(
                RowIssue(row_number, column, column, code, en, zh, "error",
                         mask_value(column, v.get(column)))
            )  # fmt: skip

        for column in self.columns.columns:
            if column.required and not v[column.key]:
                where = (merged or {}).get(column.key)
                issue(column.key, "cell.merged" if where else "field.required",
                      "Required." if not where else f"Covered by the merged cell {where}.",
                      "必填。" if not where else f"被合并单元格 {where} 覆盖。")  # fmt: skip
        dates: dict[str, str | None] = {}
        for key in _DATES:
            day = parse_date(v[key]) if v[key] else None
            if v[key] and day is None:
                issue(key, "cell.date", "A date (YYYY-MM-DD).", "应为日期（YYYY-MM-DD）。")
            dates[key] = day.isoformat() if day else None
        price = yuan_to_fen(v["price_yuan"]) if v["price_yuan"] else None
        if v["price_yuan"] and price is None:
            issue("price_yuan", "cell.money", "An amount in yuan (at most 2 decimals).",
                  "应为以元为单位的金额（最多两位小数）。")  # fmt: skip
        kind = _KINDS.get(v["owner_kind"]) if v["owner_kind"] else None
        source = _SOURCES.get(v["plate_source"]) if v["plate_source"] else None
        for key, found, allowed in (("owner_kind", kind, OWNER_KINDS),
                                    ("plate_source", source, PLATE_SOURCES)):  # fmt: skip
            if v[key] and found is None:
                words = "、".join(allowed.values())
                issue(key, "cell.choice", f"Not one of the allowed values ({words}).",
                      f"不是允许的取值（{words}）。")  # fmt: skip
        id_type = v["owner_id_type"].upper() or ("N" if kind == "unit" else None)
        owner: dict[str, Any] = {
            "kind": kind or ("unit" if id_type == "N" else "person"),
            "name": v["owner_name"],
            "id_number": v["owner_id_number"],
            "mobile": v["owner_mobile"],
            "address": v["owner_address"],
        }
        if id_type:
            owner["id_type"] = id_type
        item: dict[str, Any] = {
            "vehicle": {
                "vin": v["vin"],
                "certificate_number": v["certificate_number"],
                "vehicle_type": v["vehicle_type"].upper(),
                "use_nature": v["use_nature"].upper(),
                "fuel_type": v["fuel_type"].upper(),
                "energy_type": v["energy_type"].upper(),
            },
            "owner": owner,
            "invoice": {"number": v["invoice_number"], "date": dates["invoice_date"],
                        "price_fen": price},
            "insurance": {"policy_number": v["insurance_policy_number"],
                          "starts_on": dates["insurance_starts_on"],
                          "ends_on": dates["insurance_ends_on"]},
            "plate": {"kind": v["plate_kind"], "source": source or "selection"},
            "uploads": [u for u in _UPLOAD_SPLIT.split(v["uploads"]) if u],
        }  # fmt: skip
        if v["color"]:
            item["vehicle"]["color"] = v["color"]
        if v["selection_id"]:
            item["plate"]["selection_id"] = v["selection_id"]
        if v["plate_number"]:
            item["plate"]["number"] = v["plate_number"]
        if v["agent_name"] or v["agent_id_number"]:
            item["agent"] = {
                "name": v["agent_name"],
                "id_type": "A",
                "id_number": v["agent_id_number"],
                "mobile": v["agent_mobile"],
                "authorisation_upload": v["agent_authorisation_upload"],
            }
        if v["operating_enterprise_credit_code"] or v["safety_officer_name"]:
            enrolment: dict[str, Any] = {
                "operating_enterprise_credit_code": v["operating_enterprise_credit_code"],
                "safety_officer": {
                    "name": v["safety_officer_name"],
                    "mobile": v["safety_officer_mobile"],
                },
            }
            if v["road_transport_licence_number"]:
                enrolment["road_transport_licence_number"] = v["road_transport_licence_number"]
            item["supervision"] = enrolment
        return self._finish(row_number, item, v["client_reference"], issues, v)

    def parse_item(self, row_number: int, data: Mapping[str, Any]) -> ParsedRow:
        """An item already in wire form (nested ``vehicle``, ``owner``, … dicts or models)."""
        item = {
            k: (value.model_dump(mode="json") if hasattr(value, "model_dump") else value)
            for k, value in data.items()
            if k != "client_reference"
        }
        return self._finish(row_number, item, str(data.get("client_reference") or ""), [], {})

    def _finish(
        self,
        row_number: int,
        item: dict[str, Any],
        reference: str,
        issues: list[RowIssue],
        cells: Mapping[str, str],
    ) -> ParsedRow:
        body = {**item, self.channel: "(run)"}
        found = rules.check_car_registration(body, on=self.on, config=self.config)
        codes = {violation.code for violation in found}
        try:
            VehicleRegistrationCreate.model_validate(body)
        except ValidationError as exc:
            found += [v for v in violations_from_pydantic(exc) if v.code not in codes]
        refused = {(i.column, i.code) for i in issues}
        for violation in found:
            column = car_column_of(violation.field)
            if (column, "field.required") in refused or (column, "cell.date") in refused:
                continue
            issues.append(
                RowIssue(row_number, column, violation.field, violation.code, violation.message,
                         violation.message_zh, violation.severity,
                         mask_value(column, cells.get(column or "")))
            )  # fmt: skip
        if reference and not is_valid_client_reference(reference):
            issues += [
                RowIssue(row_number, "client_reference", v.field, v.code, v.message,
                         v.message_zh, "error", mask_value("client_reference",
                                                           ascii(reference[:80])[1:-1]))
                for v in validate_client_reference(reference)
            ]  # fmt: skip
        if any(i.is_error for i in issues):
            return ParsedRow(row_number, None, issues)
        fingerprint = None
        if self.references:
            fingerprint = item_fingerprint(item)
            item["client_reference"] = reference or car_reference(item, fingerprint)
        elif reference:
            item["client_reference"] = reference
        return ParsedRow(row_number, item, issues, fingerprint)
