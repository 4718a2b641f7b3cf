"""Shared by the outbox and POS tests: fictional sales, a fake bureau client, a keyring backend."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

from keyring.backend import KeyringBackend

#: the ``open_outbox`` fixture: opens this test's outbox (SQLite file or PostgreSQL hub)
OpenOutbox = Callable[..., Any]

_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def resident_id(serial: int, birth: str = "19900101", region: str = "320706") -> str:
    """A checksum-valid, fictional resident ID number (GB 11643)."""
    body = f"{region}{birth}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def vehicle_code(n: int) -> str:
    """A well-formed 15-digit vehicle code (整车编码) for unit tests that need no sandbox."""
    return f"32072{n:010d}"


def sale_payload(
    n: int = 1,
    *,
    store_id: str = "st_test",
    code: str | None = None,
    product_model: str = "TDT1234Z",
    motor_code: str | None = None,
    color: str = "白",
    owner_name: str = "张三",
    mobile: str | None = None,
) -> dict[str, Any]:
    return {
        "store_id": store_id,
        "vehicle": {
            "vehicle_code": code or vehicle_code(n),
            "motor_code": motor_code or f"M{n:09d}",
            "product_model": product_model,
            "color": color,
            "battery_chemistry": "lithium",
            "battery_voltage_v": 48,
            "battery_capacity_ah": 20,
        },
        "owner": {
            "name": owner_name,
            "id_type": "A",
            "id_number": resident_id(n),
            "mobile": mobile or f"1381234{n % 10000:04d}",
            "address": "江苏省连云港市海州区朝阳中路1号",
            "use": "self",
        },
        "sale": {
            "invoice_number": f"INV{n:08d}",
            "invoice_date": date.today().isoformat(),
            "price_fen": 299900,
            "clerk_id": "C001",
        },
    }


class MemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps secrets in this process's memory."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._data: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            self._data.pop((service, username), None)


# --------------------------------------------------------------------------- a fake bureau client


class FakeRegistrations:
    """Scripted ``ebike_registrations``: each create pops the next outcome (exception or None)."""

    def __init__(self) -> None:
        self.outcomes: list[BaseException | None] = []
        self.calls: list[dict[str, Any]] = []
        self.created: dict[str, Any] = {}
        self._n = 0

    def create(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        outcome = self.outcomes.pop(0) if self.outcomes else None
        if outcome is not None:
            raise outcome
        return self._registration(kwargs)

    def retrieve(self, registration_id: str, **_: Any) -> Any:
        return self.created[registration_id]

    def _registration(self, kwargs: dict[str, Any], plate: bool = True) -> Any:
        from datetime import UTC, datetime

        from vehreg_sdk.types import EbikeRegistration

        self._n += 1
        now = datetime.now(UTC).isoformat()
        reg = EbikeRegistration.model_validate(
            {
                "id": f"reg_fake_{self._n}",
                "status": "plate_assigned",
                "store_id": kwargs["store_id"],
                "vehicle": {**kwargs["vehicle"], "brand": "X"},
                "owner": {
                    "name": "张*",
                    "id_type": "A",
                    "id_number": "3207****",
                    "mobile": "138****",
                    "use": "self",
                },
                "sale": kwargs["sale"],
                "plate_number": f"苏G{self._n:06d}" if plate else None,
                "plate_token": "tok" if plate else None,
                "client_reference": kwargs.get("client_reference"),
                "uploads": list(kwargs.get("uploads", [])),
                "created_at": now,
                "updated_at": now,
            }
        )
        self.created[reg.id] = reg
        return reg


class FakeUploads:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def create(self, **kwargs: Any) -> Any:
        from types import SimpleNamespace

        self.calls.append(kwargs)
        return SimpleNamespace(id=f"up_{kwargs['idempotency_key']}")


class FakeClient:
    def __init__(self) -> None:
        self.ebike_registrations = FakeRegistrations()
        self.uploads = FakeUploads()


def status_error(
    cls: type, status: int, code: str, errors: list[Any] | None = None, **extra: Any
) -> Any:
    """A real ``APIStatusError`` subclass instance, as the client raises it."""
    return cls(
        status_code=status,
        code=code,
        detail=f"{code} happened",
        detail_zh=f"{code} 发生",
        request_id="req_test",
        errors=errors or [],
        **extra,
    )


def run_sql(box: Any, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run one statement on the outbox's database (either engine), committed; its rows."""
    with box._write() as conn:
        cursor = conn.execute(statement, params)
        return list(cursor.fetchall()) if cursor.description is not None else []
