"""State for the team pages. Glue only: the service counts and checks who may see whom; the
present module builds the views.

URLs: ``/team`` (members), ``/team/members/<id>``, ``/team/skilling``, ``/me/lead-view``,
``/admin/skilling`` (settings).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from certportal.auth.state import AppState, page_load
from certportal.cases.present import CaseItem
from certportal.cases.state import refresh_list, summary_item
from certportal.errors import AuthError, CertportalError
from certportal.i18n.formatting import local_today
from certportal.knowledge import service as knowledge
from certportal.skilling import settings as skilling_settings
from certportal.team import present, service
from certportal.team.present import (
    DesignationItem,
    MemberCredItem,
    RowItem,
    WhatIfItem,
)
from certportal.team.service import STATUSES, TeamQuery


def _number(text: str) -> int:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 9 else 0


def _guarded(state: Any, fill: Callable[[], None]) -> rx.event.EventSpec | None:
    """Fill a team page; a refusal (a member, not a lead) is shown instead of the data."""

    def fill_then_done() -> None:
        try:
            fill()
        finally:
            state.loaded = True

    return refresh_list(state, fill_then_done)


class TeamState(AppState):
    rows: list[RowItem] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    search: str = ""
    status: str = ""
    designation: str = ""
    sort: str = "name"
    designations: list[present.Option] = []
    loaded: bool = False
    error: str = ""

    def _query(self) -> TeamQuery:
        return TeamQuery(
            search=self.search,
            status=self.status,
            designation=self.designation,
            sort=self.sort,
            page=self.page,
        )

    def _fill(self) -> None:
        today = local_today(self.locale)
        with self._acting() as (session, actor):
            found = service.team_page(session, actor=actor, query=self._query(), today=today)
            _, bundle = knowledge.active(session)
        self.rows = [present.row_item(r, bundle) for r in found.rows]
        self.total, self.page, self.pages = found.total, found.page, found.pages
        self.designations = [
            present.Option(value=k, label=v) for k, v in present.designation_names(bundle).items()
        ]

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        query = self.router.url.query_parameters
        self.status = query.get("status", "") if query.get("status") in STATUSES else ""
        self.page = 1
        return _guarded(self, self._fill)

    @rx.event
    def set_filter(self, name: str, value: str) -> rx.event.EventSpec | None:
        value = str(value)[:64]
        if name == "status":
            self.status = value if value in STATUSES else ""
        elif name == "designation":
            self.designation = value if value in {o.value for o in self.designations} else ""
        elif name == "sort":
            self.sort = value if value in service.SORTS else "name"
        else:
            return None
        self.page = 1
        return _guarded(self, self._fill)

    @rx.event
    def run_search(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        self.search = str(form.get("search", "") or "")[:100]
        self.page = 1
        return _guarded(self, self._fill)

    @rx.event
    def go(self, page: int) -> rx.event.EventSpec | None:
        self.page = max(1, min(int(page), self.pages))
        return _guarded(self, self._fill)

    @rx.event
    def export(self) -> rx.event.EventSpec | None:
        try:
            with self._acting() as (session, actor):
                text = service.export_team_csv(
                    session, actor=actor, query=self._query(), today=local_today(self.locale)
                )
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        name = f"certportal-team-{local_today(self.locale).isoformat()}.csv"
        return rx.download(data=text, filename=name, mime_type="text/csv;charset=utf-8")


class MemberState(AppState):
    user_id: int = 0
    name: str = ""
    email: str = ""
    teams: str = ""
    credentials: list[MemberCredItem] = []
    cases: list[CaseItem] = []
    hidden: int = 0
    missing: bool = False
    loaded: bool = False
    error: str = ""

    def _show(self, detail: service.MemberDetail, bundle: Any) -> None:
        today = local_today(self.locale)
        self.user_id = detail.user_id
        self.name, self.email = detail.name, detail.email
        self.teams = ", ".join(detail.teams)
        self.credentials = [present.member_cred_item(c, bundle) for c in detail.credentials]
        self.cases = [summary_item(c, today) for c in detail.cases]
        self.hidden = detail.hidden

    def _load(self, fetch: Callable[[Any, Any], service.MemberDetail]) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.loaded = self.missing = False
        self.error = ""
        try:
            with self._acting() as (session, actor):
                detail = fetch(session, actor)
                _, bundle = knowledge.active(session)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.missing = True
            self.error = self._error_text(exc)
            self.loaded = True
            return None
        self._show(detail, bundle)
        self.loaded = True
        return None

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        parts = [p for p in self.router.url.path.split("/") if p]
        user_id = _number(parts[2]) if len(parts) > 2 else 0
        today = local_today(self.locale)
        return self._load(
            lambda session, actor: service.member_detail(
                session, actor=actor, user_id=user_id, today=today
            )
        )

    @rx.event
    @page_load
    def load_mine(self) -> rx.event.EventSpec | None:
        today = local_today(self.locale)
        return self._load(
            lambda session, actor: service.what_my_lead_sees(session, actor=actor, today=today)
        )


class SkillingState(AppState):
    designations: list[DesignationItem] = []
    what_if: list[WhatIfItem] = []
    not_scoring: list[present.Option] = []
    history: present.History = present.History()
    loaded: bool = False
    error: str = ""

    def _fill(self) -> None:
        today = local_today(self.locale)
        with self._acting() as (session, actor):
            found = service.panel(session, actor=actor, today=today)
        bundle = found.bundle
        self.designations = present.designation_items(
            bundle, found.now, found.possible, found.settings.targets
        )
        self.what_if = [present.what_if_item(w, bundle) for w in found.what_if]
        self.not_scoring = [
            present.Option(value=cert, label=present.both(str(holders)))
            for cert, holders in found.not_scoring
        ]
        self.history = present.history(bundle, found.history)

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        return _guarded(self, self._fill)

    @rx.event
    def export(self) -> rx.event.EventSpec | None:
        try:
            with self._acting() as (session, actor):
                text = service.export_skilling_csv(
                    session, actor=actor, today=local_today(self.locale)
                )
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        name = f"certportal-skilling-{local_today(self.locale).isoformat()}.csv"
        return rx.download(data=text, filename=name, mime_type="text/csv;charset=utf-8")


class SkillingSettingsState(AppState):
    areas: list[str] = []
    tracks: dict[str, str] = {}
    targets: dict[str, str] = {}
    designations: list[present.Option] = []
    version: int = 0
    form_key: int = 0
    loaded: bool = False
    error: str = ""
    saved: bool = False

    def _fill(self) -> None:
        with self._acting() as (session, _actor):
            settings, self.version = service.read_settings(session)
            _, bundle = knowledge.active(session)
        self.areas = skilling_settings.areas(bundle)
        self.tracks = {a: settings.tracks.get(a, "enterprise") for a in self.areas}
        self.designations = [
            present.Option(value=k, label=v) for k, v in present.designation_names(bundle).items()
        ]
        self.targets = {
            o.value: present.points(settings.targets[o.value])
            if o.value in settings.targets
            else ""
            for o in self.designations
        }
        self.form_key += 1

    @rx.event
    def load(self) -> rx.event.EventSpec | None:
        self.saved = False
        return _guarded(self, self._fill)

    @rx.event
    def save(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        sent = {a: str(form.get(f"track_{a}", "") or "")[:20] for a in self.areas}
        tracks = {a: v for a, v in sent.items() if v}  # an area left out keeps the default
        targets = {
            o.value: str(form.get(f"target_{o.value}", "") or "")[:10] for o in self.designations
        }
        self.saved = False
        self.error = ""
        try:
            with self._acting() as (session, actor):
                service.save_settings(
                    session, actor=actor, tracks=tracks, targets=targets, version=self.version
                )
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            # keep what was typed
            self.tracks = {a: sent[a] or self.tracks.get(a, "enterprise") for a in self.areas}
            self.targets = targets
            self.form_key += 1
            self.error = self._error_text(exc)
            return None
        self.saved = True
        return _guarded(self, self._fill)
