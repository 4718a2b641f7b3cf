"""The bridge's OpenAPI 3.1 document, served at ``/openapi.json``.

The sale's schema comes from the SDK's own input model, so the document
cannot drift from what the bridge accepts.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from vehreg_sdk.outbox import ItemStatus
from vehreg_sdk.types import EbikeRegistrationCreate

_REF = "#/components/schemas/{model}"


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": _REF.format(model="Problem")}}},
    }


def _sale_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="Sale")}}},
    }


_LOCAL_ID = {
    "name": "local_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "format": "uuid"},
}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    create = EbikeRegistrationCreate.model_json_schema(ref_template=_REF)
    defs = create.pop("$defs", {})
    sale_request = dict(create)
    sale_request["title"] = "SaleRequest"
    sale_request["properties"] = {
        **create["properties"],
        "pos_reference": {
            "type": "string",
            "maxLength": 255,
            "description": "The POS's own sale id; a repeat with the same value returns the "
            "first sale (same as the Idempotency-Key header).",
        },
        "photos": {
            "type": "array",
            "items": {"$ref": _REF.format(model="Photo")},
            "description": "Photos uploaded when the sale is sent (JPEG, PNG or HEIC, base64); "
            "prepared when queued: upright, at most 2560 px and 1.5 MB, no metadata.",
        },
    }
    schemas: dict[str, Any] = {
        **defs,
        "SaleRequest": sale_request,
        "Photo": {
            "type": "object",
            "required": ["kind", "content_base64"],
            "properties": {
                "kind": {"type": "string", "examples": ["id_front", "invoice", "vehicle_photo"]},
                "content_base64": {"type": "string", "contentEncoding": "base64"},
                "filename": {"type": "string"},
            },
        },
        "Sale": {
            "type": "object",
            "required": ["local_id", "status", "status_text", "vehicle_code", "created_at"],
            "properties": {
                "local_id": {"type": "string", "format": "uuid"},
                "status": {"type": "string", "enum": [str(s) for s in ItemStatus]},
                "status_text": {
                    "type": "object",
                    "properties": {"en": {"type": "string"}, "zh": {"type": "string"}},
                },
                "store_id": {"type": "string"},
                "vehicle_code": {"type": "string"},
                "product_model": {"type": ["string", "null"]},
                "owner_name": {"type": "string", "description": "masked, e.g. 张*"},
                "owner_id_number": {"type": "string", "description": "masked"},
                "owner_mobile": {"type": "string", "description": "masked"},
                "invoice_number": {"type": ["string", "null"]},
                "registration_id": {"type": ["string", "null"]},
                "plate_number": {"type": ["string", "null"]},
                "attempts": {"type": "integer"},
                "waiting_for_network": {"type": "boolean"},
                "errors": {"type": "array", "items": {"$ref": _REF.format(model="FieldError")}},
                "label_url": {"type": ["string", "null"]},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
                "next_attempt_at": {"type": "string", "format": "date-time"},
            },
        },
        "FieldError": {
            "type": "object",
            "required": ["field", "code", "message", "message_zh"],
            "properties": {
                "field": {"type": "string"},
                "code": {"type": "string"},
                "message": {"type": "string"},
                "message_zh": {"type": "string"},
                "severity": {"type": "string", "enum": ["error", "warning"]},
            },
        },
        "Problem": {
            "type": "object",
            "required": ["status", "code", "detail", "detail_zh"],
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "detail_zh": {"type": "string"},
                "errors": {"type": "array", "items": {"$ref": _REF.format(model="FieldError")}},
                "existing_local_id": {"type": "string"},
            },
        },
    }
    json_body = {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model="SaleRequest")}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vehreg POS bridge",
            "version": "1.0.0",
            "description": "Local API on 127.0.0.1:8790 for POS software. Every call but /health "
            "and /openapi.json needs `Authorization: Bearer <token>` (`vehreg pos token`).",
        },
        "servers": [{"url": "http://127.0.0.1:8790"}],
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bridgeToken": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bridgeToken": []}],
        "paths": {
            "/health": {"get": {"security": [], "responses": {"200": {"description": "up"}}}},
            "/sales": {
                "post": {
                    "summary": "Queue a sale (registered at once when online, later when not)",
                    "parameters": [
                        {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
                    ],
                    "requestBody": json_body,
                    "responses": {
                        "202": _sale_response("queued"),
                        "200": _sale_response("the same sale was already queued (replay)"),
                        "409": _problem("this vehicle is already queued"),
                        "422": _problem("the sale breaks a rule; see errors"),
                    },
                },
                "get": {
                    "summary": "Recent sales, newest first",
                    "parameters": [
                        {
                            "name": "status",
                            "in": "query",
                            "schema": {"type": "string", "enum": [str(s) for s in ItemStatus]},
                        },
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "responses": {"200": {"description": "a list of Sale under data"}},
                },
            },
            "/sales/{local_id}": {
                "parameters": [_LOCAL_ID],
                "get": {
                    "summary": "One sale and its status",
                    "responses": {"200": _sale_response("the sale"), "404": _problem("unknown")},
                },
                "put": {
                    "summary": "Correct a needs_attention sale and queue it again (the key "
                    "gets a new revision, <local_id>.r<n>)",
                    "requestBody": json_body,
                    "responses": {
                        "200": _sale_response("queued again"),
                        "409": _problem("not in needs_attention"),
                    },
                },
            },
            "/sales/{local_id}/draft": {
                "parameters": [_LOCAL_ID],
                "get": {
                    "summary": "The full (unmasked) sale of a needs_attention item, to correct it",
                    "responses": {
                        "200": {"description": "{local_id, sale, view}"},
                        "409": _problem("not in needs_attention"),
                    },
                },
            },
            "/sales/{local_id}/retry": {
                "parameters": [_LOCAL_ID],
                "post": {
                    "summary": "Queue a needs_attention sale again unchanged (same key and body)",
                    "responses": {"200": _sale_response("queued again")},
                },
            },
            "/photo-requirements": {
                "get": {
                    "summary": "The bureau's photo requirements (registration_kind=ebike|car), "
                    "cached for when it is unreachable",
                    "responses": {
                        "200": {"description": "{object: list, data: [...], offline}"},
                        "503": _problem("unreachable and never seen"),
                    },
                },
            },
            "/sales/{local_id}/photos": {
                "parameters": [_LOCAL_ID],
                "post": {
                    "summary": "Queue one photo: multipart (kind + file) or JSON "
                    "(kind, content_base64, filename); the plate-fitted photo and retakes too",
                    "responses": {
                        "202": _sale_response("queued; sent by the sync worker once"),
                        "409": _problem("the sale is final (approved, rejected, cancelled)"),
                        "422": _problem("unknown kind, or not a JPEG/PNG"),
                    },
                },
            },
            "/sales/{local_id}/cancel": {
                "parameters": [_LOCAL_ID],
                "post": {
                    "summary": "Cancel the registration (退货) with {reason}, exactly once",
                    "responses": {
                        "202": _sale_response("cancelled, or the cancellation queued"),
                        "409": _problem("already approved or rejected"),
                        "422": _problem("no reason"),
                    },
                },
            },
            "/sales/{local_id}/print": {
                "parameters": [_LOCAL_ID],
                "post": {
                    "summary": "Print or reprint the plate label",
                    "responses": {
                        "200": {"description": "{printed, printer, label_url}"},
                        "409": _problem("no plate yet"),
                        "502": _problem("the printer did not answer"),
                    },
                },
            },
            "/sales/{local_id}/label.png": {
                "parameters": [_LOCAL_ID],
                "get": {
                    "responses": {"200": {"content": {"image/png": {}}, "description": "label"}}
                },
            },
            "/session-codes": {
                "post": {
                    "summary": "A one-time code to open the clerk page: /login?code=...",
                    "responses": {"201": {"description": "{code, login_url, expires_in}"}},
                }
            },
        },
    }
