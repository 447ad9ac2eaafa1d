"""Slack's Socket Mode side of the fake Slack: the WebSocket `apps.connections.open` hands
out, on 127.0.0.1, speaking Slack's envelope protocol.

On connect the server sends `hello`; `deliver()` sends an envelope (`slash_commands`,
`interactive`) and records when its ack (`{"envelope_id": ...}`) came back, so tests can
check every envelope is acknowledged and how fast. `drop()` closes the connection as Slack
does on a refresh; the client then asks `apps.connections.open` for a new URL.

Shapes follow docs.slack.dev "Using Socket Mode" (envelope, ack, hello, disconnect).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import Server, ServerConnection, serve

APP_ID = "A0APP0001"


@dataclass
class Ack:
    envelope_id: str
    seconds: float  # from sending the envelope to receiving its ack
    payload: Any = None


@dataclass
class SocketState:
    connections: list[ServerConnection] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)
    acks: dict[str, Ack] = field(default_factory=dict)


class SocketModeServer:
    def __init__(self) -> None:
        self.state = SocketState()
        self.changed = threading.Condition()
        self.ids = itertools.count(1)
        self.server: Server = serve(self.session, "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.opened = 0  # URLs handed out by apps.connections.open

    @property
    def port(self) -> int:
        return int(self.server.socket.getsockname()[1])

    def new_url(self) -> str:
        self.opened += 1
        return f"ws://127.0.0.1:{self.port}/link/?ticket=fake-{self.opened}&app_id={APP_ID}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)

    # -- one WebSocket session -----------------------------------------------------------
    def session(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"type": "hello", "num_connections": 1,
                                    "debug_info": {"host": "fake-slack",
                                                   "approximate_connection_time": 18060},
                                    "connection_info": {"app_id": APP_ID}}))
        with self.changed:
            self.state.connections.append(connection)
            self.changed.notify_all()
        try:
            for frame in connection:
                self.received(json.loads(frame))
        except ConnectionClosed:
            pass
        finally:
            with self.changed:
                self.state.connections.remove(connection)
                self.changed.notify_all()

    def received(self, message: dict[str, Any]) -> None:
        envelope_id = str(message.get("envelope_id") or "")
        with self.changed:
            sent = self.state.sent.get(envelope_id)
            if sent is not None and envelope_id not in self.state.acks:
                self.state.acks[envelope_id] = Ack(envelope_id, time.monotonic() - sent,
                                                   message.get("payload"))
            self.changed.notify_all()

    # -- what tests do -------------------------------------------------------------------
    def wait_connected(self, timeout: float) -> None:
        self.wait(lambda: bool(self.state.connections), timeout, "no client connected")

    def deliver(self, kind: str, payload: dict[str, Any], envelope_id: str | None = None,
                retry_attempt: int = 0) -> str:
        """Send an envelope on the newest connection; the same id again is a replay."""
        envelope_id = envelope_id or f"fake-envelope-{next(self.ids)}"
        envelope = {"envelope_id": envelope_id, "payload": payload, "type": kind,
                    "accepts_response_payload": kind == "slash_commands",
                    "retry_attempt": retry_attempt,
                    "retry_reason": "timeout" if retry_attempt else ""}
        with self.changed:
            connection = self.state.connections[-1]
            self.state.sent[envelope_id] = time.monotonic()
            self.state.acks.pop(envelope_id, None)
        connection.send(json.dumps(envelope))
        return envelope_id

    def wait_for_ack(self, envelope_id: str, timeout: float) -> Ack:
        self.wait(lambda: envelope_id in self.state.acks, timeout,
                  f"envelope {envelope_id} was never acknowledged")
        return self.state.acks[envelope_id]

    def drop(self) -> None:
        """Close every connection, as Slack does when it refreshes one."""
        with self.changed:
            connections = list(self.state.connections)
        for connection in connections:
            connection.close()

    def wait(self, ready: Any, timeout: float, failure: str) -> None:
        with self.changed:
            if not self.changed.wait_for(ready, timeout):
                raise AssertionError(failure)
