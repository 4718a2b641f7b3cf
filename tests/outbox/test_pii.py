"""No raw owner data in what the outbox raises, stores or logs."""

from __future__ import annotations

import logging
import random
from datetime import date
from typing import Any

import pydantic
import pytest

from vehreg_sdk import UnprocessableEntityError
from vehreg_sdk.outbox import ItemStatus, Outbox
from vehreg_sdk.testing import fake_mobile, fake_resident_id

from .outbox_support import FakeClient, sale_payload, status_error

RNG = random.Random(61)
OWNER = {
    "name": "司马晓薇",
    "id_number": fake_resident_id(RNG, date(1985, 3, 9)),
    "mobile": fake_mobile(RNG),
    "address": "江苏省连云港市连云区样例街17号201室",
}


def _sale(n: int, **owner: str) -> dict[str, Any]:
    sale = sale_payload(n)
    sale["owner"].update({**OWNER, **owner})
    return sale


def _hits(text: str, *extra: str) -> list[str]:
    return [v for v in (*OWNER.values(), *extra) if v in text]


@pytest.mark.parametrize(
    "owner",
    [
        {"id_number": OWNER["id_number"][:-1] + "0"},  # a wrong check character
        {"mobile": "1" + OWNER["mobile"]},  # 12 digits
        {"id_type": "Q"},
        {"mobile": "0" + OWNER["mobile"][1:]},  # not a mobile prefix
    ],
)
def test_a_refused_sale_error_does_not_echo_the_owner(
    outbox: Outbox, owner: dict[str, str]
) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        outbox.enqueue(_sale(1, **owner))
    text = f"{caught.value}\n{caught.value!r}"
    assert _hits(text, *owner.values()) == [], text
    assert sum(outbox.counts().values()) == 0  # and nothing was stored


def test_a_refused_amendment_does_not_echo_the_owner(outbox: Outbox) -> None:
    client = FakeClient()
    client.ebike_registrations.outcomes = [
        status_error(UnprocessableEntityError, 422, "validation.failed")
    ]
    item = outbox.enqueue(_sale(2))
    outbox.sync(client)
    assert outbox.get(item.local_id).status == ItemStatus.NEEDS_ATTENTION
    bad_id = OWNER["id_number"][:-1] + ("1" if OWNER["id_number"][-1] != "1" else "2")
    with pytest.raises(pydantic.ValidationError) as caught:
        outbox.amend(item.local_id, _sale(2, id_number=bad_id))
    assert _hits(f"{caught.value}\n{caught.value!r}", bad_id) == []


def test_an_unexpected_error_quoting_the_owner_is_logged_and_stored_masked(
    outbox: Outbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = FakeClient()
    quoted = f"{OWNER['name']} {OWNER['id_number']} {OWNER['mobile']} {OWNER['address']}"
    client.ebike_registrations.outcomes = [RuntimeError(f"cannot encode {quoted}")]
    outbox.retry_base_seconds = 60
    item = outbox.enqueue(_sale(3))
    outbox.sync(client)
    kept = outbox.get(item.local_id)
    assert kept.status == ItemStatus.QUEUED
    assert "RuntimeError" in caplog.text and "司*" in caplog.text
    assert _hits(caplog.text) == []
    for record in caplog.records:
        assert _hits(logging.Formatter().format(record)) == []
    assert _hits(repr(kept.errors)) == [] and _hits(repr(outbox.history(item.local_id))) == []


def test_a_bureau_message_quoting_the_owner_is_stored_masked(outbox: Outbox) -> None:
    client = FakeClient()
    refusal = status_error(UnprocessableEntityError, 422, "owner.name_mismatch")
    refusal.detail = f"the name {OWNER['name']} does not match {OWNER['address']}"
    refusal.detail_zh = f"姓名 {OWNER['name']} 与证件不符"
    client.ebike_registrations.outcomes = [refusal]
    item = outbox.enqueue(_sale(4))
    outbox.sync(client)
    parked = outbox.get(item.local_id)
    assert parked.status == ItemStatus.NEEDS_ATTENTION
    assert parked.errors[0]["message_zh"].startswith("姓名 司*")
    assert _hits(repr(parked.errors)) == []
