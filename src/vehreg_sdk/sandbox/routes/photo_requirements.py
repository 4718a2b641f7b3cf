"""``GET /v1/photo-requirements``: which photos the review requires, per registration kind."""

from __future__ import annotations

from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, envelope
from ..photo_requirements import REGISTRATION_KINDS, requirements


def list_photo_requirements(call: Call) -> Reply:
    query = QueryReader(call.query)
    kind = query.choice("registration_kind", REGISTRATION_KINDS)
    query.check()
    return Reply(200, envelope([rule.to_dict() for rule in requirements(kind)], False, None))


ENDPOINTS = [Endpoint("GET", "/v1/photo-requirements", list_photo_requirements)]
