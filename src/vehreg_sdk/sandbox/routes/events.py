"""``GET /v1/events``: every status change of the dealer's registrations, oldest first."""

from __future__ import annotations

from ..endpoint import Call, Endpoint, Reply
from ..events import event_seq, list_events
from ..pagination import QueryReader, envelope
from ..problems import ProblemError, violation


def events(call: Call) -> Reply:
    """``after`` (or its alias ``cursor``) is the id of the last event already seen."""
    query = QueryReader(call.query)
    limit = query.limit()
    after = query.text("after") or query.text("cursor")
    query.check()
    with call.bureau.db.read() as conn:
        after_seq = 0
        if after is not None:
            found = event_seq(conn, call.dealer.id, after)
            if found is None:
                name = "after" if call.query.get("after") else "cursor"
                raise ProblemError(
                    "query.invalid",
                    errors=[
                        violation(
                            f"query.{name}",
                            "event.not_found",
                            "No event of yours has this id.",
                            "没有该编号的事件。",
                        )
                    ],
                )
            after_seq = found
        docs, more = list_events(conn, call.dealer.id, after_seq, limit)
    return Reply(200, envelope(docs, more, docs[-1]["id"] if docs else None))


ENDPOINTS = [Endpoint("GET", "/v1/events", events)]
