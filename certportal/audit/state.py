"""State for the admin audit-log page: filters and paging. Glue only; the service checks."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import reflex as rx

from certportal.audit import service
from certportal.audit.models import AuditEntry
from certportal.auth.state import page_load
from certportal.credentials.rules import parse_date
from certportal.i18n.formatting import format_datetime
from certportal.teams.state import AdminGuardState

PAGE_SIZE = 50


@dataclasses.dataclass
class AuditItem:
    id: int = 0
    at: dict[str, str] = dataclasses.field(default_factory=dict)
    actor: str = ""
    action: str = ""
    target: str = ""
    detail: str = ""


def _item(entry: AuditEntry) -> AuditItem:
    target = f"{entry.target_type} #{entry.target_id}" if entry.target_type else ""
    return AuditItem(
        id=entry.id or 0,
        at={k: format_datetime(entry.at, k) for k in ("ja", "en")},
        actor=entry.actor_label or "—",
        action=entry.action,
        target=target,
        detail="" if entry.detail == "{}" else entry.detail,
    )


def _day(text: str) -> date | None:
    try:
        return parse_date(text) if text.strip() else None
    except ValueError:
        return None


class AuditState(AdminGuardState):
    entries: list[AuditItem] = []
    actions: list[str] = []
    total: int = 0
    page: int = 0
    action: str = ""
    person: str = ""
    since: str = ""
    until: str = ""
    error: str = ""
    message: str = ""
    loaded: bool = False
    form_key: int = 0

    def _reload(self) -> None:
        query = service.AuditQuery(
            action=self.action,
            person=self.person,
            since=_day(self.since),
            until=_day(self.until),
            locale=self.locale,
        )
        with self._acting() as (session, actor):
            rows, total = service.search(
                session, actor=actor, query=query, limit=PAGE_SIZE, offset=self.page * PAGE_SIZE
            )
            self.actions = service.actions(session, actor=actor)
        self.entries = [_item(r) for r in rows]
        self.total = total
        self.loaded = True

    @rx.var
    def page_count(self) -> int:
        return max(1, (self.total + PAGE_SIZE - 1) // PAGE_SIZE)

    @rx.var
    def families(self) -> list[str]:
        """Action families ("credentials.") offered before the single actions."""
        return sorted({a.split(".", 1)[0] + "." for a in self.actions if "." in a})

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        self.page = 0
        return self._load_page()

    @rx.event
    def apply(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        self.action = str(form.get("action", "") or "")[:64]
        self.person = str(form.get("person", "") or "")[:100]
        self.since = str(form.get("since", "") or "")[:10]
        self.until = str(form.get("until", "") or "")[:10]
        bad = [d for d in (self.since, self.until) if d.strip() and _day(d) is None]
        self.page = 0
        result = self._run(lambda: None)
        if bad:
            self.error = self._tr("credentials.error.date_format")
        return result

    @rx.event
    def clear(self) -> rx.event.EventSpec | None:
        self.action = self.person = self.since = self.until = ""
        self.page = 0
        self.form_key += 1
        return self._run(lambda: None)

    @rx.event
    def go_page(self, delta: int) -> rx.event.EventSpec | None:
        self.page = min(max(0, self.page + delta), self.page_count - 1)
        return self._run(lambda: None)
