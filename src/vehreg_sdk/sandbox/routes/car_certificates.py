"""``GET /v1/certificates/cars/{certificate_number}`` and ``…/by-vin/{vin}``: a car's 合格证."""

from __future__ import annotations

import copy

from ...rules._text import normalize_code
from .. import car_catalogue
from ..endpoint import Call, Endpoint, Reply
from ..problems import ProblemError


def _not_found() -> ProblemError:
    return ProblemError(
        "certificate.not_found",
        detail="No car certificate of conformity has this number or VIN.",
        detail_zh="未找到该编号或车辆识别代号对应的机动车整车出厂合格证。",
    )


def by_number(call: Call) -> Reply:
    found = car_catalogue.certificate_by_number(
        normalize_code(call.path_params["certificate_number"])
    )
    if found is None:
        raise _not_found()
    return Reply(200, copy.deepcopy(found))


def by_vin(call: Call) -> Reply:
    found = car_catalogue.certificate_by_vin(normalize_code(call.path_params["vin"]))
    if found is None:
        raise _not_found()
    return Reply(200, copy.deepcopy(found))


ENDPOINTS = [
    Endpoint("GET", "/v1/certificates/cars/by-vin/{vin}", by_vin),
    Endpoint("GET", "/v1/certificates/cars/{certificate_number}", by_number),
]
