"""``SandboxServer``: the sandbox on a real loopback port, in a background thread.

::

    with SandboxServer() as sandbox:
        client = VehregClient(base_url=sandbox.base_url,
                              app_key=sandbox.dealers[0].app_key,
                              app_secret=sandbox.dealers[0].app_secret)
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

from .app import create_app
from .bureau import Bureau
from .seed import DEMO_DEALERS, DemoDealer


class SandboxServer:
    """uvicorn serving :func:`create_app` on ``host:port`` (port 0: any free port).

    Extra keyword arguments go to :func:`create_app` (``clock``,
    ``plate_format``, ``webhook_backoff``, ...). Use as a context manager, or
    call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        db_path: Path | str | None = None,
        review_delay: float = 0.0,
        rate_limit: float | None = None,
        port: int = 0,
        *,
        host: str = "127.0.0.1",
        **app_options: Any,
    ) -> None:
        self.host = host
        self.app = create_app(db_path, review_delay, rate_limit, **app_options)
        self._requested_port = port
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = port

    @property
    def bureau(self) -> Bureau:
        """The running bureau's state (its database, clock and settings)."""
        bureau: Bureau = self.app.state.bureau
        return bureau

    @property
    def db_path(self) -> Path:
        return self.bureau.db.path

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``; the API lives under ``/v1``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def dealers(self) -> tuple[DemoDealer, ...]:
        """The seeded demo dealers and their credentials."""
        return DEMO_DEALERS

    def start(self, timeout: float = 10.0) -> SandboxServer:
        """Bind, start serving, and return once requests are accepted."""
        if self._thread is not None:
            raise RuntimeError("the sandbox server is already running")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY on accepted connections only
        # when the listening socket says TCP; without it every response waits ~40 ms.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.bind((self.host, self._requested_port))
        self.port = int(sock.getsockname()[1])
        self._socket = sock
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            loop="asyncio",
            ws="none",
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="vehreg-sandbox", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving and wait for the thread (idempotent)."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
