"""Real answers of a whole lifecycle, validated against the committed spec's schemas.

schemathesis rarely produces a valid registration by chance; this walks the
happy and unhappy paths on purpose and checks every body against its schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import jsonschema_rs
import yaml

from vehreg_sdk.sandbox import DEMO_DEALERS

from .conftest import JPEG, post_headers, register
from .test_lifecycle import photo

SPEC = yaml.safe_load(
    (Path(__file__).parents[2] / "docs" / "api" / "openapi.yaml").read_text("utf-8")
)


def conforms(name: str, body: Any) -> None:
    schema = {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    errors = [str(error) for error in validator.iter_errors(body)]
    assert not errors, (name, errors[:5])


async def test_every_answer_of_a_lifecycle_conforms(bureau: httpx.AsyncClient) -> None:
    conforms("Health", (await bureau.get("/v1/health")).json())
    conforms("Jwks", (await bureau.get("/v1/keys")).json())
    conforms("StoreList", (await bureau.get("/v1/stores")).json())
    conforms("Store", (await bureau.get(f"/v1/stores/{DEMO_DEALERS[0].store_ids[0]}")).json())
    models = (await bureau.get("/v1/catalogue/ebikes", params={"limit": "100"})).json()
    conforms("EbikeModelList", models)
    conforms(
        "EbikeModel",
        (await bureau.get(f"/v1/catalogue/ebikes/{models['data'][0]['product_model']}")).json(),
    )

    upload = await bureau.post(
        "/v1/uploads",
        data={"kind": "invoice"},
        files={"file": ("a.jpg", JPEG)},
        headers=post_headers(),
    )
    conforms("Upload", upload.json())

    created = await register(bureau, invoice_number="INV00970097")
    conforms("EbikeRegistration", created)
    code = created["vehicle"]["vehicle_code"]
    conforms("EbikeCertificate", (await bureau.get(f"/v1/certificates/ebikes/{code}")).json())
    conforms("EbikeRegistration", await photo(bureau, created["id"], "plate_fitted"))
    returned = (await bureau.get(f"/v1/ebike-registrations/{created['id']}")).json()
    assert returned["status"] == "returned"
    conforms("EbikeRegistration", returned)
    conforms("EbikeRegistration", await photo(bureau, created["id"], "invoice"))
    approved = (await bureau.get(f"/v1/ebike-registrations/{created['id']}")).json()
    assert approved["status"] == "approved"
    conforms("EbikeRegistration", approved)

    other = await register(bureau, start=100, index=1, with_uploads=False)
    cancel = await bureau.post(
        f"/v1/ebike-registrations/{other['id']}/cancel",
        json={"reason": "退货"},
        headers=post_headers(),
    )
    conforms("EbikeRegistration", cancel.json())
    conforms("EbikeRegistrationList", (await bureau.get("/v1/ebike-registrations")).json())
    conforms("EventList", (await bureau.get("/v1/events")).json())

    hook = await bureau.post(
        "/v1/webhook-endpoints",
        json={"url": "http://127.0.0.1:9/h", "events": ["*"]},
        headers=post_headers(),
    )
    conforms("WebhookEndpoint", hook.json())
    conforms("WebhookEndpointList", (await bureau.get("/v1/webhook-endpoints")).json())
    conforms(
        "DeletedWebhookEndpoint",
        (await bureau.delete(f"/v1/webhook-endpoints/{hook.json()['id']}")).json(),
    )

    from vehreg_sdk.sandbox.clock import shanghai_date
    from vehreg_sdk.sandbox.seed import demo_registration_body

    today = shanghai_date(bureau.auth.clock())  # type: ignore[attr-defined]
    again = demo_registration_body(code, DEMO_DEALERS[0].store_ids[0], invoice_date=today)
    duplicate = await bureau.post("/v1/ebike-registrations", json=again, headers=post_headers())
    assert duplicate.json()["existing_id"] == created["id"]
    conforms("Problem", duplicate.json())
    conforms("Problem", (await bureau.get("/v1/nothing")).json())
