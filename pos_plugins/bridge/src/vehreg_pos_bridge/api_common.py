"""What every handler of the bridge's JSON API shares.

``application/problem+json`` answers, the two ways in (a POS's bearer token, a clerk's
page session with its same-origin and CSRF checks), the JSON body, the sale named by
the path, and how a sale is shown.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vehreg_sdk.outbox import STATUS_TEXT, ItemNotFound, ItemStatus, OutboxItem

from .security import SESSION_COOKIE, csrf_ok

if TYPE_CHECKING:
    from .app import BridgeState

    # A handler behind :func:`signed_in`: the request, the bridge, and ``"pos"``/``"clerk"``.
    Handler = Callable[[Request, BridgeState, str], Awaitable[Response]]

__all__ = [
    "authenticate",
    "problem",
    "sale_view",
    "same_origin",
    "signed_in",
]


def _state(request: Request) -> BridgeState:
    state: BridgeState = request.app.state.bridge
    return state


def problem(
    status: int,
    code: str,
    detail: str,
    detail_zh: str,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": detail,
        "status": status,
        "code": code,
        "detail": detail,
        "detail_zh": detail_zh,
        "errors": errors or [],
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


def same_origin(request: Request, state: BridgeState) -> bool:
    """The request came from the bridge's own page (``Origin``, else ``Referer``)."""
    origin = request.headers.get("origin")
    if origin is not None:
        return origin in state.config.origins
    referer = request.headers.get("referer", "")
    return any(referer.startswith(o + "/") for o in state.config.origins)


def authenticate(request: Request, state: BridgeState, *, unsafe: bool) -> str | Response:
    """``"pos"`` for a valid bearer token, ``"clerk"`` for a page session; else the error."""
    if state.guard.bearer_ok(request.headers.get("authorization")):
        return "pos"
    session = state.guard.session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return problem(
            401, "bridge.unauthorized", "Log in or send the bridge token", "请先登录或提供令牌"
        )
    if unsafe and not (
        same_origin(request, state) and csrf_ok(session, request.headers.get("x-csrf-token"))
    ):
        return problem(
            403, "bridge.csrf", "Cross-site request refused", "拒绝跨站请求（CSRF 校验失败）"
        )
    return "clerk"


def signed_in(*, unsafe: bool) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Run the handler only for the POS (bearer token) or a clerk's page session.

    ``unsafe`` handlers change state: a page session must then also pass the
    same-origin and CSRF checks (see :func:`authenticate`). The handler gets the
    bridge state and the actor (``"pos"`` or ``"clerk"``).
    """

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            state = _state(request)
            actor = authenticate(request, state, unsafe=unsafe)
            if isinstance(actor, Response):
                return actor
            return await handler(request, state, actor)

        return endpoint

    return wrap


class _ClerkReadable(Protocol):
    """An error with a code and a message in both languages (outbox, till, label errors)."""

    code: str
    message: str
    message_zh: str


def _error(status: int, exc: _ClerkReadable, **extra: Any) -> JSONResponse:
    return problem(status, exc.code, exc.message, exc.message_zh, **extra)


async def _json(request: Request, state: BridgeState) -> dict[str, Any] | Response:
    if "application/json" not in request.headers.get("content-type", ""):
        return problem(
            415, "body.unsupported_media_type", "Send application/json", "请使用 JSON 格式"
        )
    body = await request.body()
    if len(body) > state.config.max_body_bytes:
        return problem(413, "body.too_large", "Request body too large", "请求内容过大")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return problem(
            400, "body.invalid_json", "The body is not valid JSON", "请求内容不是有效的 JSON"
        )
    if not isinstance(data, dict):
        return problem(
            400, "body.invalid_json", "The body must be a JSON object", "请求内容应为 JSON 对象"
        )
    return data


def sale_view(item: OutboxItem) -> dict[str, Any]:
    """A sale as the API shows it: personal data masked, status in both languages."""
    view = item.summary("zh")
    en, zh = STATUS_TEXT[item.status]
    view["status_text"] = {"en": en, "zh": zh}
    view["next_attempt_at"] = item.next_attempt_at.isoformat(timespec="seconds")
    view["waiting_for_network"] = item.status == ItemStatus.QUEUED and item.attempts > 0
    view["label_url"] = f"/sales/{item.local_id}/label.png" if item.plate_number else None
    from .followup_api import follow_view  # after the plate: review, photos, cancellation

    view.update(follow_view(item))
    return view


async def _sale(request: Request, state: BridgeState) -> OutboxItem | Response:
    """The sale named by the path's ``{local_id}``, or a 404 problem."""
    try:
        return await run_in_threadpool(state.till.outbox.get, request.path_params["local_id"])
    except ItemNotFound as exc:
        return _error(404, exc)


async def _sale_with_plate(
    request: Request, state: BridgeState, *, no_plate_zh: str
) -> OutboxItem | Response:
    """The sale as :func:`_sale`, or 409 ``label.no_plate`` while it has no plate yet."""
    item = await _sale(request, state)
    if not isinstance(item, Response) and (item.registration() is None or not item.plate_number):
        return problem(409, "label.no_plate", "No plate assigned yet", no_plate_zh)
    return item
