"""``GET /v1/certificates/ebikes/{vehicle_code}``: one bike's certificate of conformity (合格证)."""

from __future__ import annotations

import copy

from ...rules._text import normalize_code
from .. import catalogue
from ..endpoint import Call, Endpoint, Reply
from ..problems import ProblemError


def retrieve_certificate(call: Call) -> Reply:
    certificate = catalogue.certificate_for(normalize_code(call.path_params["vehicle_code"]))
    if certificate is None:
        raise ProblemError("certificate.not_found")
    return Reply(200, copy.deepcopy(certificate))


ENDPOINTS = [
    Endpoint("GET", "/v1/certificates/ebikes/{vehicle_code}", retrieve_certificate),
]
