"""Every logger of the SDK masks ID numbers and mobiles, including in tracebacks."""

from __future__ import annotations

import logging

import pytest

from vehreg_sdk.privacy import masked_logger
from vehreg_sdk.testing import fake_resident_id

RAW_MOBILE = "13912345678"


@pytest.mark.parametrize(
    "module",
    [
        "vehreg_sdk.sandbox.endpoint",
        "vehreg_sdk.outbox._sync",
        "vehreg_sdk.pos.host",
        "vehreg_sdk._kernel",
    ],
)
def test_package_loggers_mask_personal_data(module: str, caplog: pytest.LogCaptureFixture) -> None:
    import importlib
    import random

    raw_id = fake_resident_id(random.Random(7))
    logger = importlib.import_module(module).logger
    caplog.set_level(logging.DEBUG)
    logger.warning("owner %s mobile %s", raw_id, RAW_MOBILE)
    try:
        raise ValueError(f"bad owner {raw_id} / {RAW_MOBILE}")
    except ValueError:
        logger.exception("failed")
    text = caplog.text
    assert raw_id not in text
    assert RAW_MOBILE not in text
    assert raw_id[:4] in text  # the masked form is still there to correlate


def test_masked_logger_attaches_its_filter_once() -> None:
    first = masked_logger("vehreg_test.plugin")
    second = masked_logger("vehreg_test.plugin")
    assert first is second
    assert len(first.filters) == 1
