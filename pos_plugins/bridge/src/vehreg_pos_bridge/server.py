"""Running the bridge: loopback by default, remote only with ``--allow-remote`` and TLS."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import uvicorn

from vehreg_sdk import VehregError
from vehreg_sdk.outbox import Outbox, make_worker_id
from vehreg_sdk.pos import PluginHost, Till
from vehreg_sdk.privacy import masked_logger

from .app import BridgeConfig, app_state, create_app
from .security import WILDCARD_HOSTS, TokenStore, host_name, is_loopback, token_file

logger = masked_logger("vehreg_pos_bridge")


class BridgeConfigError(VehregError):
    """The bridge cannot start as asked (bind rules, TLS, host names); bilingual."""

    code = "bridge.config"


class BridgePortBusy(BridgeConfigError):
    """The port is taken (another bridge, another program) or not allowed."""

    code = "bridge.port_busy"


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``, or :class:`BridgePortBusy` (bilingual) right away,
    before anything (a login link) is printed."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    if os.name == "posix":  # on Windows this option would let two bridges share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = exc.strerror or type(exc).__name__
        raise BridgePortBusy(
            f"cannot listen on {host}:{port} ({reason}): is another bridge or program using "
            "the port? Stop it, or choose another one with --port.",
            f"无法监听 {host}:{port}（{reason}）：端口可能已被另一个桥接服务或程序占用。"
            "请先关闭它，或用 --port 换一个端口。",
        ) from None
    return sock


def check_bind(
    host: str,
    allow_remote: bool,
    tls_cert: str | None,
    tls_key: str | None,
    allowed_hosts: tuple[str, ...] = (),
) -> tuple[str, ...]:
    """Refuse a non-loopback bind unless remote access is asked for explicitly, with TLS.

    Returns the host names the bridge must answer besides the loopback ones: the bind
    address itself when it is a specific one, and ``allowed_hosts`` (``--allowed-host``),
    the names or addresses LAN clients use. A wildcard bind (``0.0.0.0``, ``::``) needs
    at least one: clients never send ``Host: 0.0.0.0``, so without one every remote
    request would be refused with 421.
    """
    try:
        names = tuple(dict.fromkeys(host_name(name) for name in allowed_hosts))
    except ValueError as exc:
        en, _, zh = str(exc).partition(" / ")
        raise BridgeConfigError(f"--allowed-host: {en}", f"--allowed-host：{zh or en}") from None
    if is_loopback(host):
        return names
    if not allow_remote:
        raise BridgeConfigError(
            f"refusing to listen on {host}: the bridge serves 127.0.0.1 only "
            "(use --allow-remote with --tls-cert and --tls-key)",
            f"拒绝监听 {host}：桥接服务默认只监听本机 127.0.0.1（如需远程访问，请使用 "
            "--allow-remote 并提供 --tls-cert 与 --tls-key）",
        )
    if not (tls_cert and tls_key):
        raise BridgeConfigError(
            "--allow-remote needs TLS: pass --tls-cert and --tls-key",
            "远程访问必须启用 TLS：请提供 --tls-cert 与 --tls-key",
        )
    if host.strip() in WILDCARD_HOSTS:
        if not names:
            raise BridgeConfigError(
                f"listening on {host} needs --allowed-host NAME for each name or address the "
                "other devices use (e.g. --allowed-host till-3.local --allowed-host "
                "192.168.1.20); other Host headers are refused (DNS rebinding)",
                f"监听 {host} 时须用 --allowed-host 列出其他设备访问本机所用的每个主机名或地址"
                "（例如 --allowed-host till-3.local --allowed-host 192.168.1.20），"
                "其他主机名一律拒绝（防 DNS 重绑定）",
            )
        return names
    return tuple(dict.fromkeys((host_name(host), *names)))


class BridgeServer:
    """The bridge on a real port in a background thread (tests, embedding): a context manager.

    It applies the same bind rules as ``vehreg pos serve`` (:func:`check_bind`): loopback
    unless ``allow_remote`` with ``tls_cert`` and ``tls_key``, and ``allowed_hosts`` for
    the names LAN clients use.
    """

    def __init__(
        self,
        till: Till,
        *,
        token: str | Callable[[], str | None],
        host: str = "127.0.0.1",
        port: int = 0,
        config: BridgeConfig | None = None,
        allow_remote: bool = False,
        tls_cert: str | None = None,
        tls_key: str | None = None,
        allowed_hosts: tuple[str, ...] = (),
    ) -> None:
        extra = check_bind(host, allow_remote, tls_cert, tls_key, allowed_hosts)
        tls = bool(tls_cert and tls_key)
        self.host = host
        self.port = port or _free_port(host)
        self.config = config or BridgeConfig()
        self.config.port = self.port
        self.config.scheme = "https" if tls else "http"
        self.config.extra_hosts = tuple(dict.fromkeys((*self.config.extra_hosts, *extra)))
        self.config.origins = set()
        self.config.__post_init__()
        self.app: Any = create_app(till, token, self.config)
        self._server = uvicorn.Server(
            uvicorn.Config(
                self.app,
                host=host,
                port=self.port,
                ssl_certfile=tls_cert if tls else None,
                ssl_keyfile=tls_key if tls else None,
                log_level="warning",
                access_log=False,
            )
        )
        self._thread = threading.Thread(target=self._server.run, name="vehreg-bridge", daemon=True)

    @property
    def base_url(self) -> str:
        shown = "127.0.0.1" if self.host.strip() in WILDCARD_HOSTS else self.host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        return f"{self.config.scheme}://{shown}:{self.port}"

    def login_url(self) -> str:
        return f"{self.base_url}/login?code={app_state(self.app).guard.new_login_code()}"

    def __enter__(self) -> BridgeServer:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the bridge did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        app_state(self.app).worker.stop()
        self._server.should_exit = True
        self._thread.join(15)


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host.strip("[]"), 0))
        return int(sock.getsockname()[1])


def serve(
    *,
    outbox_path: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 8790,
    allow_remote: bool = False,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    store_id: str | None = None,
    frame_ancestors: tuple[str, ...] = (),
    allowed_hosts: tuple[str, ...] = (),
    client_factory: Callable[[], Any] | None = None,
    echo: Callable[[str], None] = print,
) -> None:
    """``vehreg pos serve``: run the bridge until interrupted."""
    extra_hosts = check_bind(host, allow_remote, tls_cert, tls_key, allowed_hosts)
    sock = listen(host, port)
    try:
        _serve_on(
            sock,
            outbox_path=outbox_path,
            host=host,
            port=port,
            extra_hosts=extra_hosts,
            tls_cert=tls_cert,
            tls_key=tls_key,
            store_id=store_id,
            frame_ancestors=frame_ancestors,
            client_factory=client_factory,
            echo=echo,
        )
    finally:
        sock.close()


def _serve_on(
    sock: socket.socket,
    *,
    outbox_path: Path | None,
    host: str,
    port: int,
    extra_hosts: tuple[str, ...],
    tls_cert: str | None,
    tls_key: str | None,
    store_id: str | None,
    frame_ancestors: tuple[str, ...],
    client_factory: Callable[[], Any] | None,
    echo: Callable[[str], None],
) -> None:
    port = int(sock.getsockname()[1])  # the port asked for, or the one picked for --port 0
    store = TokenStore(notice=echo)
    store.get_or_create()
    outbox = Outbox(outbox_path)
    till = Till(
        outbox,
        host=PluginHost(),
        client_factory=client_factory,
        worker_id=f"bridge:{make_worker_id()}",
    )
    tls = bool(tls_cert and tls_key)
    config = BridgeConfig(
        port=port,
        scheme="https" if tls else "http",
        extra_hosts=extra_hosts,
        frame_ancestors=frame_ancestors,
        default_store_id=store_id,
    )
    app: Any = create_app(till, store.read, config)
    shown = "127.0.0.1" if is_loopback(host) or host.strip() in WILDCARD_HOSTS else host
    if extra_hosts and not is_loopback(host):
        shown = extra_hosts[0]
    code = app_state(app).guard.new_login_code()
    echo(f"vehreg POS bridge on {config.scheme}://{shown}:{port}  (outbox: {outbox.path})")
    echo("Clerk page / 收银页面 (one-time link, 2 min / 一次性链接，2 分钟内有效):")
    echo(f"  {config.scheme}://{shown}:{port}/login?code={code}")
    where = {
        "env": ("the environment variable VEHREG_BRIDGE_TOKEN", "环境变量 VEHREG_BRIDGE_TOKEN"),
        "keyring": ("the OS keyring", "系统密钥环"),
        "file": (f"the owner-only file {token_file()}", f"仅本用户可读的文件 {token_file()}"),
    }[store.location]
    echo(f"API token / 接口令牌: `vehreg pos token` (kept in {where[0]} / 保存在{where[1]})")
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            ssl_certfile=tls_cert if tls else None,
            ssl_keyfile=tls_key if tls else None,
            log_level="warning",
            access_log=False,
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        app_state(app).worker.stop()
        till.close()
        outbox.close()
