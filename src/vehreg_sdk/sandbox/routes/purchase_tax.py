"""``/v1/purchase-tax/{vin}`` and the sandbox-only test helpers that pay, exempt or reset it."""

from __future__ import annotations

from ..endpoint import Call, Endpoint, Reply
from ..purchase_tax import exempt, pay, read_vin, reset, tax_record


def retrieve(call: Call) -> Reply:
    vin = read_vin(call.path_params["vin"])
    with call.bureau.db.read() as conn:
        return Reply(200, tax_record(conn, vin, call.now))


def pay_helper(call: Call) -> Reply:
    vin = read_vin(call.path_params["vin"])
    payload = call.json(optional=True)
    with call.bureau.db.write() as conn:
        pay(conn, vin, payload, call.now)
        return Reply(200, tax_record(conn, vin, call.now))


def exempt_helper(call: Call) -> Reply:
    vin = read_vin(call.path_params["vin"])
    payload = call.json(optional=True)
    with call.bureau.db.write() as conn:
        return Reply(200, exempt(conn, vin, payload, call.now))


def reset_helper(call: Call) -> Reply:
    vin = read_vin(call.path_params["vin"])
    call.json(optional=True)
    with call.bureau.db.write() as conn:
        return Reply(200, reset(conn, vin))


HELPERS = "/v1/test-helpers/purchase-tax/{vin}"
ENDPOINTS = [
    Endpoint("GET", "/v1/purchase-tax/{vin}", retrieve),
    Endpoint("POST", f"{HELPERS}/pay", pay_helper, body="optional_json"),
    Endpoint("POST", f"{HELPERS}/exempt", exempt_helper, body="optional_json"),
    Endpoint("POST", f"{HELPERS}/reset", reset_helper, body="optional_json"),
]
