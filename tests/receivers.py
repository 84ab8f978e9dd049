"""Stand-ins for the services on the far side of an HTTP call, started by a test on 127.0.0.1 (port 0).

A Receiver keeps every request it is sent (method, path, headers, body) and answers each with the
next of its planned answers (the last one repeats), so a test can make it fail, then recover."""
from __future__ import annotations

import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


# An answer: a status, or a function of the request giving (status, headers, body).
Answer = int | Callable[[Received], tuple[int, dict[str, str], bytes]]


class Receiver:
    def __init__(self, answers: list[Answer] | None = None, tls: tuple[str, str] | None = None):
        """``tls``: (certificate file, key file) to answer over HTTPS instead of HTTP."""
        self.requests: list[Received] = []
        self.answers: list[Answer] = list(answers or [200])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                received = Received("POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                receiver.requests.append(received)
                answer = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                status, headers, content = answer(received) if callable(answer) else (answer, {}, b"ok")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):  # quiet: pytest shows what matters
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
