"""State for the admin knowledge page: browse entries, upload → validate → diff → publish,
versions and roll back. Glue only: the knowledge service validates, stores and audits."""

from __future__ import annotations

import dataclasses

import reflex as rx

from certportal.auth.state import page_load
from certportal.errors import AuthError, CertportalError
from certportal.i18n.formatting import format_datetime, local_today
from certportal.knowledge import service
from certportal.knowledge.browse import entries
from certportal.knowledge.schema import KINDS, KnowledgeError
from certportal.teams.state import AdminGuardState
from certportal.wizard.present import L, dates, loc


@dataclasses.dataclass
class EntryItem:
    kind: str = ""
    id: str = ""
    title: L = dataclasses.field(default_factory=dict)
    checked_on: L = dataclasses.field(default_factory=dict)
    stale: bool = False
    source_url: str = ""
    source_label: L = dataclasses.field(default_factory=dict)
    source_count: int = 0


@dataclasses.dataclass
class VersionItem:
    id: int = 0
    number: int = 0
    created: L = dataclasses.field(default_factory=dict)
    by: str = ""
    note: str = ""
    kind: str = ""
    active: bool = False


class KnowledgeAdminState(AdminGuardState):
    entries: list[EntryItem] = []
    versions: list[VersionItem] = []
    active_number: int = 0
    kind_filter: str = "all"
    stale_only: bool = False
    stale_total: int = 0
    error: str = ""
    message: str = ""
    # the upload being reviewed
    upload_name: str = ""
    upload_kind: str = ""
    upload_errors: list[str] = []
    changes: list[str] = []
    note: str = ""
    _upload_text: str = ""
    _upload_base: int = 0
    # confirmation of a roll back
    confirm_id: int = 0
    confirm_number: int = 0

    @rx.var
    def shown_entries(self) -> list[EntryItem]:
        return [
            e
            for e in self.entries
            if (self.kind_filter == "all" or e.kind == self.kind_filter)
            and (e.stale or not self.stale_only)
        ]

    def _reload(self) -> None:
        today = local_today(self.locale)
        with self._acting() as (session, actor):
            versions = service.list_versions(session, actor=actor)
            active, bundle = service.active(session)
        rows = entries(bundle, today)
        self.entries = [
            EntryItem(
                kind=e.kind,
                id=e.id,
                title=loc(e.title),
                checked_on=dates(e.checked_on),
                stale=e.stale,
                source_url=e.sources[0].url or "",
                source_label=loc(e.sources[0].label),
                source_count=len(e.sources),
            )
            for e in rows
        ]
        self.stale_total = sum(1 for e in rows if e.stale)
        self.active_number = active.number
        self.versions = [
            VersionItem(
                id=v.id or 0,
                number=v.number,
                created={k: format_datetime(v.created_at, k) for k in ("ja", "en")},
                by=v.created_by_label,
                note=v.note,
                kind=v.changed_kind,
                active=v.id == active.id,
            )
            for v in versions
        ]

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        self._clear_upload()
        return self._load_page()

    @rx.event
    def set_kind_filter(self, value: str) -> None:
        self.kind_filter = (
            value
            if value
            in ("all", "certification", "designation", "question", "outcome", "warning", "channel")
            else "all"
        )

    @rx.event
    def set_stale_only(self, value: bool) -> None:
        self.stale_only = bool(value)

    @rx.event
    def set_note(self, value: str) -> None:
        self.note = value[:500]

    def _clear_upload(self) -> None:
        self.upload_name = ""
        self.upload_kind = ""
        self.upload_errors = []
        self.changes = []
        self.note = ""
        self._upload_text = ""
        self._upload_base = 0

    @rx.event
    def cancel_upload(self) -> None:
        self._clear_upload()

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> rx.event.EventSpec | None:
        self._clear_upload()
        self.error = ""
        self.message = ""
        if not files:
            return None
        upload = files[0]
        name = (upload.name or "upload.json").rsplit("/", 1)[-1][:100]
        content = await upload.read(service.MAX_UPLOAD_BYTES + 1)
        self.upload_name = name
        try:
            with self._acting() as (session, actor):
                preview = service.preview(session, actor=actor, content=content, filename=name)
        except AuthError:
            return self._on_auth_error()
        except KnowledgeError as exc:
            self.upload_errors = exc.lines()[:50]
            return None
        except CertportalError as exc:
            self.upload_errors = [self._error_text(exc)]
            return None
        self.upload_kind = preview.kind
        self.changes = [c.line() for c in preview.changes[:300]]
        if not preview.changes:
            self.upload_errors = [self._tr("knowledge.error.no_changes")]
            return None
        self._upload_text = preview.text
        self._upload_base = preview.base_number
        return None

    @rx.event
    def publish(self) -> rx.event.EventSpec | None:
        text, name, note, base = self._upload_text, self.upload_name, self.note, self._upload_base

        def act() -> None:
            with self._acting() as (session, actor):
                version = service.publish(
                    session,
                    actor=actor,
                    content=text.encode("utf-8"),
                    note=note,
                    filename=name,
                    base_number=base or None,
                )
            self._clear_upload()
            self.message = self._tr("knowledge.published", number=version.number)

        if not text:
            return None
        try:
            return self._run(act)
        except KnowledgeError as exc:  # the active version changed under the upload
            self.upload_errors = exc.lines()[:50]
            return None

    @rx.event
    def ask_rollback(self, version_id: int) -> None:
        for v in self.versions:
            if v.id == version_id:
                self.confirm_id, self.confirm_number = v.id, v.number

    @rx.event
    def cancel_rollback(self) -> None:
        self.confirm_id = 0

    @rx.event
    def rollback(self) -> rx.event.EventSpec | None:
        version_id, self.confirm_id = self.confirm_id, 0

        def act() -> None:
            with self._acting() as (session, actor):
                version = service.rollback(session, actor=actor, version_id=version_id)
            self.message = self._tr("knowledge.rolled_back", number=version.number)

        return self._run(act) if version_id else None

    @rx.event
    def download(self, kind: str) -> rx.event.EventSpec | None:
        if kind not in KINDS:
            return None
        try:
            with self._acting() as (session, actor):
                text = service.text_of(session, actor=actor, kind=kind)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        return rx.download(data=text, filename=f"{kind}.json")
