"""``GET /v1/plate-status``: the signed list of revoked plates (cancelled or rejected
registrations), whole or since a version, for offline checks of printed labels."""

from __future__ import annotations

from ..endpoint import Call, Endpoint, Reply
from ..pagination import QueryReader
from ..plate_credentials import status_list
from ..problems import violation

_MAX_SINCE = 2**53


def plate_status(call: Call) -> Reply:
    query = QueryReader(call.query)
    raw = call.query.get("since")
    since = 0
    if raw not in (None, ""):
        assert raw is not None
        if raw.isascii() and raw.isdigit() and int(raw) < _MAX_SINCE:
            since = int(raw)
        else:
            query.errors.append(
                violation(
                    "query.since",
                    "query.range",
                    "since is the version of the list you hold: an integer of at least 0.",
                    "since 应为已持有列表的版本号：不小于 0 的整数。",
                )
            )
    query.check()
    return Reply(200, status_list(call.bureau, since=since, now=call.now))


ENDPOINTS = [Endpoint("GET", "/v1/plate-status", plate_status, auth=False)]
