"""A small websocket client speaking what the browser speaks to a Reflex backend.

Socket.IO (Engine.IO v4) over a plain websocket, as the built frontend does: connect to
``/_event/?token=<tab>&EIO=4&transport=websocket``, send the hydrate event inside the namespace's
CONNECT packet, then events as ``42/_event,["event", {...}]``; the server answers with state deltas
and client-side events (a redirect is one). The session cookie (HttpOnly: the page's scripts never
see it) goes in the websocket's handshake, as the browser sends it. Used by the load benchmarks and the fault tests: many
of these run in one process where as many browsers would not fit on the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import websockets

ROOT = "reflex___state____state"
APP = f"{ROOT}.certportal___auth___state____app_state"
SESSION_COOKIE = "certportal_session"
HYDRATE = f"{ROOT}.hydrate_and_load"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
NAMESPACE = "/_event"


def state_name(module: str, cls: str, parent: str = APP) -> str:
    """The dotted name Reflex gives a substate: ``state_name("wizard.state", "WizardState")``."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_")
    dotted = "___".join(("certportal", *module.split(".")))
    return f"{parent}.{dotted}____{snake}"


@dataclass
class Update:
    """One frame from the server: a delta and/or client-side events."""

    at: float
    delta: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]

    def redirect(self) -> str | None:
        for event in self.events:
            if event.get("name") == "_redirect":
                return str(event.get("payload", {}).get("path", ""))
        return None

    def value(self, state: str, var: str) -> Any:
        return self.delta.get(state, {}).get(f"{var}_rx_state_")


class Disconnected(ConnectionError):
    """The server closed the connection (or it broke)."""


@dataclass
class ReflexClient:
    """One browser tab: its own tab token, the person's session cookie, the current page."""

    base_url: str
    session_token: str = ""
    accept_language: str = "en-US,en;q=0.9"
    tab: str = field(default_factory=lambda: str(uuid.uuid4()))
    # the compiled page's per-state hashes (``compiled_state_hashes``): the browser sends them on
    # its first connect only, and then gets only the vars that differ from the compiled defaults
    hashes: list[str] | None = None
    path: str = "/"
    updates: asyncio.Queue[Update] = field(default_factory=asyncio.Queue)
    _ws: Any = None
    _reader: asyncio.Task[None] | None = None
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    # --- connection -----------------------------------------------------------------------

    def _url(self) -> str:
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}{NAMESPACE}/?token={self.tab}&EIO=4&transport=websocket"

    def _router(self, path: str) -> dict[str, Any]:
        route, _, query = path.partition("?")
        data: dict[str, Any] = {"pathname": route, "asPath": path}
        if query:
            data["query"] = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        return data

    async def connect(self, path: str = "/", timeout: float = 30) -> list[Update]:
        """Open the socket on ``path`` and wait for the page's state (hydrated)."""
        self.path = path
        self.closed.clear()
        headers = {"Accept-Language": self.accept_language}
        if self.session_token:
            headers["Cookie"] = f"{SESSION_COOKIE}={self.session_token}"
        try:
            self._ws = await asyncio.wait_for(
                websockets.connect(
                    self._url(),
                    origin=self.base_url,  # type: ignore[arg-type]
                    additional_headers=headers,
                    max_size=None,
                    ping_interval=None,
                    open_timeout=timeout,
                ),
                timeout,
            )
        except websockets.InvalidHandshake as exc:
            # the server went away mid-handshake (a worker killed): the browser tries again
            raise Disconnected(f"handshake failed: {exc}") from exc
        opening = await asyncio.wait_for(self._ws.recv(), timeout)
        if not str(opening).startswith("0"):
            raise ConnectionError(f"unexpected Engine.IO opening: {opening!r}")
        payload: dict[str, Any] = {}
        if self.hashes:
            payload["hashes"], self.hashes = self.hashes, None  # the first connect only
        boot = {
            "event": {
                "name": HYDRATE,
                "payload": payload,
                "router_data": self._router(path),
            }
        }
        await self._ws.send(f"40{NAMESPACE}," + json.dumps(boot))
        self._reader = asyncio.create_task(self._read())
        return await self.until(lambda u: u.value(ROOT, "is_hydrated") is True, timeout)

    async def _read(self) -> None:
        try:
            async for message in self._ws:
                text = str(message)
                if text == "2":  # Engine.IO ping from the server
                    await self._ws.send("3")
                    continue
                prefix = f"42{NAMESPACE},"
                if text.startswith(prefix):
                    name, payload = json.loads(text[len(prefix) :])[:2]
                    if name == "event":
                        await self.updates.put(
                            Update(
                                at=time.perf_counter(),
                                delta=payload.get("delta", {}),
                                events=payload.get("events", []),
                            )
                        )
        except (websockets.ConnectionClosed, OSError):
            pass
        finally:
            self.closed.set()

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(BaseException):
                await self._reader

    # --- events ---------------------------------------------------------------------------

    async def send(self, name: str, payload: dict[str, Any] | None = None) -> float:
        """Send an event from the current page; returns when it left (perf_counter)."""
        event: dict[str, Any] = {"name": name, "router_data": self._router(self.path)}
        if payload is not None:
            event["payload"] = payload
        sent = time.perf_counter()
        try:
            await self._ws.send(f"42{NAMESPACE}," + json.dumps(["event", event]))
        except (websockets.ConnectionClosed, OSError) as exc:
            raise Disconnected(str(exc)) from exc
        return sent

    async def until(self, done: Callable[[Update], bool], timeout: float = 30) -> list[Update]:
        """Collect updates until one satisfies ``done`` (that one included)."""
        seen: list[Update] = []
        deadline = time.perf_counter() + timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no matching update within {timeout} s on {self.path}")
            getter = asyncio.ensure_future(self.updates.get())
            closed = asyncio.ensure_future(self.closed.wait())
            finished, _ = await asyncio.wait(
                {getter, closed}, timeout=remaining, return_when=asyncio.FIRST_COMPLETED
            )
            if getter in finished:
                closed.cancel()
                update = getter.result()
                seen.append(update)
                if done(update):
                    return seen
                continue
            getter.cancel()
            closed.cancel()
            if closed in finished and self.updates.empty():
                raise Disconnected(f"connection closed on {self.path}")

    async def navigate(self, path: str, timeout: float = 30) -> list[Update]:
        """What the browser does after a redirect: run the page's on_load handlers (it has no
        cookie or storage var to send first); returns the updates up to the page being hydrated
        again."""
        self.path = path
        await self.send(ON_LOAD)
        return await self.until(lambda u: u.value(ROOT, "is_hydrated") is True, timeout)

    def drain(self) -> None:
        while not self.updates.empty():
            self.updates.get_nowait()


def compiled_state_hashes(web_dir: Path) -> list[str]:
    """The per-state hashes the built frontend in ``web_dir`` (``.web``) sends on its first
    connect, read from the compiled ``utils/context.jsx`` the bundle was built from."""
    text = (web_dir / "utils" / "context.jsx").read_text(encoding="utf-8")
    found = re.search(r"export const initialStateHashes = (\[[^\]]*\])", text)
    if found is None:
        raise ValueError(f"no initialStateHashes in {web_dir}/utils/context.jsx")
    return [str(h) for h in json.loads(found.group(1))]
