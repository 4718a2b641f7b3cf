"""Exception text is read by clerks and lands in logs: it is bilingual and never echoes PII."""

from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from vehreg_sdk import webhooks
from vehreg_sdk._errors import WebhookVerificationError
from vehreg_sdk.testing import fake_resident_id
from vehreg_sdk.types import Owner


def _owner(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "张小明",
        "id_type": "A",
        "id_number": fake_resident_id(random.Random(11)),
        "mobile": "13912345678",
        "address": "江苏省连云港市海州区通灌南路1号",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    "overrides",
    [
        {"mobile": "1391234567"},  # one digit short
        {"mobile": 13912345678},  # wrong type: an int
        {"id_number": 320706199201010113},  # wrong type: an int
        {"id_number": "320706199201010114"},  # bad checksum
        {"unknown_field": "x"},
    ],
)
def test_validation_errors_never_echo_the_input(overrides: dict[str, object]) -> None:
    data = _owner(**overrides)
    with pytest.raises(ValidationError) as caught:
        Owner.model_validate(data)
    text = str(caught.value)
    for raw in ("张小明", "13912345678", "1391234567", "320706199201010113", "320706199201010114"):
        assert raw not in text
    assert str(data["id_number"]) not in text


def test_rule_errors_read_in_both_languages() -> None:
    with pytest.raises(ValidationError) as caught:
        Owner.model_validate(_owner(mobile="1391234567"))
    (error,) = caught.value.errors()
    assert error["type"] == "mobile.format"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["msg"])  # Chinese in the message
    assert error["ctx"]["message_zh"] in error["msg"]


@pytest.mark.parametrize(
    "header",
    [
        "t=99999999999999999999999999999999,v1=00",
        "t=１２３４５,v1=00",  # full-width digits pass str.isdigit()
        "t=-5,v1=00",
        "t=,v1=00",
        "v1=00",
        "t=1700000000",
    ],
)
@pytest.mark.parametrize("tolerance", [0, 300])
def test_hostile_webhook_headers_are_rejected_not_crashed(header: str, tolerance: int) -> None:
    with pytest.raises(WebhookVerificationError):
        webhooks.verify(b"{}", header, "whsec_test", tolerance=tolerance)
