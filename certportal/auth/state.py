"""Root state: the session, the language, and who is signed in.

Handlers only glue: they call :mod:`certportal.auth.service` and the i18n catalog. Secrets never
reach the client's scripts: the session token is an HttpOnly cookie (set and cleared only by
``certportal.api.session``) that the server reads from the websocket's handshake; it is not kept
in the page state either. The role shown here is for display only: every service call
re-authenticates from the token.
"""

from __future__ import annotations

import contextvars
import functools
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import quote

import reflex as rx
from sqlmodel import Session

from certportal.auth import rules as auth_rules
from certportal.auth import service as auth_service
from certportal.auth.policy import Principal
from certportal.db import Connection, session_scope, statement_scope
from certportal.errors import AuthError, CertportalError, Unavailable
from certportal.i18n.catalog import (
    locale_from_accept_language,
    messages,
    normalize_locale,
    translate,
)
from certportal.settings import get_settings

_settings = get_settings()

_S = TypeVar("_S", bound="AppState")
_R = TypeVar("_R")

# Who the running page_load authenticated, for the handler's own ``_acting()`` in the same
# call: the session is checked once per page load, not twice. Set only while a page_load's
# handler runs (it is synchronous), so no later event can see it.
_PAGE_ACTOR: contextvars.ContextVar[Principal | None] = contextvars.ContextVar(
    "certportal_page_actor", default=None
)
PageLoad = Callable[[_S], "rx.event.EventSpec | None"]


def page_load(fn: PageLoad[_S]) -> PageLoad[_S]:
    """A page's on_load handler that checks the session itself, first: nobody signed in → to
    sign-in (and back); database down → nothing (the page says so); else the handler runs.
    ``ui.layout.page`` then registers it alone — one event per page change instead of a guard
    event (state lock, state read and written) before it. Put it under ``@rx.event``."""

    @functools.wraps(fn)
    def load(self: _S) -> rx.event.EventSpec | None:
        actor, elsewhere = self._guard_in_load()
        if actor is None:
            return elsewhere
        self._page_actor(actor)
        with checked_as(actor):
            return fn(self)

    return checks_session(load)


_F = TypeVar("_F", bound=Callable[..., Any])


def checks_session(fn: _F) -> _F:
    """Marks a page's only load handler as checking the session itself (``ui.layout.page``
    then registers no guard event before it)."""
    fn.checks_session = True  # type: ignore[attr-defined]
    return fn


@contextmanager
def checked_as(actor: Principal) -> Iterator[None]:
    """While the body runs, ``_acting()`` uses ``actor`` (authenticated a moment ago by a page's
    load) instead of authenticating again."""
    token = _PAGE_ACTOR.set(actor)
    try:
        yield
    finally:
        _PAGE_ACTOR.reset(token)


# What the banner above every page can say (message keys). The banner's text is compiled into
# the pages for these keys only (``ui.text.t_var``), so a notice is set with ``_notify``.
NOTICES: tuple[str, ...] = (
    "auth.handoff_late",
    "auth.signed_out",
    "auth.signed_out_everywhere",
    "error.session_expired",
    "mydata.delete.done",
)
_PUBLIC_ROUTES = ("/login", "/signup")


_SECURE = _settings.secure_cookies
SESSION_COOKIE = auth_rules.cookie_name(auth_rules.SESSION_COOKIE, secure=_SECURE)
HANDOFF_COOKIE = auth_rules.cookie_name(auth_rules.HANDOFF_COOKIE, secure=_SECURE)
OIDC_COOKIE = auth_rules.cookie_name(auth_rules.OIDC_COOKIE, secure=_SECURE)


def _navigate(url: str, *cookies: str, keep_history: bool = False) -> rx.event.EventSpec:
    """A full navigation (to one of our HTTP routes, which set or clear the session cookie, or to
    the identity provider), not a move between pages: the next page opens a new websocket that
    carries the new cookies. ``cookies`` (``_cookie``) are set first."""
    go = "assign" if keep_history else "replace"
    return rx.call_script("; ".join([*cookies, f"window.location.{go}({json.dumps(url)})"]))


