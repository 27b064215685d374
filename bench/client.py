"""HTTP as the browser speaks it, cheap enough to time: a login, then keep-alive connections.

The login and the callback specs go through tests/stack/dash_client.py's DashClient (the login
form with its CSRF token; /_dash-dependencies). Timed requests go through http.client on a
persistent connection per thread, so the client adds as little as possible to each figure and
to the CPU the server shares with it.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tests.stack.dash_client import DashClient

REQUEST_TIMEOUT_S = 60
# What a browser opens to one origin over HTTP/1.1: the overview's callbacks go out this wide.
BROWSER_CONNECTIONS = 6


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    seconds: float

    @property
    def ok(self) -> bool:
        """Answered: with outputs, or 204, a callback with nothing to change (PreventUpdate)."""
        return self.status in (200, 204)

    def outputs(self) -> dict[str, Any]:
        """A Dash answer as {"id.property": value}; empty unless it is a 200 with a response."""
        if self.status != 200:
            return {}
        found = json.loads(self.body).get("response", {})
        return {f"{c}.{p}": value for c, props in found.items() for p, value in props.items()}


class Connection:
    """One keep-alive connection carrying the session cookie; reconnects if the server closed."""

    def __init__(self, base_url: str, cookie: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.headers = {
            "Content-Type": "application/json",
            "Cookie": cookie,
            "Origin": base_url,
            "Sec-Fetch-Site": "same-origin",
        }
        self._conn: http.client.HTTPConnection | None = None

    def post(self, path: str, body: bytes) -> Answer:
        for attempt in range(2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(
                    self.host, self.port, timeout=REQUEST_TIMEOUT_S
                )
            started = time.perf_counter()
            try:
                self._conn.request("POST", path, body=body, headers=self.headers)
                response = self._conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed meanwhile (a recycled worker):
                # what a browser does too, one retry on a new connection.
                self.close()
                if attempt:
                    raise
                continue
            seconds = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Answer(response.status, data, seconds)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class Browser:
    """A logged-in user: Dash's callback specs, and connections for timed requests."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url
        self.dash = DashClient(base_url)
        self.dash.login(username, password)
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in self.dash.http.cookies)
        self.connection = self.new_connection()
        self._local = threading.local()
        self._pooled: list[Connection] = []
        self._pool = ThreadPoolExecutor(BROWSER_CONNECTIONS, thread_name_prefix="browser")

    def new_connection(self) -> Connection:
        return Connection(self.base_url, self.cookie)

    def body(self, output: str, values: dict[str, Any], changed: list[str]) -> bytes:
        return json.dumps(self.dash.update_body(output, values, changed)).encode()

    def post(self, body: bytes) -> Answer:
        return self.connection.post("/_dash-update-component", body)

    def _pooled_post(self, body: bytes) -> Answer:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = self.new_connection()
            self._pooled.append(connection)
        return connection.post("/_dash-update-component", body)

    def fire_together(self, bodies: list[bytes]) -> list[Answer]:
        """The requests of one wave at once, over the browser's six connections."""
        return list(self._pool.map(self._pooled_post, bodies))

    def close(self) -> None:
        """Close every connection; closing twice is harmless."""
        self._pool.shutdown(wait=True)
        for connection in (self.connection, *self._pooled):
            connection.close()
        self.dash.close()
