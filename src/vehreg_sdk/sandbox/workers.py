"""The app each worker process of ``vehreg sandbox serve --workers N`` builds.

uvicorn starts N processes and each imports :func:`app_from_environment`; the
options travel in one environment variable (:data:`SETTINGS_VARIABLE`, JSON),
because a spawned process gets the environment and not the parent's objects.
Every worker opens the same database, so all state is shared through it.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..rules.config import DEFAULT_CONFIG, MinorPolicy, RuleConfig
from .app import create_app

#: The environment variable holding a worker's :class:`WorkerSettings` as JSON.
SETTINGS_VARIABLE = "VEHREG_SANDBOX_WORKER_SETTINGS"
#: A sandbox-only response header: the id of the worker process that answered.
WORKER_HEADER = "X-Sandbox-Worker"


class WorkerHeaderMiddleware:
    """Names the answering worker process, so one can see the load spread over workers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.value = str(os.getpid()).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_worker(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    *message.get("headers", []),
                    (WORKER_HEADER.lower().encode(), self.value),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_worker)


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    """What ``vehreg sandbox serve`` passes to every worker process."""

    db: str
    review_delay: float
    rate_limit: float | None
    plate_format: str
    plate_capacity: int
    under_16: str = "error"

    def to_environment(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_environment(cls) -> WorkerSettings:
        raw = os.environ.get(SETTINGS_VARIABLE)
        if not raw:
            raise RuntimeError(f"{SETTINGS_VARIABLE} is not set: start workers with vehreg")
        values: dict[str, Any] = json.loads(raw)
        return cls(**values)


def rule_config(under_16: str) -> RuleConfig:
    """The bureau's rules: the SDK's defaults, with owners under 16 a warning if asked."""
    if under_16 == "error":
        return DEFAULT_CONFIG
    return DEFAULT_CONFIG.replace(minor_policy=MinorPolicy(under_16_severity="warning"))


def app_from_environment() -> Starlette:
    """The bureau for one worker process (uvicorn's app factory)."""
    settings = WorkerSettings.from_environment()
    app = create_app(
        settings.db,
        settings.review_delay,
        settings.rate_limit,
        plate_format=settings.plate_format,
        plate_capacity=settings.plate_capacity,
        rule_config=rule_config(settings.under_16),
    )
    app.add_middleware(WorkerHeaderMiddleware)
    return app