def enter_with(handoff: auth_service.Handoff, next_path: str) -> rx.event.EventSpec:
    """To ``/api/auth/session``: this browser trades the hand-off for its session cookie. The
    binding goes in a strict same-site cookie for a minute (the route drops it); the code in the
    URL."""
    target = quote(auth_rules.safe_next(next_path), safe="")
    query = f"code={quote(handoff.code, safe='')}&next={target}"
    binding = _cookie(
        HANDOFF_COOKIE,
        handoff.binding,
        path="/",
        seconds=int(auth_rules.HANDOFF_TTL.total_seconds()),
        same_site="strict",
    )
    url = f"{auth_rules.HANDOFF_PATH}?{query}"
    # a Microsoft sign-in's binding has done its work (and would only travel with every page)
    done = _cookie(OIDC_COOKIE, "", path="/", seconds=0, same_site="lax")
    return _navigate(url, binding, done)


def _cookie(name: str, value: str, *, path: str, seconds: int, same_site: str) -> str:
    """A ``document.cookie`` assignment (JavaScript) for a cookie only our pages' scripts set."""
    secure = "; secure" if _settings.secure_cookies else ""
    text = f"{name}={value}; path={path}; max-age={seconds}; samesite={same_site}{secure}"
    return f"document.cookie = {json.dumps(text)}"


def to_provider(started: Any) -> rx.event.EventSpec:
    """Off to Microsoft's sign-in (``oidc.Started``), keeping this attempt's binding in a cookie
    the callback page's websocket sends back (lax: the return is a top-level navigation)."""
    from certportal.auth.oidc import ATTEMPT_MINUTES

    binding = _cookie(
        OIDC_COOKIE,
        started.binding,
        path="/",
        seconds=ATTEMPT_MINUTES * 60,
        same_site="lax",
    )
    return _navigate(started.url, binding, keep_history=True)


def leave(next_path: str = "") -> rx.event.EventSpec:
    """To ``/api/auth/signed-out``: the cookie's session is ended and the cookie cleared, then
    sign-in (and on to ``next_path`` after signing in again)."""
    target = auth_rules.safe_next(next_path)
    if target != "/":
        return _navigate(f"/api/auth/signed-out?next={quote(target, safe='')}")
    return _navigate("/api/auth/signed-out")


