"""``POST /v1/uploads``: store a JPEG or PNG photo or scan (multipart ``kind`` + ``file``)."""

from __future__ import annotations

from ..endpoint import Call, Endpoint, Reply
from ..registrations import new_id
from ..uploads import insert_upload, read_upload_form


def create_upload(call: Call) -> Reply:
    incoming = read_upload_form(call.form())
    with call.bureau.db.write() as conn:
        doc = insert_upload(conn, new_id("up"), call.dealer.id, incoming, call.now)
    return Reply(201, doc)


ENDPOINTS = [Endpoint("POST", "/v1/uploads", create_upload, body="multipart")]
