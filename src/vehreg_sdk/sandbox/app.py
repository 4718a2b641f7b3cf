"""The ASGI app factory of the sandbox bureau.

Routes come from one module per resource, listed once in :data:`ROUTE_MODULES`.
To add a resource, write ``sandbox/routes/<resource>.py`` exporting
``ENDPOINTS`` and add its module name here.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..rules.cars import DEFAULT_CAR_CONFIG, CarRuleConfig
from ..rules.config import DEFAULT_CONFIG, RuleConfig
from . import idempotency, review, webhooks
from .bureau import (
    DEFAULT_PLATE_CAPACITY,
    DEFAULT_PLATE_FORMAT,
    DEFAULT_TEMPORARY_PLATE_FORMAT,
    Bureau,
    Settings,
)
from .clock import Clock
from .endpoint import new_request_id, problem_response
from .problems import ProblemError
from .ratelimit import RateLimiter
from .storage import is_postgres_url

#: Route modules under ``vehreg_sdk.sandbox.routes``, in registration order.
ROUTE_MODULES: tuple[str, ...] = (
    "health",
    "keys",
    "openapi",
    "stores",
    "catalogue",
    "certificates",
    "uploads",
    "ebike_registrations",
    "photo_requirements",
    "car_certificates",
    "purchase_tax",
    "plate_selections",
    "vehicle_registrations",
    "onsite_inspections",
    "temporary_plates",
    "events",
    "webhook_endpoints",
    "batches",
    "plate_status",
    "test_helpers",
)

REQUEST_ID_HEADER = "X-Request-Id"


class RequestIdMiddleware:
    """Gives every request an id and every response its ``X-Request-Id`` header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


def _routes() -> list[Route]:
    routes: list[Route] = []
    for name in ROUTE_MODULES:
        module = importlib.import_module(f"{__package__}.routes.{name}")
        routes.extend(endpoint.route() for endpoint in module.ENDPOINTS)
    return routes


async def _http_error(request: Request, exc: Exception) -> Response:
    request_id = getattr(request.state, "request_id", "") or new_request_id()
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        allow = (exc.headers or {}).get("Allow", "") if isinstance(exc, HTTPException) else ""
        problem = ProblemError(
            "route.method_not_allowed", headers={"Allow": allow} if allow else None
        )
    elif status == 404:
        problem = ProblemError("route.not_found")
    else:
        problem = ProblemError("internal.error")
    response = problem_response(problem, request_id)
    if status == 500:
        # Outside the request-id middleware: add the header here.
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _purge_expired_keys(bureau: Bureau) -> None:
    with bureau.db.write() as conn:
        idempotency.purge_expired(conn, bureau.clock(), bureau.settings.idempotency_ttl)


def _temporary_db() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="vehreg-sandbox-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory / "sandbox.db"


def _database_target(db_path: Path | str | None) -> Path | str:
    if db_path is None:
        return _temporary_db()
    return db_path if is_postgres_url(db_path) else Path(db_path)


def create_app(
    db_path: Path | str | None = None,
    review_delay: float = 0.0,
    rate_limit: float | None = None,
    *,
    rate_burst: int | None = None,
    clock: Clock | None = None,
    plate_format: str = DEFAULT_PLATE_FORMAT,
    plate_capacity: int = DEFAULT_PLATE_CAPACITY,
    webhook_backoff: float = 1.0,
    webhook_max_attempts: int = 6,
    key_seed: bytes | None = None,
    plate_hold_seconds: float = 600.0,
    car_rules: CarRuleConfig = DEFAULT_CAR_CONFIG,
    rule_config: RuleConfig | None = None,
    idempotency_ttl: float = 24 * 3600.0,
    temporary_plate_format: str = DEFAULT_TEMPORARY_PLATE_FORMAT,
) -> Starlette:
    """The sandbox bureau as an ASGI app (Starlette); its state is ``app.state.bureau``.

    ``db_path``: the SQLite file (created if absent; state survives restarts),
    or a ``postgresql://`` URL (several worker processes may share it; needs the
    ``postgres`` extra); None uses a fresh temporary file removed at exit. ``review_delay``: seconds
    from ``awaiting_review`` to the review (0: at once). ``rate_limit``:
    requests per second per dealer (token bucket with ``rate_burst``, default
    the rate rounded up); None turns rate limiting off. ``clock``: seconds
    since the epoch, for tests that move time. ``plate_format``: a
    ``str.format`` pattern with ``{serial}`` (default ``苏G{serial:06d}``).
    ``webhook_backoff``/``webhook_max_attempts``: delivery retries wait
    ``backoff * 2**(n-1)`` seconds. ``key_seed``: derive the bureau's Ed25519
    key from these bytes instead of generating one for the database.
    ``plate_hold_seconds``: how long a chosen plate number stays reserved (default 10
    minutes). ``car_rules``: the car rules (station scope, selection limits, tax relief).
    ``rule_config``: the bureau's rule settings (default: the SDK's defaults,
    under which an owner under 16 is refused; a campus bureau may make it a warning).
    ``idempotency_ttl``: seconds an idempotency record is kept before it is
    purged (default 24 h). ``temporary_plate_format``: the temporary plates' numbers, a
    ``str.format`` pattern with ``{serial}`` (default ``苏GL{serial:05d}``; unverified [U]).
    """
    if review_delay < 0:
        raise ValueError("review_delay must be >= 0")
    if "{serial" not in plate_format or "{serial" not in temporary_plate_format:
        raise ValueError("plate_format and temporary_plate_format must contain {serial}")
    if not idempotency_ttl > 0:
        raise ValueError("idempotency_ttl must be > 0 seconds")
    settings = Settings(
        review_delay=review_delay,
        plate_format=plate_format,
        plate_capacity=plate_capacity,
        webhook_backoff=webhook_backoff,
        webhook_max_attempts=webhook_max_attempts,
        plate_hold_seconds=plate_hold_seconds,
        car_rules=car_rules,
        rule_config=rule_config or DEFAULT_CONFIG,
        idempotency_ttl=idempotency_ttl,
        temporary_plate_format=temporary_plate_format,
    )
    bureau = Bureau(
        _database_target(db_path),
        settings,
        clock=clock,
        rate_limiter=RateLimiter(rate_limit, rate_burst) if rate_limit else None,
        key_seed=key_seed,
    )

    async def run_reviews() -> None:
        if await anyio.to_thread.run_sync(review.sweep, bureau, bureau.clock()):
            await webhooks.deliver_due(bureau)

    async def run_deliveries() -> None:
        await webhooks.deliver_due(bureau)

    bureau.review_job = run_reviews
    bureau.delivery_job = run_deliveries

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        import asyncio

        bureau.attach(asyncio.get_running_loop())
        next_due = await anyio.to_thread.run_sync(webhooks.release_stuck, bureau)
        if next_due is not None:  # look again when the next delivery falls due
            bureau.retry_deliveries_in(next_due)
        await anyio.to_thread.run_sync(_purge_expired_keys, bureau)
        # Work left from before a restart: due reviews and undelivered events.
        bureau.review_due_in(0.0)
        bureau.events_created()
        try:
            yield
        finally:
            await bureau.aclose()

    app = Starlette(
        routes=_routes(),
        middleware=[],
        exception_handlers={HTTPException: _http_error, Exception: _http_error},
        lifespan=lifespan,
    )
    # Trailing-slash redirects would send a signed request to a path it was not signed for.
    app.router.redirect_slashes = False
    app.add_middleware(RequestIdMiddleware)
    app.state.bureau = bureau
    return app