class AppState(rx.State):
    locale: str = _settings.default_locale
    # The language chosen in this tab (it overrides the language cookie the websocket was opened
    # with: the cookie set by ``set_language`` reaches the server with the next page load).
    _lang_choice: str = ""
    # A session token this tab found ended: treated as none until the cookie changes.
    _dead_token: str = ""

    auth_checked: bool = False
    # the session could not be checked because the database is down: the page says so
    unavailable: bool = False
    signed_in: bool = False
    user_id: int = 0
    user_name: str = ""
    user_email: str = ""
    user_role: str = ""
    notice: str = ""
    worker: str = ""
    confirm_everywhere: bool = False
    # echoed by `probe`: the framework's floor in the latency benchmark (bench/event_latency.py)
    probe_seen: int = 0

    @rx.var
    def role_label(self) -> str:
        return messages(self.locale).get(f"role.{self.user_role}", "")

    # --- helpers (backend only) ---------------------------------------------------------

    def _apply_locale(self, locale: str) -> None:
        locale = normalize_locale(locale, _settings.default_locale)
        if locale != self.locale:
            self.locale = locale

    def _notify(self, key: str) -> None:
        if key not in NOTICES:
            raise ValueError(f"not a notice the banner can show: {key}")
        self.notice = key

    def _tr(self, key: str, **params: Any) -> str:
        return translate(self.locale, key, **params)

    def _error_text(self, exc: CertportalError) -> str:
        return self._tr(exc.key, **exc.params)

    def _assign(self, **values: Any) -> None:
        """Set these vars, leaving alone those that hold the value already: a var assigned even
        to the same value counts as changed — it is sent to the page again and the computed vars
        that read it are worked out again — and every page load sets the same few."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _forget_user(self) -> None:
        self._assign(signed_in=False, user_id=0, user_name="", user_email="", user_role="")

    def _remember(self, principal: Principal) -> None:
        self._assign(
            signed_in=True,
            user_id=principal.user_id,
            user_name=principal.display_name,
            user_email=principal.email,
            user_role=principal.role.value,
        )

    def _cookie_token(self) -> str:
        """The session token in the cookie the websocket's handshake carried ('' if none)."""
        return auth_rules.cookie_value(self.router.headers.cookie, SESSION_COOKIE)

    def _session_token(self) -> str:
        """The session token the browser's cookie carries ('' if none, or one found ended)."""
        token = self._cookie_token()
        return "" if token == self._dead_token else token

    def _forget_token(self) -> None:
        """This tab stops using the cookie's token (ended, or signed out): until a new sign-in
        brings another, the pages act as if there were none."""
        token = self._cookie_token()
        if token and token != self._dead_token:
            self._dead_token = token

    def _identify(self) -> Principal | None:
        """Who the cookie belongs to (None if nobody); sets the language accordingly."""
        if _settings.expose_worker_id:
            self.worker = str(os.getpid())
        principal: Principal | None = None
        token = self._session_token()
        had_token = bool(token)
        self._assign(unavailable=False)
        if had_token:
            try:
                principal = self._quiet_principal(token)
                if principal is None:
                    with session_scope() as session:
                        principal = auth_service.authenticate(session, token=token)
            except AuthError:
                principal = None
            except Unavailable:
                # the database is down: say so (in the language the browser asks for) instead of
                # signing the person out or leaving the page loading; the session is kept
                self.unavailable = True
                self._apply_locale(self._browser_locale())
                raise
        if principal is None:
            if had_token:
                self._forget_token()
                self._notify("error.session_expired")
            self._forget_user()
        else:
            self._remember(principal)
        self._apply_locale((principal.locale if principal else None) or self._browser_locale())
        self._assign(auth_checked=True)
        return principal

    @staticmethod
    def _one_read(read: Callable[[Connection], _R | None]) -> _R | None:
        """A read of its own on the statement pool (no ping, no BEGIN or COMMIT), for the common
        case of a hot path; None sends the caller the long way, which also says what is wrong —
        also when the database cannot be reached (perhaps only this pool's connection was
        broken: the long way pings)."""
        try:
            with statement_scope() as connection:
                return read(connection)
        except Unavailable:
            return None

    def _quiet_principal(self, token: str) -> Principal | None:
        """The session check of a page load in one read (``auth_service.quiet_authenticate``);
        None: the long way, which refuses or records that the session was seen."""
        return self._one_read(lambda c: auth_service.quiet_authenticate(c, token=token))

    def _browser_locale(self) -> str:
        """The language chosen in this tab or browser (cookie), else the one it asks for."""
        chosen = self._lang_choice or auth_rules.cookie_value(
            self.router.headers.cookie, auth_rules.LANG_COOKIE
        )
        return chosen or locale_from_accept_language(
            self.router.headers.accept_language, _settings.default_locale
        )

    @contextmanager
    def _acting(self) -> Iterator[tuple[Session, Principal]]:
        """A database session and the authenticated principal, committing on success."""
        with session_scope() as session:
            principal = _PAGE_ACTOR.get()  # checked a moment ago by this page's load
            if principal is None:
                principal = auth_service.authenticate(session, token=self._session_token())
            yield session, principal

    def _login_redirect(self) -> rx.event.EventSpec:
        path = self.router.url.path or "/"
        if self._cookie_ended():  # on the way, the browser drops the ended session's cookie
            return leave(path)
        target = "/login" if path in ("/", "") else f"/login?next={quote(path)}"
        return rx.redirect(target)

    def _cookie_ended(self) -> bool:
        """The browser's cookie carries a session token this tab found ended."""
        token = self._cookie_token()
        return bool(token) and token == self._dead_token

    @contextmanager
    def _acting_as(self, principal: Principal) -> Iterator[tuple[Session, Principal]]:
        """Like :meth:`_acting`, for a handler that authenticated earlier in this same event
        (:meth:`_guard_in_load`): the check is not made twice."""
        with session_scope() as session:
            yield session, principal

    def _page_actor(self, principal: Principal) -> None:
        """What a page's guard learns besides who it is (the admin pages: whether allowed)."""

    def _guard_in_load(self) -> tuple[Principal | None, rx.event.EventSpec | None]:
        """The member guard's work, done by a page's load handler itself (load handlers
        marked ``checks_session``): one event fewer on every page change. Who is signed in, or
        — for nobody — where to go instead (sign in; or nowhere while the database is down: the
        page says so)."""
        try:
            principal = self._identify()
        except Unavailable:
            return None, None
        if principal is None:
            return None, self._login_redirect()
        return principal, None

    @contextmanager
    def _statement(self) -> Iterator[Connection]:
        """A database connection for one statement that authenticates by itself (see
        ``db.statement_scope``): for the few hot events whose service does that."""
        with statement_scope() as connection:
            yield connection

    def _one_statement(self, call: Callable[[Connection, str], _R | None]) -> _R | None:
        """A service's one-statement way on :meth:`_statement` (it authenticates by itself,
        given the session token); None: the long way, which says what is wrong."""
        try:
            with self._statement() as connection:
                return call(connection, self._session_token())
        except CertportalError:
            return None

    def _on_auth_error(self) -> rx.event.EventSpec:
        self._forget_token()
        self._forget_user()
        self._notify("error.session_expired")
        return leave() if self._cookie_ended() else rx.redirect("/login")

    # --- page guards ------------------------------------------------------------------------

    @rx.event
    def load_public(self) -> rx.event.EventSpec | None:
        """Sign-in and sign-up pages: already signed in → go where you were going."""
        try:
            principal = self._identify()
        except Unavailable:
            # the form is shown anyway: signing in says itself that the database is down
            self.unavailable = False
            self.auth_checked = True
            return None
        if principal is not None:
            return rx.redirect(auth_rules.safe_next(self.router.url.query_parameters.get("next")))
        if self.router.url.query_parameters.get("handoff"):
            self._notify("auth.handoff_late")
        return None

    @rx.event
    def require_member(self) -> rx.event.EventSpec | None:
        try:
            principal = self._identify()
        except Unavailable:
            return None  # the page says the database cannot be reached (``unavailable``)
        if principal is None:
            return self._login_redirect()
        return None

    # --- actions ----------------------------------------------------------------------------

    @rx.event
    def probe(self, number: int) -> None:
        """Echo a number and do nothing else: the cheapest event a page can send, which the
        latency benchmark compares every other event with. Reads and writes nothing."""
        self.probe_seen = number if isinstance(number, int) else 0

    @rx.event
    def set_language(self, locale: str) -> rx.event.EventSpec:
        self._apply_locale(locale)
        self._lang_choice = self.locale
        remember = self._lang_cookie_script()
        if not self.signed_in:
            return remember
        try:
            with self._acting() as (session, actor):
                auth_service.set_locale(
                    session, actor=actor, user_id=actor.user_id, locale=self.locale
                )
        except CertportalError:
            pass  # the choice still holds in this browser through the cookie
        return remember

    def _lang_cookie_script(self) -> rx.event.EventSpec:
        """The language cookie, for this browser's next visits (not a secret: a page may read
        it; the server reads it from the next websocket handshake)."""
        return rx.call_script(
            _cookie(
                auth_rules.LANG_COOKIE,
                self.locale,
                path="/",
                seconds=365 * 24 * 3600,
                same_site="lax",
            )
        )

    @rx.event
    def sign_out(self) -> rx.event.EventSpec:
        token = self._session_token()
        if token:
            with session_scope() as session:
                auth_service.sign_out(session, token=token)
        return self._signed_out("auth.signed_out")

    @rx.event
    def leave_deleted_account(self) -> rx.event.EventSpec:
        """After "delete my account" (``MyDataState``): every page of this tab forgotten — an
        event of this state loads them all — then out, saying the data is gone. Its session rows
        went with the account: there is nothing left to end."""
        return self._signed_out("mydata.delete.done")

    @rx.event
    def ask_sign_out_everywhere(self) -> None:
        self.confirm_everywhere = True

    @rx.event
    def cancel_sign_out_everywhere(self) -> None:
        self.confirm_everywhere = False

    @rx.event
    def sign_out_everywhere(self) -> rx.event.EventSpec:
        self.confirm_everywhere = False
        try:
            with self._acting() as (session, actor):
                auth_service.sign_out_everywhere(session, actor=actor)
        except AuthError:
            return self._on_auth_error()
        return self._signed_out("auth.signed_out_everywhere")

    def _signed_out(self, notice: str) -> rx.event.EventSpec:
        # forget everything the pages held for this person (forms, support texts), keeping only
        # the language: the next person on this browser starts clean
        locale, lang = self.locale, self._lang_choice
        self.reset()
        self._apply_locale(locale)
        self._lang_choice = lang
        self._forget_token()
        self._forget_user()
        self._notify(notice)
        return leave()


