"""Helpers for calling State handlers directly: a root state, its substates, the events."""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from reflex.istate.data import RouterData
from reflex.state import State
from sqlalchemy.engine import Engine
from sqlmodel import Session

import certportal.certportal  # noqa: F401  (registers every state and page)
from certportal.auth import service as auth_service
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


@pytest.fixture
def root(engine: Engine) -> Iterator[State]:
    state = State(_reflex_internal_init=True)
    app = state.substates[AppState.get_name()]
    app.lang_cookie = "en"
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


def on_page(root: State, path: str, accept_language: str = "en-US,en;q=0.9") -> None:
    """The browser is on ``path`` (what Reflex sets from each event's router data)."""
    root.router = RouterData.from_router_data(
        {
            "pathname": path,
            "asPath": path,
            "headers": {"origin": "http://localhost:3000", "accept-language": accept_language},
        }
    )
