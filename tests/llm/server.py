"""A scripted LLM server on 127.0.0.1 for tests: OpenAI Chat Completions and Anthropic Messages.

Each test queues answers (:meth:`ScriptedServer.queue`); the server pops one per request, in
order, whatever the path, and records every request it received. Reused by every LLM stage's
tests.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Scripted:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    delay: float = 0.0


def openai_text(text: str, model: str = "test-model") -> Scripted:
    return Scripted(body={
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    })  # fmt: skip


def anthropic_tool(data: dict[str, Any], name: str = "answer", model: str = "test") -> Scripted:
    return Scripted(body={
        "id": "msg_test", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "tool_use", "id": "toolu_test", "name": name, "input": data}],
        "stop_reason": "tool_use", "stop_sequence": None,
        "usage": {"input_tokens": 100, "output_tokens": 20},
    })  # fmt: skip


def anthropic_text(text: str, model: str = "test") -> Scripted:
    return Scripted(body={
        "id": "msg_test", "type": "message", "role": "assistant", "model": model,
        "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
        "stop_sequence": None, "usage": {"input_tokens": 100, "output_tokens": 20},
    })  # fmt: skip


def error(status: int, message: str = "scripted error") -> Scripted:
    kind = {429: "rate_limit_error", 401: "authentication_error"}.get(status, "api_error")
    return Scripted(status, {"type": "error", "error": {"type": kind, "message": message}})


class ScriptedServer:
    """Use as a context manager; ``url`` is ``http://127.0.0.1:<port>``."""

    def __init__(self) -> None:
        self.script: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "json": body,
                    }
                )
                item = server.script.popleft() if server.script else error(500, "script empty")
                if item.delay:
                    time.sleep(item.delay)
                data = json.dumps(item.body).encode()
                try:
                    self.send_response(item.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def queue(self, *items: Scripted) -> None:
        self.script.extend(items)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