class SignInState(AppState):
    error: str = ""
    busy: bool = False
    microsoft: bool = _settings.oidc_enabled
    local: bool = _settings.local_accounts

    @rx.event
    def clear(self) -> None:
        self.error = ""
        settings = get_settings()
        self.microsoft, self.local = settings.oidc_enabled, settings.local_accounts

    @rx.event
    def with_microsoft(self) -> rx.event.EventSpec | None:
        """Off to the identity provider; it sends the browser back to /auth/callback."""
        from certportal.auth import oidc

        self.error = ""
        try:
            with session_scope() as session:
                started = oidc.begin(
                    session,
                    next_path=auth_rules.safe_next(self.router.url.query_parameters.get("next")),
                )
        except AuthError as exc:
            self.error = self._error_text(exc)
            return None
        return to_provider(started)

    @rx.event
    def submit(self, form: dict[str, Any]) -> Iterator[rx.event.EventSpec | None]:
        self.error = ""
        self.notice = ""
        self.busy = True
        yield None
        email = str(form.get("email", ""))[:400]
        password = str(form.get("password", ""))[:400]
        try:
            with session_scope() as session:
                signed = auth_service.sign_in(session, email=email, password=password)
                handoff = auth_service.hand_off(session, token=signed.token)
        except AuthError as exc:
            if exc.key == "error.bad_credentials":
                with session_scope() as session:
                    auth_service.record_failure(session, email=email)
            self.error = self._error_text(exc)
            self.busy = False
            return
        self.busy = False
        self._remember(signed.principal)
        if signed.principal.locale:
            self._apply_locale(signed.principal.locale)
        yield enter_with(handoff, self.router.url.query_parameters.get("next") or "/")


