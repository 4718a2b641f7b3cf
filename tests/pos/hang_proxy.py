"""A TCP front for the bureau that first accepts connections and never answers ("hung"),
then, once told, forwards every new connection to the real bureau ("up"). With
``refuse=True`` a bureau that is not answering closes each connection at once instead
(a network that is down, not a hung bureau)."""

from __future__ import annotations

import contextlib
import socket
import threading


class HangingBureau:
    def __init__(self, upstream_port: int, *, refuse: bool = False) -> None:
        self.upstream_port = upstream_port
        self.refuse = refuse
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = int(self._listener.getsockname()[1])
        self.answering = threading.Event()
        self._held: list[socket.socket] = []
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> HangingBureau:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        for sock in self._held:
            with contextlib.suppress(OSError):
                sock.close()

    def cut(self) -> None:
        """The network goes down: no new connection is answered and open ones are cut."""
        self.answering.clear()
        held, self._held = self._held, []
        for sock in held:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            if self.refuse and not self.answering.is_set():
                conn.close()
                continue
            self._held.append(conn)
            if self.answering.is_set():
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                self._held.append(upstream)
                for a, b in ((conn, upstream), (upstream, conn)):
                    threading.Thread(target=_pipe, args=(a, b), daemon=True).start()
            # else: accepted, read by nobody, answered never (the hung bureau)


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            sink.sendall(data)
    with contextlib.suppress(OSError):
        sink.shutdown(socket.SHUT_WR)
