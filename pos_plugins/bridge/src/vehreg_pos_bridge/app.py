"""The bridge's ASGI app: the clerk page, its login, and the JSON API for POS software."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vehreg_sdk.outbox import OutboxDamaged
from vehreg_sdk.pos import Till
from vehreg_sdk.privacy import masked_logger

from . import api, followup_api
from .security import SESSION_COOKIE, SESSION_TTL_S, Guard, allowed_hosts, content_security_policy
from .worker import SyncWorker

logger = masked_logger("vehreg_pos_bridge")


@dataclass(slots=True)
class BridgeConfig:
    """``port`` is the one the bridge is reached on (it checks ``Host`` and ``Origin`` with it)."""

    port: int = 8790
    scheme: str = "http"
    extra_hosts: tuple[str, ...] = ()
    frame_ancestors: tuple[str, ...] = ()
    default_store_id: str | None = None
    sync_interval_s: float = 5.0
    max_body_bytes: int = 30 * 1024 * 1024
    lang: str = "zh-CN"
    origins: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if not self.origins:
            self.origins = {
                f"{self.scheme}://{host}" for host in allowed_hosts(self.port, self.extra_hosts)
            }


@dataclass(slots=True)
class BridgeState:
    till: Till
    guard: Guard
    config: BridgeConfig
    worker: SyncWorker
    #: The bureau's photo requirements as last seen, per registration kind (this bridge's
    #: bureau): the clerk page lists its photo steps from these, offline too.
    photo_requirements: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def create_app(
    till: Till,
    token: str | Callable[[], str | None],
    config: BridgeConfig | None = None,
    *,
    start_worker: bool = True,
) -> Starlette:
    """The bridge app for ``till``. ``token`` is this install's API token, or a function
    reading the current one (``TokenStore.read``), so that a rotation takes effect live."""
    config = config or BridgeConfig()
    worker = SyncWorker(till, interval_s=config.sync_interval_s)
    state = BridgeState(till=till, guard=Guard(token), config=config, worker=worker)
    static = StaticFiles(directory=str(resources.files("vehreg_pos_bridge") / "static"))
    routes = [
        Route("/", page, methods=["GET"]),
        Route("/login", login_with_code, methods=["GET"]),
        Route("/login", login_with_token, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Mount("/static", app=static, name="static"),
        *api.routes(),
        *followup_api.routes(),
    ]
    app = Starlette(routes=routes, exception_handlers={OutboxDamaged: _outbox_damaged})
    app.state.bridge = state
    if start_worker:
        worker.start()
    wrapped = SecurityMiddleware(app, config)
    wrapped.bridge = state  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


class SecurityMiddleware:
    """Refuses an unknown ``Host`` (DNS rebinding) and adds the security headers to everything."""

    def __init__(self, app: ASGIApp, config: BridgeConfig) -> None:
        self.app = app
        self.hosts = allowed_hosts(config.port, config.extra_hosts)
        self.csp = content_security_policy(config.frame_ancestors)
        self.frame_ancestors = config.frame_ancestors

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").lower()
        if host not in self.hosts:
            response = JSONResponse(
                {
                    "code": "bridge.bad_host",
                    "detail": "Unknown Host header",
                    "detail_zh": "请求的主机名无效",
                },
                status_code=421,
            )
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.csp
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Cross-Origin-Resource-Policy"] = "same-origin"
                if not self.frame_ancestors:
                    headers["X-Frame-Options"] = "SAMEORIGIN"
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _outbox_damaged(request: Request, exc: Exception) -> Response:
    """The outbox file is damaged: say so in both languages (503), never a bare 500."""
    assert isinstance(exc, OutboxDamaged)
    logger.error("bridge: %s", exc.message)
    return api.problem(503, exc.code, exc.message, exc.message_zh)


def bridge(request: Request) -> BridgeState:
    state: BridgeState = request.app.state.bridge
    return state


def _read_static(name: str) -> str:
    return (resources.files("vehreg_pos_bridge") / "static" / name).read_text(encoding="utf-8")


async def page(request: Request) -> Response:
    state = bridge(request)
    session = state.guard.session(request.cookies.get(SESSION_COOKIE))
    if session is None:
        return HTMLResponse(_read_static("login.html"))
    html = _read_static("clerk.html")
    html = html.replace("__CSRF_TOKEN__", session.csrf)
    html = html.replace("__DEFAULT_STORE__", state.config.default_store_id or "")
    return HTMLResponse(html)


def _logged_in(state: BridgeState) -> Response:
    session = state.guard.new_session()
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.id,
        max_age=SESSION_TTL_S,
        httponly=True,
        samesite="strict",
        secure=state.config.scheme == "https",
        path="/",
    )
    return response


async def login_with_code(request: Request) -> Response:
    """``/login?code=...``: a one-time code (``POST /session-codes``) for embedding the page."""
    state = bridge(request)
    if not state.guard.redeem_login_code(request.query_params.get("code")):
        return HTMLResponse(_read_static("login.html"), status_code=401)
    return _logged_in(state)


async def login_with_token(request: Request) -> Response:
    state = bridge(request)
    if not api.same_origin(request, state):
        return api.problem(
            403, "bridge.cross_origin", "Cross-origin request refused", "拒绝跨站请求"
        )
    form = await request.form()
    token = form.get("token")
    if not isinstance(token, str) or not state.guard.check_token(token.strip()):
        return HTMLResponse(_read_static("login.html"), status_code=401)
    return _logged_in(state)


async def logout(request: Request) -> Response:
    state = bridge(request)
    actor = api.authenticate(request, state, unsafe=True)
    if isinstance(actor, Response):
        return actor
    state.guard.end_session(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def app_state(app: Any) -> BridgeState:
    """The state of an app made by :func:`create_app` (tests, the server)."""
    state: BridgeState = app.bridge
    return state