class SignUpState(AppState):
    error: str = ""
    field: str = ""
    busy: bool = False

    @rx.event
    def submit(self, form: dict[str, Any]) -> Iterator[rx.event.EventSpec | None]:
        self.error = ""
        self.field = ""
        if str(form.get("password", "")) != str(form.get("password_confirm", "")):
            self.error = self._tr("error.password_mismatch")
            self.field = "password_confirm"
            return
        self.busy = True
        yield None
        try:
            with session_scope() as session:
                signed = auth_service.sign_up(
                    session,
                    email=str(form.get("email", "")),
                    display_name=str(form.get("display_name", "")),
                    password=str(form.get("password", "")),
                    locale=self.locale,
                )
                handoff = auth_service.hand_off(session, token=signed.token)
        except CertportalError as exc:
            self.error = self._error_text(exc)
            self.field = exc.field or ""
            self.busy = False
            return
        self.busy = False
        self._remember(signed.principal)
        yield enter_with(handoff, "/")


class CallbackState(AppState):
    """``/auth/callback``: the identity provider sends the browser back here; on_load completes
    the exchange server-side and starts our own session (the provider's tokens stay here)."""

    error: str = ""
    done: bool = False

    @rx.event
    def complete(self) -> rx.event.EventSpec | None:
        from certportal.auth import oidc

        query = self.router.url.query_parameters
        self.error = ""
        self.done = False
        if query.get("error"):
            self.error = self._tr("auth.oidc.error.provider_refused")
            self.done = True
            return None
        try:
            with session_scope() as session:
                completed = oidc.complete(
                    session,
                    state=str(query.get("state", "") or ""),
                    code=str(query.get("code", "") or ""),
                    binding=auth_rules.cookie_value(self.router.headers.cookie, OIDC_COOKIE),
                )
                handoff = (
                    auth_service.hand_off(session, token=completed.signed_in.token)
                    if completed.signed_in is not None
                    else None
                )
        except AuthError as exc:
            with session_scope() as session:
                oidc.record_failure(session, reason=exc.key)
            self.error = self._error_text(exc)
            self.done = True
            return None
        self.done = True
        if completed.signed_in is None:  # an identity was linked to the signed-in person
            return rx.redirect("/me/data?linked=1")
        assert handoff is not None
        self._remember(completed.signed_in.principal)
        if completed.signed_in.principal.locale:
            self._apply_locale(completed.signed_in.principal.locale)
        return enter_with(handoff, completed.next_path)
