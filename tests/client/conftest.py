"""Shared fixtures of the client tests: a respx-mocked bureau, an in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from vehreg_sdk import AsyncVehregClient, VehregClient
from vehreg_sdk.resources._ebike_submit import business_date

BASE_URL = "https://bureau.test"
APP_KEY = "dk_test_0001"
APP_SECRET = "sk_test_secret_0001"

#: fictional people (valid checksums): never real
ID_NUMBER = "11010519491231002X"
MOBILE = "19900001234"
NAME = "张小明"


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps everything in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        from keyring.errors import PasswordDeleteError

        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Iterator[MemoryKeyring]:
    for name in ("VEHREG_BASE_URL", "VEHREG_APP_KEY", "VEHREG_APP_SECRET", "VEHREG_LOG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("VEHREG_CONFIG_DIR", str(tmp_path / "config"))
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(_isolated: MemoryKeyring) -> MemoryKeyring:
    return _isolated


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def client(sleeps: list[float]) -> Iterator[VehregClient]:
    c = VehregClient(base_url=BASE_URL, app_key=APP_KEY, app_secret=APP_SECRET)
    c._kernel.sleep = sleeps.append
    with c:
        yield c


@pytest.fixture
async def aclient(sleeps: list[float]) -> Any:
    c = AsyncVehregClient(base_url=BASE_URL, app_key=APP_KEY, app_secret=APP_SECRET)

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    c._kernel.sleep = fake_sleep
    async with c:
        yield c


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def registration_json(
    registration_id: str = "reg_0001",
    *,
    status: str = "plate_assigned",
    store_id: str = "st_0001",
    vehicle_code: str = "320620240000123",
    invoice_number: str = "INV0001",
    client_reference: str | None = None,
) -> dict[str, Any]:
    return {
        "id": registration_id,
        "object": "ebike_registration",
        "status": status,
        "store_id": store_id,
        "vehicle": {
            "vehicle_code": vehicle_code,
            "motor_code": "MTR12345",
            "product_model": "TDR-1",
            "color": "白",
            "battery_chemistry": "lithium",
            "battery_voltage_v": 48,
            "battery_capacity_ah": 20,
        },
        "owner": {
            "name": "张*",
            "id_type": "A",
            "id_number": "1101**********002X",
            "mobile": "199****1234",
            "use": "self",
        },
        "sale": {
            "invoice_number": invoice_number,
            "invoice_date": business_date().isoformat(),
            "price_fen": 299900,
            "clerk_id": "C001",
        },
        "plate_number": "苏G·A12345",
        "plate_token": "eyJ.token.sig",
        "client_reference": client_reference,
        "created_at": _now(),
        "updated_at": _now(),
    }


def sale_kwargs(**overrides: Any) -> dict[str, Any]:
    """Arguments of ``ebike_registrations.create`` for a valid, fictional sale."""
    kwargs: dict[str, Any] = {
        "store_id": "st_0001",
        "vehicle": {
            "vehicle_code": "320620240000123",
            "motor_code": "MTR12345",
            "product_model": "TDR-1",
            "color": "白",
        },
        "owner": {
            "name": NAME,
            "id_number": ID_NUMBER,
            "mobile": MOBILE,
            "address": "江苏省连云港市海州区朝阳路1号",
        },
        "sale": {
            "invoice_number": "INV0001",
            "invoice_date": business_date(),
            "price_fen": 299900,
            "clerk_id": "C001",
        },
        "uploads": ["up_1", "up_2"],
    }
    kwargs.update(overrides)
    return kwargs


def problem(status: int, code: str, *, request_id: str = "req_err", **extra: Any) -> dict[str, Any]:
    return {
        "type": f"https://bureau.test/problems/{code}",
        "title": "Problem",
        "status": status,
        "code": code,
        "detail": f"English detail for {code}",
        "detail_zh": f"中文说明 {code}",
        "request_id": request_id,
        "errors": [],
        **extra,
    }
