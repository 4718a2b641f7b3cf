"""Every status maps to its error class, with code, bilingual detail and request id."""

from __future__ import annotations

import httpx
import pytest
import respx

from vehreg_sdk import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    UnprocessableEntityError,
    VehregClient,
    VehregError,
)

from .conftest import BASE_URL, ID_NUMBER, MOBILE, problem

PATH = "/v1/ebike-registrations/reg_0001"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
@respx.mock(base_url=BASE_URL)
def test_status_maps_to_error_class(
    respx_mock: respx.MockRouter, client: VehregClient, status: int, error_class: type
) -> None:
    body = problem(status, "some.code", request_id="req_42")
    respx_mock.get(PATH).respond(status, json=body, headers={"X-Request-Id": "req_42"})
    with pytest.raises(error_class) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    err = caught.value
    assert type(err) is error_class
    assert isinstance(err, APIStatusError)
    assert isinstance(err, VehregError)
    assert err.status_code == status
    assert err.code == "some.code"
    assert err.detail == "English detail for some.code"
    assert err.detail_zh == "中文说明 some.code"
    assert err.request_id == "req_42"
    assert err.response is not None
    assert err.response.status_code == status
    text = str(err)
    assert "req_42" in text
    assert "some.code" in text
    assert "English detail" in text
    assert "中文说明" in text


@respx.mock(base_url=BASE_URL)
def test_conflict_carries_existing_id(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    body = problem(409, "vehicle.already_registered", existing_id="reg_0999")
    respx_mock.get(PATH).respond(409, json=body)
    with pytest.raises(ConflictError) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    assert caught.value.existing_id == "reg_0999"
    assert caught.value.code == "vehicle.already_registered"


@respx.mock(base_url=BASE_URL)
def test_field_errors_become_violations(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    body = problem(
        422,
        "validation_failed",
        errors=[
            {
                "field": "owner.mobile",
                "code": "mobile.format",
                "message": f"bad mobile {MOBILE}",
                "message_zh": f"手机号 {MOBILE} 格式不正确",
            }
        ],
    )
    respx_mock.get(PATH).respond(422, json=body)
    with pytest.raises(UnprocessableEntityError) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    (violation,) = caught.value.errors
    assert violation.field == "owner.mobile"
    assert violation.code == "mobile.format"
    assert MOBILE not in violation.message
    assert MOBILE not in str(caught.value)
    assert "199****1234" in str(caught.value)
    assert "owner.mobile" in str(caught.value)


@respx.mock(base_url=BASE_URL)
def test_pii_in_detail_is_masked(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    body = problem(409, "owner.duplicate", detail=f"owner {ID_NUMBER} / {MOBILE} exists")
    respx_mock.get(PATH).respond(409, json=body)
    with pytest.raises(ConflictError) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    for text in (str(caught.value), repr(caught.value), caught.value.detail):
        assert ID_NUMBER not in text
        assert MOBILE not in text


@respx.mock(base_url=BASE_URL)
def test_non_json_error_body(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    respx_mock.get(PATH).respond(
        404, text="<html>not here</html>", headers={"X-Request-Id": "req_proxy"}
    )
    with pytest.raises(NotFoundError) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    assert caught.value.code == "http.404"
    assert caught.value.request_id == "req_proxy"
    assert caught.value.detail_zh  # a Chinese default, never empty


@respx.mock(base_url=BASE_URL)
def test_rate_limit_error_keeps_retry_after(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    respx_mock.get(PATH).respond(
        429, json=problem(429, "rate_limited"), headers={"Retry-After": "3"}
    )
    with pytest.raises(RateLimitError) as caught:
        client.with_options(max_retries=0).ebike_registrations.retrieve("reg_0001")
    assert caught.value.retry_after == "3"


@respx.mock(base_url=BASE_URL)
def test_connection_error(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    respx_mock.get(PATH).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(APIConnectionError) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    assert not isinstance(caught.value, APITimeoutError)
    assert "无法连接" in str(caught.value)
    assert caught.value.request is not None


@respx.mock(base_url=BASE_URL)
def test_timeout_error(respx_mock: respx.MockRouter, client: VehregClient) -> None:
    respx_mock.get(PATH).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(APITimeoutError) as caught:
        client.ebike_registrations.retrieve("reg_0001")
    assert isinstance(caught.value, APIConnectionError)
    assert "超时" in str(caught.value)


@respx.mock(base_url=BASE_URL)
def test_non_retryable_transport_error_is_not_retried(
    respx_mock: respx.MockRouter, client: VehregClient, sleeps: list[float]
) -> None:
    route = respx_mock.get(PATH).mock(side_effect=httpx.UnsupportedProtocol("ftp"))
    with pytest.raises(APIConnectionError):
        client.ebike_registrations.retrieve("reg_0001")
    assert route.call_count == 1
    assert sleeps == []


async def test_async_error_mapping(aclient: object) -> None:
    from vehreg_sdk import AsyncVehregClient

    assert isinstance(aclient, AsyncVehregClient)
    with respx.mock(base_url=BASE_URL) as mock:
        mock.get(PATH).respond(404, json=problem(404, "registration.not_found"))
        with pytest.raises(NotFoundError) as caught:
            await aclient.ebike_registrations.retrieve("reg_0001")
    assert caught.value.code == "registration.not_found"
