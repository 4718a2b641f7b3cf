"""``GET /v1/catalogue/ebikes[/{product_model}]``: the e-bike product catalogue (新国标目录)."""

from __future__ import annotations

import copy

from ...rules._text import normalize_code
from .. import catalogue
from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader, page_envelope
from ..problems import ProblemError


def list_models(call: Call) -> Reply:
    """Filter by ``q`` (substring of model, brand or maker, case-insensitive) and ``brand``."""
    query = QueryReader(call.query)
    limit, after = query.limit(), query.cursor()
    text, brand = query.text("q"), query.text("brand")
    query.check()
    needle = (text or "").strip().casefold()
    start = after or 0
    matches = [
        (index, model)
        for index, model in enumerate(catalogue.catalogue(), start=1)
        if index > start
        and (brand is None or model["brand"] == brand.strip())
        and (
            not needle
            or any(needle in str(model[k]).casefold() for k in ("product_model", "brand", "maker"))
        )
    ]
    return Reply(
        200,
        page_envelope(
            matches, limit, lambda match: copy.deepcopy(match[1]), seq=lambda match: match[0]
        ),
    )


def retrieve_model(call: Call) -> Reply:
    model = catalogue.find_model(normalize_code(call.path_params["product_model"]))
    if model is None:
        raise ProblemError("catalogue.model_not_found")
    return Reply(200, copy.deepcopy(model))


ENDPOINTS = [
    Endpoint("GET", "/v1/catalogue/ebikes", list_models),
    Endpoint("GET", "/v1/catalogue/ebikes/{product_model}", retrieve_model),
]
