"""``/v1/test-helpers/...``: sandbox-only controls (like Stripe's test helpers)."""

from __future__ import annotations

from ..endpoint import Call, Endpoint, Reply
from ..review import PHOTO_KINDS
from ..review_script import store_script


def script_review(call: Call) -> Reply:
    doc = store_script(
        call.bureau,
        call.dealer,
        call.path_params["registration_id"],
        call.json(),
        PHOTO_KINDS,
    )
    return Reply(200, doc)


ENDPOINTS = [
    Endpoint(
        "POST",
        "/v1/test-helpers/ebike-registrations/{registration_id}/review",
        script_review,
        body="json",
    ),
]
