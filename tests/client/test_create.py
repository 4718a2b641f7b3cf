"""``ebike_registrations.create``: local rules first, and never a second registration."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from vehreg_sdk import (
    AsyncVehregClient,
    ConflictError,
    LocalValidationError,
    VehregClient,
)
from vehreg_sdk.types import EbikeVehicle, Owner, Sale

from .conftest import BASE_URL, ID_NUMBER, MOBILE, problem, registration_json, sale_kwargs

POST_PATH = "/v1/ebike-registrations"
CONFLICT = problem(409, "vehicle.already_registered", existing_id="reg_0001")


@respx.mock(base_url=BASE_URL, assert_all_called=False)
def test_local_violations_make_no_network_call(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    route = respx_mock.post(POST_PATH).respond(201, json=registration_json())
    bad = sale_kwargs(
        vehicle={
            "vehicle_code": "12345",
            "motor_code": "MTR1",
            "product_model": "TDR-1",
            "color": "白",
        },
        owner={"name": "张小明", "id_number": ID_NUMBER, "mobile": "12345", "address": "某地"},
    )
    with pytest.raises(LocalValidationError) as caught:
        client.ebike_registrations.create(**bad)
    assert route.call_count == 0
    err = caught.value
    fields = {v.field for v in err.violations}
    assert {"vehicle.vehicle_code", "owner.mobile"} <= fields
    text = str(err)
    assert "15" in text and "整车编码" in text  # English and Chinese
    assert "手机" in text
    assert all(v.message and v.message_zh for v in err.violations)


def test_model_inputs_are_accepted(client: VehregClient) -> None:
    kwargs = sale_kwargs()
    models = {
        "vehicle": EbikeVehicle(**kwargs["vehicle"]),
        "owner": Owner(**kwargs["owner"]),
        "sale": Sale(**kwargs["sale"]),
    }
    with respx.mock(base_url=BASE_URL) as mock:
        route = mock.post(POST_PATH).respond(201, json=registration_json())
        reg = client.ebike_registrations.create(**{**kwargs, **models})
    sent = json.loads(route.calls[0].request.content)
    assert sent["vehicle"]["vehicle_code"] == "320620240000123"
    assert sent["owner"]["id_number"] == ID_NUMBER  # the bureau needs the real value
    assert sent["sale"]["price_fen"] == 299900
    assert sent["uploads"] == ["up_1", "up_2"]
    assert reg.plate_token == "eyJ.token.sig"
    assert reg.local_warnings == []


@respx.mock(base_url=BASE_URL)
def test_warnings_do_not_block_and_are_exposed(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    respx_mock.post(POST_PATH).respond(201, json=registration_json())
    vehicle = {**sale_kwargs()["vehicle"], "vehicle_code": "320610240000123"}  # digit 5 ≠ 2
    reg = client.ebike_registrations.create(**sale_kwargs(vehicle=vehicle))
    assert [w.code for w in reg.local_warnings] == ["vehicle_code.kind_digit"]


# --- a response lost after the bureau committed ------------------------------------------


@respx.mock(base_url=BASE_URL)
def test_lost_response_then_replay_returns_the_original(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    replay = httpx.Response(201, json=registration_json(), headers={"Idempotent-Replayed": "true"})
    route = respx_mock.post(POST_PATH).mock(side_effect=[httpx.ReadError("lost"), replay])
    reg = client.ebike_registrations.create(**sale_kwargs())
    assert reg.id == "reg_0001"
    assert route.call_count == 2


@respx.mock(base_url=BASE_URL)
def test_lost_response_then_409_fetches_the_same_sale(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    post = respx_mock.post(POST_PATH).mock(
        side_effect=[httpx.RemoteProtocolError("dropped"), httpx.Response(409, json=CONFLICT)]
    )
    get = respx_mock.get(f"{POST_PATH}/reg_0001").respond(
        200, json=registration_json(), headers={"X-Request-Id": "req_get"}
    )
    reg = client.ebike_registrations.create(**sale_kwargs())
    assert reg.id == "reg_0001"
    assert reg.request_id == "req_get"
    assert post.call_count == 2
    assert get.call_count == 1


@respx.mock(base_url=BASE_URL)
def test_retry_409_for_another_sale_is_raised(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    respx_mock.post(POST_PATH).mock(
        side_effect=[httpx.ReadError("lost"), httpx.Response(409, json=CONFLICT)]
    )
    respx_mock.get(f"{POST_PATH}/reg_0001").respond(
        200, json=registration_json(invoice_number="OTHER-INVOICE")
    )
    with pytest.raises(ConflictError) as caught:
        client.ebike_registrations.create(**sale_kwargs())
    assert caught.value.existing_id == "reg_0001"


@respx.mock(base_url=BASE_URL, assert_all_called=False)
def test_first_attempt_409_is_a_real_duplicate(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    respx_mock.post(POST_PATH).respond(409, json=CONFLICT)
    get = respx_mock.get(f"{POST_PATH}/reg_0001").respond(200, json=registration_json())
    with pytest.raises(ConflictError) as caught:
        client.ebike_registrations.create(**sale_kwargs())
    assert caught.value.existing_id == "reg_0001"
    assert get.call_count == 0


@respx.mock(base_url=BASE_URL)
def test_caller_key_409_recovers_on_first_attempt(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    """An outbox resend under the sale's own key, after the idempotency record expired."""
    respx_mock.post(POST_PATH).respond(409, json=CONFLICT)
    respx_mock.get(f"{POST_PATH}/reg_0001").respond(
        200, json=registration_json(client_reference="sale-77")
    )
    reg = client.ebike_registrations.create(
        **sale_kwargs(), client_reference="sale-77", idempotency_key="sale-77"
    )
    assert reg.id == "reg_0001"


@respx.mock(base_url=BASE_URL)
def test_other_conflicts_are_never_recovered(
    respx_mock: respx.MockRouter, client: VehregClient
) -> None:
    other = problem(409, "idempotency.key_reused", existing_id="reg_0001")
    respx_mock.post(POST_PATH).mock(
        side_effect=[httpx.ReadError("lost"), httpx.Response(409, json=other)]
    )
    with pytest.raises(ConflictError) as caught:
        client.ebike_registrations.create(**sale_kwargs())
    assert caught.value.code == "idempotency.key_reused"


async def test_async_lost_response_then_409(aclient: AsyncVehregClient) -> None:
    with respx.mock(base_url=BASE_URL) as mock:
        mock.post(POST_PATH).mock(
            side_effect=[httpx.ReadError("lost"), httpx.Response(409, json=CONFLICT)]
        )
        mock.get(f"{POST_PATH}/reg_0001").respond(200, json=registration_json())
        reg = await aclient.ebike_registrations.create(**sale_kwargs())
    assert reg.id == "reg_0001"


async def test_async_local_validation(aclient: AsyncVehregClient) -> None:
    bad = sale_kwargs(owner={"name": "", "id_number": "1", "mobile": MOBILE, "address": "x"})
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as mock:
        route = mock.post(POST_PATH).respond(201, json=registration_json())
        with pytest.raises(LocalValidationError):
            await aclient.ebike_registrations.create(**bad)
    assert route.call_count == 0
