"""A unix-socket proxy in front of the real engine's socket.

For faults a real engine cannot produce on demand: cutting the engine away and
bringing it back (`cut` / `restore`), claiming an old API version, answering every
request late (`delay`: a remote engine's round trip), and counting the HTTP requests
a client sends. Everything else passes through to the real engine untouched. Also
used by the benchmarks to count requests per second.
"""

from __future__ import annotations

import json
import os
import re
import socket
import tempfile
import threading
import time

REQUEST_LINE = re.compile(rb"(?:GET|POST|PUT|DELETE|HEAD) (\S+) HTTP/1\.[01]\r\n")


class SocketProxy:
    def __init__(self, upstream: str = "/var/run/docker.sock", path: str | None = None, delay: float = 0.0) -> None:
        self.upstream = upstream
        self.delay = delay  # seconds every request is held before it goes on (a remote engine's latency)
        self.path = path or os.path.join(tempfile.mkdtemp(prefix="netui-proxy-"), "docker.sock")
        self.requests = 0
        self.paths: list[str] = []
        self.fake_api_version: str | None = None
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._thread: threading.Thread | None = None
        self._closing = False

    @property
    def url(self) -> str:
        return f"unix://{self.path}"

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> SocketProxy:
        self._closing = False
        if os.path.exists(self.path):
            os.unlink(self.path)
        ls = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ls.bind(self.path)
        ls.listen(64)
        self._listener = ls
        self._thread = threading.Thread(target=self._accept, args=(ls,), daemon=True)
        self._thread.start()
        return self

    def cut(self) -> None:
        """The engine goes away: the socket disappears and live connections drop."""
        self._closing = True
        ls, self._listener = self._listener, None
        if ls is not None:
            try:
                ls.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            ls.close()
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        with self._lock:
            conns, self._conns = self._conns, set()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            c.close()
        if self._thread is not None:
            self._thread.join(timeout=2)

    def restore(self) -> None:
        self.start()

    def stop(self) -> None:
        self.cut()
        try:
            os.rmdir(os.path.dirname(self.path))
        except OSError:
            pass

    def __enter__(self) -> SocketProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def count(self) -> int:
        with self._lock:
            return self.requests

    # -- plumbing --------------------------------------------------------------
    def _accept(self, ls: socket.socket) -> None:
        while not self._closing:
            try:
                client, _ = ls.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, *socks: socket.socket) -> bool:
        with self._lock:
            if self._closing:
                return False
            self._conns.update(socks)
            return True

    def _serve(self, client: socket.socket) -> None:
        try:
            first = client.recv(65536)
        except OSError:
            client.close()
            return
        if not first:
            client.close()
            return
        if self.fake_api_version is not None and re.search(rb"GET (/v[\d.]+)?/version ", first):
            self._count(first)
            body = json.dumps({"Version": "1.13.1", "ApiVersion": self.fake_api_version, "Os": "linux", "Arch": "amd64"}).encode()
            client.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
            )
            client.close()
            return
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            up.connect(self.upstream)
        except OSError:
            client.close()
            up.close()
            return
        if not self._track(client, up):
            client.close()
            up.close()
            return
        self._hold(self._count(first))
        try:
            up.sendall(first)
        except OSError:
            pass
        threading.Thread(target=self._pump, args=(up, client, False), daemon=True).start()
        self._pump(client, up, True)

    def _count(self, data: bytes) -> int:
        found = REQUEST_LINE.findall(data)
        if found:
            with self._lock:
                self.requests += len(found)
                self.paths.extend(p.decode("latin-1") for p in found)
        return len(found)

    def _hold(self, requests: int) -> None:
        """A request goes on `delay` later: its answer comes back at least that late."""
        if requests and self.delay > 0:
            time.sleep(self.delay * requests)

    def _pump(self, src: socket.socket, dst: socket.socket, count: bool) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if count:
                    self._hold(self._count(data))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            with self._lock:
                self._conns.discard(src)
                self._conns.discard(dst)
            src.close()
            dst.close()
