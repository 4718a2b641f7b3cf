"""Logs say what happened on the wire and never whom it was about."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from vehreg_sdk import ConflictError, VehregClient
from vehreg_sdk import _logging as vlog

from .conftest import (
    APP_SECRET,
    BASE_URL,
    ID_NUMBER,
    MOBILE,
    NAME,
    problem,
    registration_json,
    sale_kwargs,
)


@respx.mock(base_url=BASE_URL)
def test_no_pii_secret_or_signature_in_logs(
    respx_mock: respx.MockRouter, client: VehregClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="vehreg_sdk")
    created = httpx.Response(201, json=registration_json(), headers={"X-Request-Id": "req_c1"})
    post = respx_mock.post("/v1/ebike-registrations").mock(
        side_effect=[httpx.Response(503), created, httpx.Response(409, json=problem(
            409, "owner.blocked", detail=f"owner {ID_NUMBER} mobile {MOBILE} blocked"
        ))]
    )  # fmt: skip
    respx_mock.get("/v1/catalogue/ebikes").respond(
        200, json={"object": "list", "data": [], "has_more": False, "next_cursor": None}
    )
    client.ebike_registrations.create(**sale_kwargs())
    with pytest.raises(ConflictError):
        client.ebike_registrations.create(**sale_kwargs())
    # a careless caller puts personal data in a query; the log line is still masked
    list(client.catalogue.list(q=f"{ID_NUMBER} {MOBILE}"))
    # and a careless plugin logs it straight into our logger
    logging.getLogger("vehreg_sdk").warning("owner id %s, mobile %s", ID_NUMBER, MOBILE)

    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert ID_NUMBER not in text
    assert MOBILE not in text
    assert NAME not in text
    assert APP_SECRET not in text
    for call in post.calls:
        assert call.request.headers["X-Vehreg-Signature"] not in text
    assert "<redacted>" in text
    assert "POST /v1/ebike-registrations -> 201 (request_id=req_c1, retries=1" in text
    assert "retrying POST /v1/ebike-registrations" in text
    assert "-> 409" in text
    assert "1101**********002X" in text  # masked, still useful
    assert "张小明" not in text and "江苏省连云港市海州区朝阳路" not in text  # bodies never logged


def test_vehreg_log_env_attaches_a_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    logger = logging.getLogger("vehreg_sdk")
    monkeypatch.setattr(vlog, "_configured", False)
    monkeypatch.setenv("VEHREG_LOG", "debug")
    before = list(logger.handlers)
    try:
        VehregClient(base_url=BASE_URL, app_key="k", app_secret="s")
        assert logger.level == logging.DEBUG
        added = [h for h in logger.handlers if h not in before]
        assert len(added) == 1
    finally:
        for handler in logger.handlers[:]:
            if handler not in before:
                logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def test_redact_headers() -> None:
    redacted = vlog.redact_headers([("X-Vehreg-Signature", "abc"), ("X-Vehreg-Key", "k")])
    assert redacted == {"X-Vehreg-Signature": "<redacted>", "X-Vehreg-Key": "k"}
