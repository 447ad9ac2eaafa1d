"""A loopback HTTP server that fakes shared by every API (Google, Slack, GitHub) build on.

Each fake subclasses `FakeServer` and registers routes. The base gives them a request log
(to count write calls), fault injection (to script 429/5xx/dropped connections) and a
background thread bound to 127.0.0.1 on a free port.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, str]:
        return {key: values[-1] for key, values in parse_qs(self.body.decode()).items()}


@dataclass
class Response:
    status: int = 200
    body: bytes | str | dict[str, Any] | list[Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # When set, writes the body itself after the headers (a server trickling its bytes);
    # `headers` then carries the Content-Length it announces.
    stream: Callable[[Any], None] | None = None

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), "application/json; charset=UTF-8"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return self.body or b"", "application/octet-stream"


DROP = Response(status=-1)  # a fault that closes the connection without an answer


@dataclass
class Fault:
    method: str | None
    path_pattern: re.Pattern[str]
    response: Response
    remaining: int


Handler = Callable[[Request, re.Match[str]], Response]


class FakeServer:
    """Routes (method, path regex) to handlers; records every request it receives."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.requests: list[Request] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.02}, daemon=True)

    # -- lifecycle -------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- configuration ---------------------------------------------------------------
    def route(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append((method, re.compile(pattern + r"\Z"), handler))

    def fail(self, path_pattern: str, response: Response, times: int = 1,
             method: str | None = None) -> None:
        """Answer the next `times` matching requests with `response` instead of the route."""
        with self.lock:
            self.faults.append(Fault(method, re.compile(path_pattern), response, times))

    def calls(self, method: str | None = None, path_pattern: str = "") -> list[Request]:
        with self.lock:
            return [r for r in self.requests
                    if (method is None or r.method == method) and re.search(path_pattern, r.path)]

    def writes(self) -> list[Request]:
        """Every request that is not a read; a no-op sync must leave this empty."""
        return [r for r in self.calls() if r.method not in ("GET", "HEAD")]

    def reset_log(self) -> None:
        with self.lock:
            self.requests.clear()

    # -- dispatch --------------------------------------------------------------------
    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.requests.append(request)
            fault = self._take_fault(request)
        if fault is not None:
            return fault
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                with self.lock:
                    return handler(request, match)
        return self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return Response(404, {"error": f"no route for {request.method} {request.path}"})

    def _take_fault(self, request: Request) -> Response | None:
        for fault in self.faults:
            if fault.remaining <= 0:
                continue
            if fault.method not in (None, request.method):
                continue
            if fault.path_pattern.search(request.path):
                fault.remaining -= 1
                return fault.response
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out at once, no 40 ms stall

            def log_message(self, format: str, *args: Any) -> None:  # silence stderr
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(self.command, parts.path, parse_qs(parts.query),
                                  {k.lower(): v for k, v in self.headers.items()}, body)
                response = server.dispatch(request)
                if response.status == -1:  # DROP: a connection reset by the peer
                    self.close_connection = True
                    self.connection.close()
                    return
                payload, content_type = response.encoded()
                self.send_response(response.status)
                headers = {"Content-Type": content_type, "Content-Length": str(len(payload)),
                           **response.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if response.stream is not None:
                    self.close_connection = True
                    response.stream(self.wfile)
                    return
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        return _Handler
