"""The JSON API shared by the clerk page (session + CSRF) and POS software (bearer token).

Errors are ``application/problem+json`` like the bureau's, with ``detail`` and
``detail_zh`` and per-field ``errors[]`` in both languages.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vehreg_sdk.outbox import (
    InvalidTransition,
    ItemNotFound,
    ItemStatus,
    VehicleAlreadyQueued,
)
from vehreg_sdk.photos import PhotoError, is_heif
from vehreg_sdk.pos import SaleInvalid, violation_dicts
from vehreg_sdk.privacy import masked_logger

from . import labels
from .api_common import (
    _error,
    _json,
    _sale,
    _sale_with_plate,
    _state,
    problem,
    sale_view,
    signed_in,
)
from .openapi import openapi_document

if TYPE_CHECKING:
    from .app import BridgeState

logger = masked_logger("vehreg_pos_bridge")


def routes() -> list[Route]:
    return [
        Route("/health", health, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/session-codes", session_codes, methods=["POST"]),
        Route("/status", status, methods=["GET"]),
        Route("/stores", stores, methods=["GET"]),
        Route("/scan", scan, methods=["POST"]),
        Route("/validate", validate, methods=["POST"]),
        Route("/sales", create_sale, methods=["POST"]),
        Route("/sales", list_sales, methods=["GET"]),
        Route("/sales/{local_id}", get_sale, methods=["GET"]),
        Route("/sales/{local_id}", amend_sale, methods=["PUT"]),
        Route("/sales/{local_id}/draft", sale_draft, methods=["GET"]),
        Route("/sales/{local_id}/retry", retry_sale, methods=["POST"]),
        Route("/sales/{local_id}/print", print_sale, methods=["POST"]),
        Route("/sales/{local_id}/label.png", label_png, methods=["GET"]),
    ]


# ---------------------------------------------------------------------- open endpoints
async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok", "service": "vehreg-pos-bridge"})


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


async def session_codes(request: Request) -> Response:
    """POS only: a one-time code to open the clerk page logged in (``/login?code=``)."""
    state = _state(request)
    if not state.guard.bearer_ok(request.headers.get("authorization")):
        return problem(401, "bridge.unauthorized", "Send the bridge token", "请提供令牌")
    code = state.guard.new_login_code()
    return JSONResponse({"code": code, "login_url": f"/login?code={code}", "expires_in": 120}, 201)


# ---------------------------------------------------------------------- page helpers
@signed_in(unsafe=False)
async def status(request: Request, state: BridgeState, actor: str) -> Response:
    """The bureau as last seen (never asked here: this answers at once) and the queue."""
    outbox = state.till.outbox
    counts = await run_in_threadpool(outbox.counts)
    overdue = await run_in_threadpool(outbox.overdue)
    return JSONResponse({"online": state.worker.online, "counts": counts, "overdue": len(overdue)})


@signed_in(unsafe=False)
async def stores(request: Request, state: BridgeState, actor: str) -> Response:
    till, worker = state.till, state.worker
    online = False
    if not worker.known_offline():
        online = await run_in_threadpool(till.refresh_stores)
        worker.mark(online)
    data = [{"id": s.id, "name": s.name, "address": s.address} for s in till.cached_stores()]
    body = {"object": "list", "data": data, "default": state.config.default_store_id}
    return JSONResponse({**body, "offline": not online})


@signed_in(unsafe=True)
async def scan(request: Request, state: BridgeState, actor: str) -> Response:
    """Scanner text → what it is; for a vehicle code, also the certificate (when online)."""
    data = await _json(request, state)
    if isinstance(data, Response):
        return data
    result = await run_in_threadpool(state.till.scan, str(data.get("text", "")))
    if result is None:
        return problem(
            422,
            "scan.unrecognised",
            "The scan was not recognised",
            "无法识别扫描内容，请重新扫描或手动输入",
        )
    body: dict[str, Any] = {"kind": result.kind, "value": result.value, "fields": result.fields}
    if result.kind == "vehicle_code":
        cert, answered = None, False
        if not state.worker.known_offline():  # else answer at once: the clerk types it in
            cert, answered = await run_in_threadpool(state.till.look_up_certificate, result.value)
            state.worker.mark(answered)
        body["certificate"] = cert.model_dump(mode="json") if cert is not None else None
        body["offline"] = not answered
    return JSONResponse(body)


@signed_in(unsafe=True)
async def validate(request: Request, state: BridgeState, actor: str) -> Response:
    """Live validation of a sale being typed: every violation, in English and Chinese."""
    data = await _json(request, state)
    if isinstance(data, Response):
        return data
    data.pop("photos", None)
    data.pop("pos_reference", None)
    check = await run_in_threadpool(state.till.check, data)
    return JSONResponse({"ok": check.ok, "violations": violation_dicts(check.violations)})


# ---------------------------------------------------------------------- sales
@signed_in(unsafe=True)
async def create_sale(request: Request, state: BridgeState, actor: str) -> Response:
    data = await _json(request, state)
    if isinstance(data, Response):
        return data
    dedupe = request.headers.get("idempotency-key") or data.pop("pos_reference", None)
    data.pop("pos_reference", None)
    try:
        photos = _photos(data.pop("photos", None) or [])
    except ValueError as exc:
        return problem(
            422, "photos.invalid", str(exc), "照片数据无效（应为 base64 编码的 JPEG、PNG 或 HEIC）"
        )
    try:
        item = await run_in_threadpool(
            lambda: state.till.submit(
                data, dedupe_key=dedupe, photos=photos, source=f"bridge:{actor}", actor=actor
            )
        )
    except SaleInvalid as exc:
        return _error(422, exc, errors=violation_dicts(exc.violations))
    except VehicleAlreadyQueued as exc:
        return _error(409, exc, existing_local_id=exc.existing_local_id)
    except PhotoError as exc:  # prepared when queued: not readable, or HEIC without the extra
        return problem(422, "photos.invalid", exc.message, exc.message_zh)
    state.worker.wake()
    logger.info("bridge: sale %s queued by %s", item.local_id, actor)
    return JSONResponse(sale_view(item), status_code=200 if item.replayed else 202)


def _photos(raw: Any) -> list[tuple[str, bytes, str]]:
    if not isinstance(raw, list):
        raise ValueError("photos must be a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str):
            raise ValueError("each photo needs kind and content_base64")
        try:
            data = base64.b64decode(str(entry.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("content_base64 is not valid base64") from exc
        if not (data.startswith((b"\xff\xd8\xff", b"\x89PNG")) or is_heif(data)):
            raise ValueError("a photo must be JPEG, PNG or HEIC")
        out.append((entry["kind"], data, str(entry.get("filename") or "")))
    return out


@signed_in(unsafe=False)
async def list_sales(request: Request, state: BridgeState, actor: str) -> Response:
    wanted = [s for s in request.query_params.getlist("status") if s]
    try:
        statuses = [ItemStatus(s) for s in wanted] or None
        limit = min(int(request.query_params.get("limit", "50")), 500)
    except ValueError:
        return problem(400, "query.invalid", "Unknown status or bad limit", "状态或数量参数无效")
    items = await run_in_threadpool(
        lambda: state.till.outbox.list(status=statuses, limit=limit, newest_first=True)
    )
    return JSONResponse({"object": "list", "data": [sale_view(i) for i in items]})


@signed_in(unsafe=False)
async def get_sale(request: Request, state: BridgeState, actor: str) -> Response:
    item = await _sale(request, state)
    return item if isinstance(item, Response) else JSONResponse(sale_view(item))


@signed_in(unsafe=False)
async def sale_draft(request: Request, state: BridgeState, actor: str) -> Response:
    """The full sale of a ``needs_attention`` item, for the clerk to correct it (``PUT``).

    The one place the bridge hands back unmasked personal data, and only for a sale that
    must be corrected: never listed, never logged, ``Cache-Control: no-store``.
    """
    item = await _sale(request, state)
    if isinstance(item, Response):
        return item
    if item.status != ItemStatus.NEEDS_ATTENTION:
        return problem(
            409,
            "outbox.invalid_transition",
            "Only a sale that needs attention can be corrected",
            "只有“需处理”的销售可以更正",
        )
    sale = {k: v for k, v in item.payload.items() if k != "client_reference"}
    return JSONResponse({"local_id": item.local_id, "sale": sale, "view": sale_view(item)})


@signed_in(unsafe=True)
async def amend_sale(request: Request, state: BridgeState, actor: str) -> Response:
    """Correct a sale the bureau parked as ``needs_attention`` and queue it again.

    The corrected sale is sent under a new revision of the key (``<local_id>.r<n>``):
    the bureau would replay its refusal for the old key and body.
    """
    data = await _json(request, state)
    if isinstance(data, Response):
        return data
    data.pop("pos_reference", None)
    data.pop("photos", None)  # the photos stay those queued with the sale
    current = await _sale(request, state)
    if isinstance(current, Response):
        return current
    if "uploads" not in data and current.payload.get("uploads"):
        data["uploads"] = current.payload["uploads"]  # uploads the POS made before queueing
    check = await run_in_threadpool(state.till.check, data)
    if check.registration is None or check.errors:
        errors = violation_dicts(check.errors or check.violations)
        return problem(422, "sale.invalid", "The sale has problems", "销售信息有误", errors)
    try:
        item = await run_in_threadpool(
            state.till.outbox.amend,
            request.path_params["local_id"],
            check.registration,
            actor=actor,
        )
    except ItemNotFound as exc:
        return _error(404, exc)
    except (InvalidTransition, VehicleAlreadyQueued) as exc:
        return _error(409, exc)
    state.worker.wake()
    return JSONResponse(sale_view(item))


@signed_in(unsafe=True)
async def retry_sale(request: Request, state: BridgeState, actor: str) -> Response:
    try:
        item = await run_in_threadpool(
            state.till.outbox.retry, request.path_params["local_id"], actor=actor
        )
    except ItemNotFound as exc:
        return _error(404, exc)
    except InvalidTransition as exc:
        return _error(409, exc)
    state.worker.wake()
    return JSONResponse(sale_view(item))


@signed_in(unsafe=True)
async def print_sale(request: Request, state: BridgeState, actor: str) -> Response:
    """Print (or reprint) the plate label on the printer the plugins choose."""
    item = await _sale_with_plate(request, state, no_plate_zh="尚未分配号牌，无法打印")
    if isinstance(item, Response):
        return item
    try:
        result = await run_in_threadpool(labels.print_for_item, state.till, item)
    except labels.LabelError as exc:
        return _error(exc.status, exc)
    return JSONResponse({**result, "label_url": f"/sales/{item.local_id}/label.png"})


@signed_in(unsafe=False)
async def label_png(request: Request, state: BridgeState, actor: str) -> Response:
    item = await _sale_with_plate(request, state, no_plate_zh="尚未分配号牌")
    if isinstance(item, Response):
        return item
    try:
        png = await run_in_threadpool(labels.png_for_item, state.till, item)
    except labels.LabelError as exc:
        return _error(exc.status, exc)
    return Response(png, media_type="image/png")
