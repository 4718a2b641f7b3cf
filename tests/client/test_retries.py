"""Retries: which failures, how long between attempts, and one Idempotency-Key per call."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest
import respx

from vehreg_sdk import AsyncVehregClient, InternalServerError, RateLimitError, VehregClient
from vehreg_sdk._kernel import parse_retry_after, retry_delay

from .conftest import BASE_URL, problem, registration_json, sale_kwargs

GET_PATH = "/v1/ebike-registrations/reg_0001"
OK = httpx.Response(200, json=registration_json(), headers={"X-Request-Id": "req_ok"})


def test_backoff_is_exponential_capped_jittered_and_bounded_below() -> None:
    for n, base in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (9, 8.0)]:
        delays = [retry_delay(n) for _ in range(200)]
        assert all(0.75 * base - 1e-9 <= d <= base for d in delays), (n, min(delays))
        assert len(set(delays)) > 1  # jittered
    assert min(retry_delay(0) for _ in range(500)) >= 0.1


def test_retry_after_seconds_date_and_cap() -> None:
    assert retry_delay(0, "3") == 3.0
    assert retry_delay(0, "0") == 0.1  # the minimum still applies
    assert retry_delay(0, "600") == 60.0  # capped
    future = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 18 <= retry_delay(0, future) <= 20.5
    assert parse_retry_after("not a date") is None
    assert 0.375 <= retry_delay(0, "not a date") <= 0.5  # falls back to backoff


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
@respx.mock(base_url=BASE_URL)
def test_retryable_statuses(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float], status: int
) -> None:
    route = respx_mock.get(GET_PATH).mock(
        side_effect=[httpx.Response(status, json=problem(status, "x")), OK]
    )
    reg = client.ebike_registrations.retrieve("reg_0001")
    assert reg.id == "reg_0001"
    assert reg.request_id == "req_ok"
    assert route.call_count == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422])
@respx.mock(base_url=BASE_URL)
def test_client_errors_are_not_retried(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float], status: int
) -> None:
    route = respx_mock.get(GET_PATH).respond(status, json=problem(status, "x"))
    with pytest.raises(Exception):  # noqa: B017 - the class is checked in test_errors
        client.ebike_registrations.retrieve("reg_0001")
    assert route.call_count == 1
    assert sleeps == []


@respx.mock(base_url=BASE_URL)
def test_retry_after_is_honoured(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    limited = httpx.Response(429, json=problem(429, "rate_limited"), headers={"Retry-After": "7"})
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    dated = httpx.Response(503, json=problem(503, "busy"), headers={"Retry-After": when})
    respx_mock.get(GET_PATH).mock(side_effect=[limited, dated, OK])
    client.ebike_registrations.retrieve("reg_0001")
    assert sleeps[0] == 7.0
    assert 28 <= sleeps[1] <= 30.5


@respx.mock(base_url=BASE_URL)
def test_retry_after_above_sixty_seconds_is_capped(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    limited = httpx.Response(429, headers={"Retry-After": "3600"})
    respx_mock.get(GET_PATH).mock(side_effect=[limited, OK])
    client.ebike_registrations.retrieve("reg_0001")
    assert sleeps == [60.0]


@respx.mock(base_url=BASE_URL)
def test_gives_up_after_max_retries(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    route = respx_mock.get(GET_PATH).respond(500, json=problem(500, "internal"))
    with pytest.raises(InternalServerError) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    assert route.call_count == 3  # 1 + 2 retries by default
    assert caught.value.retries_taken == 2
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5
    assert 0.75 <= sleeps[1] <= 1.0
    counts = [call.request.headers["X-Vehreg-Retry-Count"] for call in route.calls]
    assert counts == ["0", "1", "2"]


@respx.mock(base_url=BASE_URL)
def test_with_options_changes_retries_and_shares_the_pool(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    route = respx_mock.get(GET_PATH).respond(503)
    quick = client.with_options(max_retries=0, timeout=2.5)
    assert quick.max_retries == 0
    assert client.max_retries == 2
    with pytest.raises(InternalServerError):
        quick.ebike_registrations.retrieve("reg_0001")
    assert route.call_count == 1
    assert quick._kernel.pool is client._kernel.pool
    assert route.calls[0].request.extensions["timeout"]["read"] == 2.5
    quick.close()  # does not close the shared pool
    route.side_effect = [OK]
    assert client.ebike_registrations.retrieve("reg_0001").id == "reg_0001"


@respx.mock(base_url=BASE_URL)
def test_per_call_timeout(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    route = respx_mock.get(GET_PATH).mock(return_value=OK)
    client.ebike_registrations.retrieve("reg_0001", timeout=1.5)
    client.ebike_registrations.retrieve("reg_0001")
    assert route.calls[0].request.extensions["timeout"]["read"] == 1.5
    assert route.calls[1].request.extensions["timeout"]["read"] == 30.0


@respx.mock(base_url=BASE_URL)
def test_post_reuses_one_idempotency_key_and_resigns_each_attempt(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    created = httpx.Response(201, json=registration_json())
    route = respx_mock.post("/v1/ebike-registrations").mock(
        side_effect=[httpx.ConnectError("reset"), httpx.Response(502), created]
    )
    client.ebike_registrations.create(**sale_kwargs())
    assert route.call_count == 3
    requests = [call.request for call in route.calls]
    keys = {r.headers["Idempotency-Key"] for r in requests}
    assert len(keys) == 1
    assert len(next(iter(keys))) >= 32
    assert [r.headers["X-Vehreg-Retry-Count"] for r in requests] == ["0", "1", "2"]
    assert len({r.headers["X-Vehreg-Nonce"] for r in requests}) == 3
    assert len({r.headers["X-Vehreg-Signature"] for r in requests}) == 3
    assert len({r.content for r in requests}) == 1  # the very same bytes every time


@respx.mock(base_url=BASE_URL)
def test_in_progress_409_is_retried_under_the_same_key(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    """The first attempt timed out while the bureau was still working on it."""
    busy = httpx.Response(
        409, json=problem(409, "idempotency.in_progress"), headers={"Retry-After": "1"}
    )
    route = respx_mock.post("/v1/ebike-registrations").mock(
        side_effect=[httpx.ReadTimeout("slow"), busy, httpx.Response(201, json=registration_json())]
    )
    assert client.ebike_registrations.create(**sale_kwargs()).id == "reg_0001"
    assert len({c.request.headers["Idempotency-Key"] for c in route.calls}) == 1
    assert sleeps[1] == 1.0


@respx.mock(base_url=BASE_URL)
def test_each_call_gets_its_own_key_unless_given(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.post("/v1/ebike-registrations").respond(201, json=registration_json())
    client.ebike_registrations.create(**sale_kwargs())
    client.ebike_registrations.create(**sale_kwargs())
    client.ebike_registrations.create(**sale_kwargs(), idempotency_key="sale-2024-0001")
    client.ebike_registrations.create(**sale_kwargs(), idempotency_key="sale-2024-0001")
    keys = [call.request.headers["Idempotency-Key"] for call in route.calls]
    assert keys[0] != keys[1]
    assert keys[2] == keys[3] == "sale-2024-0001"


@respx.mock(base_url=BASE_URL)
def test_get_has_no_idempotency_key(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    route = respx_mock.get(GET_PATH).mock(return_value=OK)
    client.ebike_registrations.retrieve("reg_0001")
    assert "Idempotency-Key" not in route.calls[0].request.headers


@respx.mock(base_url=BASE_URL)
def test_raw_response_reports_retries_and_replay(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    replay = httpx.Response(
        201,
        json=registration_json(),
        headers={"Idempotent-Replayed": "true", "X-Request-Id": "req_replay"},
    )
    respx_mock.post("/v1/ebike-registrations").mock(side_effect=[httpx.ReadError("lost"), replay])
    raw = client.with_raw_response.ebike_registrations.create(**sale_kwargs())
    assert raw.status_code == 201
    assert raw.retries_taken == 1
    assert raw.idempotent_replayed
    assert raw.request_id == "req_replay"
    assert raw.headers["idempotent-replayed"] == "true"
    reg = raw.parse()
    assert reg.id == "reg_0001"
    assert reg.request_id == "req_replay"
    assert raw.parse() is reg


async def test_async_retries_with_the_same_key(
    aclient: AsyncVehregClient, sleeps: list[float]
) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post("/v1/ebike-registrations").mock(
            side_effect=[
                httpx.ReadTimeout("lost"),
                httpx.Response(429, headers={"Retry-After": "2"}),
                httpx.Response(201, json=registration_json()),
            ]
        )
        reg = await aclient.ebike_registrations.create(**sale_kwargs())
    assert reg.plate_number == "苏G·A12345"
    assert len({c.request.headers["Idempotency-Key"] for c in route.calls}) == 1
    assert sleeps[1] == 2.0


async def test_async_gives_up(aclient: AsyncVehregClient, sleeps: list[float]) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get(GET_PATH).respond(429, headers={"Retry-After": "1"})
        with pytest.raises(RateLimitError):
            await aclient.ebike_registrations.retrieve("reg_0001")
    assert sleeps == [1.0, 1.0]
