"""A local stand-in for the vision estimator's HTTP endpoint, on 127.0.0.1 only (SPEC L6)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

GOOD_ANSWER = {"surface_area_sqft": 6.5, "labor_hours": 0.75, "note": "Spoked wheel, 5 spokes."}


@dataclass
class StandIn:
    """What the stand-in server answers, and what it was sent."""

    url: str
    status: int = 200
    body: bytes = json.dumps(GOOD_ANSWER).encode()
    delay: float = 0.0
    received: list = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def no_proxy(monkeypatch):
    """Whatever the environment says, urllib goes straight to 127.0.0.1."""
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")


@pytest.fixture
def stand_in(settings, no_proxy):
    """A local HTTP server playing the vision endpoint, with settings pointed at it."""
    state = StandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            state.received.append(
                {"headers": dict(self.headers), "body": json.loads(self.rfile.read(length))}
            )
            if state.delay:
                # Woken early by the finalizer so no thread outlives the test for long.
                state.release.wait(state.delay)
            try:
                self.send_response(state.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(state.body)))
                self.end_headers()
                self.wfile.write(state.body)
            except OSError:
                pass  # the client gave up waiting, as it should

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    host, port = server.server_address[:2]
    state.url = f"http://{host}:{port}/estimate"
    settings.VISION_ESTIMATOR_URL = state.url
    settings.VISION_ESTIMATOR_KEY = "test-key-123"
    settings.VISION_ESTIMATOR_TIMEOUT = 5
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
