"""``client_reference``: one rule (printable ASCII, 1 to 255) on every route, over real HTTP.

Refused on the single create (``reference.invalid``) and in a batch envelope
(``batch.reference_invalid``); so nothing the bureau sends on (events, webhook
deliveries, batch items) ever carries a control character, a line break or a
bidi override.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from vehreg_sdk.rules import CLIENT_REFERENCE_PATTERN
from vehreg_sdk.sandbox import DEMO_DEALERS, SandboxServer
from vehreg_sdk.sandbox.clock import shanghai_date, system_clock
from vehreg_sdk.sandbox.seed import demo_registration_body, sellable_vehicle_codes

from .conftest import Signer, post_headers
from .test_webhooks import Receiver

STORE = DEMO_DEALERS[0].store_ids[0]

BAD_REFERENCES: list[Any] = [
    "",
    "POS-1\x07",  # a control character
    "POS-1\r\nX-Injected: yes",  # CR/LF
    "POS-1\n",
    "\tPOS-1",
    "POS-\u202e1-GNP.exe",  # a right-to-left override
    "POS-\u200f1",  # a right-to-left mark
    "参考号-1",  # non-ASCII
    "ＰＯＳ１",  # full-width
    "POS-\x7f",  # DEL
    "x" * 256,
    12345,
    True,
    ["POS-1"],
]
GOOD_REFERENCES = ["x" * 255, "POS 2026-11-26 #42", "~!@#$%^&*()_+{}|:<>?`-=[]\\;',./\""]


@pytest.fixture(scope="module")
def receiver(module_sandbox_db: Path | str) -> Iterator[Receiver]:
    """One receiver per sandbox (a module runs on each engine in turn)."""
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def server(module_sandbox_db: Path | str) -> Iterator[SandboxServer]:
    with SandboxServer(module_sandbox_db) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer, receiver: Receiver) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, auth=Signer(DEMO_DEALERS[0])) as c:
        hooked = c.post(
            "/v1/webhook-endpoints",
            json={"url": receiver.url, "events": ["ebike_registration.plate_assigned"]},
            headers=post_headers(),
        )
        assert hooked.status_code == 201, hooked.text
        yield c


_starts = iter(range(0, 10_000, 7))
_used_codes: set[str] = set()


def _fresh_code() -> str:
    """A sellable code no earlier body used (nearby starts may give the same code)."""
    while True:
        (code,) = sellable_vehicle_codes(1, start=next(_starts))
        if code not in _used_codes:
            _used_codes.add(code)
            return code


def _body(reference: Any) -> dict[str, Any]:
    code = _fresh_code()
    body = demo_registration_body(code, STORE, invoice_date=shanghai_date(system_clock()))
    body["client_reference"] = reference
    return body


def _post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    # Encoded by hand: the JSON escapes (\\u202e, \\r) arrive as the characters themselves.
    return client.post(
        path,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **post_headers()},
    )


@pytest.mark.parametrize("reference", BAD_REFERENCES, ids=repr)
def test_single_create_refuses_a_bad_reference(client: httpx.Client, reference: Any) -> None:
    response = _post(client, "/v1/ebike-registrations", _body(reference))
    assert response.status_code == 422, response.text
    problem = response.json()
    (error,) = [e for e in problem["errors"] if e["field"] == "client_reference"]
    assert error["code"] == "reference.invalid"
    assert "printable ASCII" in error["message"] and "ASCII" in error["message_zh"]
    assert "value" not in error or error["value"] is None  # the bad text is not echoed


@pytest.mark.parametrize("reference", BAD_REFERENCES, ids=repr)
def test_a_batch_refuses_a_bad_reference(client: httpx.Client, reference: Any) -> None:
    good, bad = _body("batch-good-ref"), _body(reference)
    for body in (good, bad):
        del body["store_id"]
    response = _post(
        client, "/v1/ebike-registration-batches", {"store_id": STORE, "items": [good, bad]}
    )
    assert response.status_code == 422, response.text
    (error,) = response.json()["errors"]
    assert error["field"] == "items.1.client_reference"
    assert error["code"] == "batch.reference_invalid"
    assert error["message"] and error["message_zh"] != error["message"]


@pytest.mark.parametrize("reference", GOOD_REFERENCES, ids=lambda r: repr(r)[:20])
def test_printable_ascii_up_to_255_is_kept_as_given(client: httpx.Client, reference: str) -> None:
    response = _post(client, "/v1/ebike-registrations", _body(reference))
    assert response.status_code == 201, response.text
    assert response.json()["client_reference"] == reference


def test_events_and_webhooks_never_carry_a_bad_reference(
    client: httpx.Client, receiver: Receiver
) -> None:
    # Runs after the tests above (module order): every good reference made one event.
    item = _body("batch-item-ok")
    del item["store_id"]
    batch = _post(client, "/v1/ebike-registration-batches", {"store_id": STORE, "items": [item]})
    assert batch.status_code == 202, batch.text
    receiver.wait_for(len(GOOD_REFERENCES) + 1, timeout=30)  # the batch item's event too
    events = client.get("/v1/events", params={"limit": "100"}).json()["data"]
    registrations = client.get("/v1/ebike-registrations", params={"limit": "100"}).json()["data"]
    references = [r["client_reference"] for r in registrations]
    assert sorted(references) == sorted([*GOOD_REFERENCES, "batch-item-ok"])
    carried = [e["data"]["object"]["client_reference"] for e in events]
    carried += [json.loads(body)["data"]["object"]["client_reference"]
                for _, body, _ in receiver.received]  # fmt: skip
    assert carried and all(CLIENT_REFERENCE_PATTERN.fullmatch(r) for r in carried)
    for _, body, _ in receiver.received:
        assert b"\\u202e" not in body.lower() and b"\xe2\x80\xae" not in body
        assert b"\\r" not in body and b"\\u0007" not in body


def test_the_contract_states_the_rule(tmp_path: Path) -> None:
    import yaml

    from vehreg_sdk.sandbox import app as sandbox_app

    spec = yaml.safe_load(
        (Path(sandbox_app.__file__).parent / "openapi.yaml").read_text(encoding="utf-8")
    )
    schemas = spec["components"]["schemas"]
    for schema in (schemas["EbikeRegistrationCreate"], schemas["BatchItemCreate"]):
        prop = schema["properties"]["client_reference"]
        assert prop["pattern"] == "^[\\x20-\\x7E]{1,255}$"
        assert prop["minLength"] == 1 and prop["maxLength"] == 255
