"""A local stand-in for Microsoft Learn's transcript share endpoint (a real HTTP server on
loopback). Tests fill ``transcripts`` (share id → JSON payload); special share ids misbehave:

- ``status404`` (and any unknown id) → 404; ``status403``, ``status429``, ``status500``,
  ``status503`` → that status;
- ``slowanswer`` → waits ``slow_seconds`` then answers ``transcripts["slowanswer"]`` (or a small
  transcript);
- ``oversized`` → a 5 MB JSON body with Content-Length; ``oversizedchunked`` → the same without it;
- ``notjson`` → an HTML page; ``jsonlist`` → ``[]``;
- ``redirectoff`` → 302 to another host; ``redirectsame`` → 302 to ``activeuser1`` on this server;
  ``redirectloop`` → 302 to itself.

Like the real one, it answers 403 to a request without a User-Agent.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

PREFIX = "/api/profiles/transcript/share/"
SMALL = {"userName": "slow-user", "certificationData": {"activeCertifications": []}}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that stops reading (size limit, timeout) breaks the pipe: expected here
        return


class FakeLearn:
    def __init__(self) -> None:
        self.transcripts: dict[str, object] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.slow_seconds = 3.0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeLearn:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: Any) -> None:
                return

            def do_GET(self) -> None:
                fake.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                fake._answer(self)

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeLearn:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # --- behaviour ----------------------------------------------------------------------

    def _send(
        self, h: BaseHTTPRequestHandler, status: int, body: bytes, kind: str, **headers: str
    ) -> None:
        h.send_response(status)
        h.send_header("Content-Type", kind)
        h.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            h.send_header(name.replace("_", "-"), value)
        h.end_headers()
        h.wfile.write(body)

    def _json(self, h: BaseHTTPRequestHandler, status: int, payload: object) -> None:
        self._send(h, status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        if not h.headers.get("User-Agent"):
            self._send(h, 403, b"Forbidden", "text/plain")
            return
        path = urlsplit(h.path).path
        if not path.startswith(PREFIX):
            self._send(h, 404, b"Not found", "text/plain")
            return
        share = path[len(PREFIX) :]
        if share.startswith("status") and share[6:].isdigit():
            self._json(h, int(share[6:]), {"error": share})
        elif share == "slowanswer":
            time.sleep(self.slow_seconds)
            self._json(h, 200, self.transcripts.get(share, SMALL))
        elif share == "oversized":
            self._send(h, 200, b'{"pad": "' + b"x" * 5_000_000 + b'"}', "application/json")
        elif share == "oversizedchunked":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            for _ in range(50):
                chunk = b"x" * 100_000
                h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            h.wfile.write(b"0\r\n\r\n")
        elif share == "notjson":
            self._send(h, 200, b"<html><body>Sign in</body></html>", "text/html")
        elif share == "jsonlist":
            self._json(h, 200, [])
        elif share == "redirectoff":
            self._send(h, 302, b"", "text/plain", Location="http://example.invalid/steal")
        elif share == "redirectsame":
            self._send(h, 302, b"", "text/plain", Location=PREFIX + "activeuser1?locale=en-us")
        elif share == "redirectloop":
            self._send(h, 302, b"", "text/plain", Location=path + "?locale=en-us")
        elif share in self.transcripts:
            self._json(h, 200, self.transcripts[share])
        else:
            self._send(h, 404, b"Not found", "text/plain")
