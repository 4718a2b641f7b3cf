"""After the sale: photos (multipart or base64), the review's answer, and cancel (退货).

``POST /sales/{local_id}/photos`` takes one photo, either ``multipart/form-data``
(``kind`` plus ``file``) or JSON (``kind``, ``content_base64``, ``filename``): the
photos the bureau requires, the plate-fitted photo once the plate is on, and the
retakes a ``returned`` review names. Each is queued durably with the sale and sent
by the sync worker exactly once. ``POST /sales/{local_id}/cancel`` with
``{"reason": "..."}`` cancels the registration (退货), once.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vehreg_sdk.outbox import CancelReasonInvalid, InvalidTransition, ItemNotFound, OutboxItem
from vehreg_sdk.photos import PhotoError, is_heif
from vehreg_sdk.privacy import masked_logger

from .api import _error, _json, problem, sale_view, signed_in

if TYPE_CHECKING:
    from .app import BridgeState

logger = masked_logger("vehreg_pos_bridge")

#: The photo kinds the bridge accepts (the bureau's; ``GET /v1/photo-requirements``
#: says which of them a registration needs).
PHOTO_KINDS = frozenset(
    {
        "id_front",
        "id_back",
        "invoice",
        "certificate",
        "vehicle_code_rubbing",
        "vehicle_photo",
        "motor_code_photo",
        "plate_fitted",
    }
)
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG")


def routes() -> list[Route]:
    return [
        Route("/sales/{local_id}/photos", add_photo, methods=["POST"]),
        Route("/sales/{local_id}/cancel", cancel_sale, methods=["POST"]),
        Route("/photo-requirements", photo_requirements, methods=["GET"]),
    ]


@signed_in(unsafe=False)
async def photo_requirements(request: Request, state: BridgeState, actor: str) -> Response:
    """``GET /v1/photo-requirements`` of the bureau, cached (the contract's list, not ours)."""
    kind = request.query_params.get("registration_kind", "ebike")
    if kind not in ("ebike", "car"):
        return problem(400, "query.invalid", "registration_kind: ebike or car",
                       "registration_kind 应为 ebike 或 car")  # fmt: skip
    fresh = None
    if not state.worker.known_offline():
        fresh = await run_in_threadpool(_ask_requirements, state, kind)
        state.worker.mark(fresh is not None)
    if fresh is not None:
        state.photo_requirements[kind] = fresh
    cached = state.photo_requirements.get(kind)
    if cached is None:
        return problem(
            503,
            "bureau.unreachable",
            "The bureau is unreachable and its photo list is not known yet",
            "无法连接车管所，暂时无法获取所需照片清单",
        )
    return JSONResponse({"object": "list", "data": cached, "offline": fresh is None})


def _ask_requirements(state: BridgeState, kind: str) -> list[dict[str, Any]] | None:
    try:
        rows = state.till.interactive_client.photo_requirements.list(registration_kind=kind)
    except Exception as exc:  # offline, or an older bureau: the cache (if any) answers
        logger.info("bridge: photo requirements unavailable: %s", type(exc).__name__)
        return None
    return [row.model_dump(mode="json") for row in rows]


def follow_view(item: OutboxItem) -> dict[str, Any]:
    """What the clerk and the POS need after the plate: the review's answer and the photos."""
    review = item.review()
    reasons = list((review or {}).get("reasons") or [])
    return {
        "review": {"outcome": review.get("outcome"), "reasons": reasons} if review else None,
        "retake_kinds": item.retake_kinds(),
        "plate_must_be_returned": item.plate_must_be_returned,
        "photos": [
            {
                "seq": a.seq,
                "kind": a.kind,
                "sent": a.upload_id is not None,
                "error_code": a.error_code,
            }
            for a in item.attachments
        ],
        "cancellation_reason": (item.registration_data or {}).get("cancellation", {}).get("reason")
        if item.status == "cancelled"
        else None,
    }


def _problem_photo(detail: str, detail_zh: str, field: str) -> JSONResponse:
    error = {"field": field, "code": "photo.invalid", "message": detail, "message_zh": detail_zh}
    return problem(422, "photos.invalid", detail, detail_zh, [error])


async def _read_photo(request: Request, state: BridgeState) -> tuple[str, bytes, str] | Response:
    content_type = request.headers.get("content-type", "")
    if int(request.headers.get("content-length") or 0) > state.config.max_body_bytes:
        return problem(413, "body.too_large", "Request body too large", "请求内容过大")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_fields=4)
        kind, upload = form.get("kind"), form.get("file")
        if not isinstance(upload, UploadFile):
            return _problem_photo(
                "file: send the photo as a file part", "file：请上传照片文件", "file"
            )
        data = await upload.read()
        filename = upload.filename or ""
    else:
        body = await _json(request, state)
        if isinstance(body, Response):
            return body
        kind = body.get("kind")
        try:
            data = base64.b64decode(str(body.get("content_base64", "")), validate=True)
        except (binascii.Error, ValueError):
            return _problem_photo(
                "content_base64 is not valid base64", "content_base64 不是有效的 base64", "file"
            )
        filename = str(body.get("filename") or "")
    if not isinstance(kind, str) or kind not in PHOTO_KINDS:
        return _problem_photo(
            f"kind: one of {', '.join(sorted(PHOTO_KINDS))}",
            "kind：照片类型无效",
            "kind",
        )
    if not (data.startswith(_IMAGE_MAGIC) or is_heif(data)):
        return _problem_photo(
            "file: a photo is JPEG, PNG or HEIC", "file：照片应为 JPEG、PNG 或 HEIC", "file"
        )
    return kind, data, filename


@signed_in(unsafe=True)
async def add_photo(request: Request, state: BridgeState, actor: str) -> Response:
    photo = await _read_photo(request, state)
    if isinstance(photo, Response):
        return photo
    try:
        item = await run_in_threadpool(
            state.till.outbox.add_photo, request.path_params["local_id"], photo, actor=actor
        )
    except ItemNotFound as exc:
        return _error(404, exc)
    except InvalidTransition as exc:
        return _error(409, exc)
    except PhotoError as exc:  # not a readable photo, or HEIC without the heic extra
        return _problem_photo(exc.message, exc.message_zh, "file")
    state.worker.wake()
    logger.info("bridge: %s photo queued for %s by %s", photo[0], item.local_id, actor)
    return JSONResponse(sale_view(item), status_code=202)


@signed_in(unsafe=True)
async def cancel_sale(request: Request, state: BridgeState, actor: str) -> Response:
    body = await _json(request, state)
    if isinstance(body, Response):
        return body
    reason = body.get("reason")
    try:
        item = await run_in_threadpool(
            lambda: state.till.outbox.cancel(
                request.path_params["local_id"],
                reason=reason if isinstance(reason, str) else "",
                actor=actor,
            )
        )
    except ItemNotFound as exc:
        return _error(404, exc)
    except CancelReasonInvalid as exc:
        field_error = {"field": "reason", "code": exc.code, "message": exc.message,
                       "message_zh": exc.message_zh}  # fmt: skip
        return _error(422, exc, errors=[field_error])
    except InvalidTransition as exc:
        return _error(409, exc)
    state.worker.wake()
    return JSONResponse(sale_view(item), status_code=202)
