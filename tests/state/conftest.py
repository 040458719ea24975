"""Helpers for calling State handlers directly: a root state, its substates, the events."""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import Session

import certportal.certportal  # noqa: F401  (registers every state and page)
from certportal.auth import service as auth_service
from certportal.auth.rules import SESSION_COOKIE, cookie_value
from certportal.auth.state import AppState

PASSWORD = "correct horse battery"


def run(result: Any) -> list[Any]:
    """Every event a handler yields or returns, in order."""
    if inspect.isgenerator(result):
        return [e for e in result if e is not None]
    return [result] if result is not None else []


def run_async(handler_call: Any) -> Any:
    """What an async handler returns, run to the end on a loop of its own in a thread (the
    browser tests' Playwright keeps an event loop running in this one)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, handler_call).result()


def redirect_target(events: list[Any]) -> str | None:
    """Where an ``rx.redirect`` among the events goes (None if there is none)."""
    for event in events:
        if getattr(event.handler.fn, "__qualname__", "") != "_redirect":
            continue
        for name, value in event.args:
            if name._js_expr == "path":
                return str(value._var_value)
    return None


def navigation_target(events: list[Any]) -> str | None:
    """Where a full navigation (``auth.state``'s ``window.location.replace``, to the routes that
    set or clear the session cookie) among the events goes (None if there is none)."""
    for event in events:
        if getattr(event.handler.fn, "__qualname__", "") != "_call_script":
            continue
        for name, value in event.args:
            if name._js_expr != "javascript_code":
                continue
            match = re.search(r"window\.location\.replace\((\"[^\"]*\")\)", str(value._var_value))
            if match:
                return str(json.loads(match.group(1)))
    return None


def cookie_set_by_script(events: list[Any], name: str) -> str:
    """The value a script among the events gives cookie ``name`` via ``document.cookie``."""
    for event in events:
        for arg, value in getattr(event, "args", ()):
            if arg._js_expr != "javascript_code":
                continue
            for literal in re.findall(r"document\.cookie = (\"[^\"]*\")", str(value._var_value)):
                first = json.loads(literal).split(";", 1)[0]
                key, _, found = first.partition("=")
                if key == name:
                    return found
    return ""


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.fixture
def root(engine: Engine) -> Iterator[State]:
    state = State(_reflex_internal_init=True)
    app = state.substates[AppState.get_name()]
    app._lang_choice = "en"
    app._apply_locale("en")
    yield state


def sub(root: State, cls: type[AppState]) -> Any:
    app = root.substates[AppState.get_name()]
    if cls is AppState:
        return app
    path = [c for c in cls.__mro__ if isinstance(c, type) and issubclass(c, AppState)]
    node: Any = app
    for c in reversed(path[:-1]):
        node = node.substates[c.get_name()]
    return node


def token_for(session: Session, email: str) -> str:
    return auth_service.sign_in(session, email=email, password=PASSWORD).token


def _browser(path: str, accept_language: str, cookie: str) -> RouterData:
    route, _, query = path.partition("?")
    data: dict[str, Any] = {
        "pathname": route,
        "asPath": path,
        "headers": {
            "origin": "http://localhost:3000",
            "accept-language": accept_language,
            "cookie": cookie,
        },
    }
    if query:
        data["query"] = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
    return RouterData.from_router_data(data)


def on_page(root: State, path: str, accept_language: str = "en-US,en;q=0.9") -> None:
    """The browser is on ``path`` (what Reflex sets from each event's router data); its
    cookies stay as they were."""
    root.router = _browser(path, accept_language, root.router.headers.cookie)


def use_cookies(state: State, cookie: str) -> None:
    """The browser's ``Cookie`` header (what its websocket's handshake carried)."""
    router = state.router
    path = router.url.path or "/"
    if router.url.query:
        path = f"{path}?{router.url.query}"
    state.router = _browser(path, router.headers.accept_language or "en-US,en;q=0.9", cookie)


def signed_in_on(root: State, session: Session, cls: type[AppState], email: str, path: str) -> Any:
    """``cls``'s state for a browser signed in as ``email`` (an existing account) on ``path``."""
    state = sub(root, cls)
    use_session(state, token_for(session, email))
    session.commit()
    on_page(root, path)
    return state


def use_session(state: State, token: str) -> None:
    """The browser's session cookie holds ``token`` ('' = no cookie)."""
    use_cookies(state, f"{SESSION_COOKIE}={token}" if token else "")


def cookie_token(state: State) -> str:
    """The session token the browser's cookie holds."""
    return cookie_value(state.router.headers.cookie, SESSION_COOKIE)
