"""State for the inventory pages. Glue only: rules validate and decide, the service stores,
:mod:`certportal.credentials.present` builds the views.

URLs: ``/credentials`` (list), ``/credentials/new``, ``/credentials/<id>``,
``/credentials/<id>/edit``, ``/credentials/import`` (Learn transcript), ``/credentials/csv``,
``/credentials/calendar``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import reflex as rx

from certportal.auth.state import AppState, page_load
from certportal.cases.present import TimelineItem, timeline_item
from certportal.credentials import csvio, present, rules, service
from certportal.credentials.rules import LEVELS, PROVIDERS, SORTS, CredentialData
from certportal.errors import AuthError, CertportalError
from certportal.i18n.formatting import local_today
from certportal.knowledge.schema import KnowledgeError
from certportal.learn import links
from certportal.learn.transcript import Transcript
from certportal.timeline import service as timeline
from certportal.wizard import service as wizard_service
from certportal.wizard.state import RunItem, run_item

STATUSES = tuple(s.value for s in rules.ExpiryStatus)
log = logging.getLogger(__name__)


def _today(locale: str) -> date:
    return local_today(locale)


def _route_id(path: str, position: int) -> int:
    """The numeric id in ``/credentials/<id>[/edit]`` (0 when it is not a number)."""
    parts = [p for p in path.split("/") if p]
    try:
        return int(parts[position]) if len(parts) > position else 0
    except ValueError:
        return 0


# --- list and home --------------------------------------------------------------------------


class CredentialsState(AppState):
    items: list[present.CredItem] = []
    total: int = 0
    alerts: list[present.AlertItem] = []
    status: str = ""
    provider: str = ""
    level: str = ""
    sort: str = "expires"
    loaded: bool = False
    error: str = ""

    def _reload(self) -> None:
        with self._acting() as (session, actor):
            cat = service.catalog(session)
            rows = service.list_rows(session, actor=actor)
        today = _today(self.locale)
        self.total = len(rows)
        kept = rules.filter_sort(
            rows, status=self.status, provider=self.provider, level=self.level, sort=self.sort
        )
        self.items = [present.cred_item(r, cat.get(r.data.certification_id)) for r in kept]
        self.alerts = [
            present.AlertItem(
                id=a.row.id,
                name=present.name_of(a.row.data, cat.get(a.row.data.certification_id)),
                kind=a.kind,
                expires=present.day_text(a.row.expiry.expires_on),
                days=rules.days_until(a.row.expiry.expires_on or today, today),
                href=f"/credentials/{a.row.id}",
            )
            for a in rules.alerts(rows, today)
        ]
        self.loaded = True

    def _refresh(self) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.error = ""
        try:
            self._reload()
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
        return None

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        return self._home()

    def _home(self) -> rx.event.EventSpec | None:
        """The list (this page's, and the home page's renewal alerts): session checked before."""
        query = self.router.url.query_parameters
        self.status = query.get("status", "") if query.get("status") in STATUSES else ""
        return self._refresh()

    @rx.event
    def set_filter(self, name: str, value: str) -> rx.event.EventSpec | None:
        allowed = {"status": STATUSES, "provider": PROVIDERS, "level": LEVELS, "sort": SORTS}
        if name not in allowed:
            return None
        value = "" if value == "all" or value not in allowed[name] else value
        setattr(self, name, value or ("expires" if name == "sort" else ""))
        return self._refresh()

    @rx.event
    def clear_filters(self) -> rx.event.EventSpec | None:
        self.status = self.provider = self.level = ""
        return self._refresh()


# --- add and edit ---------------------------------------------------------------------------


@dataclasses.dataclass
class CredForm:
    certification: str = ""
    other_name: str = ""
    exams: str = ""  # free text for a certification outside the catalog
    exam_dates: list[str] = dataclasses.field(default_factory=list)
    provider: str = "unknown"
    earned_on: str = ""
    expires_on: str = ""
    certification_number: str = ""
    on_learn: str = "unknown"
    on_learn_seen_on: str = ""
    counted: str = "unknown"
    notes: str = ""
    private: list[str] = dataclasses.field(default_factory=list)


def _form_of(data: CredentialData, exam_codes: list[str]) -> CredForm:
    raw = rules.to_raw(data)
    dates = {e.code: e.passed_on.isoformat() if e.passed_on else "" for e in data.exams}
    return CredForm(
        certification=raw["certification"],
        other_name=raw["other_name"],
        exams=raw["exams"] if not data.certification_id else "",
        exam_dates=[dates.get(code, "") for code in exam_codes],
        provider=raw["provider"],
        earned_on=raw["earned_on"],
        expires_on=raw["expires_on"],
        certification_number=raw["certification_number"],
        on_learn=raw["on_learn"],
        on_learn_seen_on=raw["on_learn_seen_on"],
        counted=raw["counted"],
        notes=raw["notes"],
        private=sorted(data.private),
    )


def _raw_of(form: dict[str, Any], exam_codes: list[str]) -> tuple[dict[str, str], CredForm]:
    """The submitted form as the rules read it, and as the form shows it again."""
    text = {name: str(form.get(name, "") or "")[:4000] for name in rules.FIELDS}
    dates = [str(form.get(f"exam_{i}", "") or "")[:20] for i in range(len(exam_codes))]
    private = [f for f in rules.PRIVATE_FIELDS if form.get(f"private_{f}")]
    if text["certification"] and text["certification"] != "other":
        text["exams"] = "; ".join(
            f"{code} {day}".strip() for code, day in zip(exam_codes, dates, strict=True)
        )
    text["private"] = "; ".join(private)
    shown = CredForm(
        **{k: v for k, v in text.items() if k not in ("private", "exams")},
        exams=text["exams"] if text["certification"] in ("", "other") else "",
        exam_dates=dates,
        private=private,
    )
    return text, shown


class CredentialFormState(AppState):
    credential_id: int = 0
    version: int = 0
    form: CredForm = CredForm()
    form_key: int = 0
    selected: present.CertOption = present.CertOption()
    query: str = ""
    options: list[present.CertOption] = []
    errors: dict[str, str] = {}
    error: str = ""
    missing: bool = False
    busy: bool = False
    loaded: bool = False

    @rx.var
    def error_list(self) -> list[str]:
        return list(self.errors.values())

    def _pick_cert(self, cert_id: str) -> None:
        with self._acting() as (session, _actor):
            cat = service.catalog(session)
        entry = cat.get(cert_id)
        if entry is not None:
            self.selected = present.cert_option(entry)
        elif cert_id == "other":
            self.selected = present.CertOption(id="other", name=present.both(""), level="other")
        else:
            self.selected = present.CertOption()

    def _start(self, credential_id: int) -> None:
        self.credential_id = credential_id
        self.errors = {}
        self.error = ""
        self.missing = False
        self.busy = False
        self.query = ""
        self.options = []
        if credential_id:
            with self._acting() as (session, actor):
                row, version = service.get_row(session, actor=actor, credential_id=credential_id)
            self._pick_cert(row.data.certification_id or "other")
            self.form = _form_of(row.data, self.selected.exams)
            self.version = version
        else:
            self.version = 0
            self.form = CredForm()
            cert = (self.router.url.query_parameters.get("cert") or "")[:64]
            self._pick_cert(cert)
            self.form.certification = self.selected.id
        self.form_key += 1
        self.loaded = True

    @rx.event
    @page_load
    def load_new(self) -> rx.event.EventSpec | None:
        return self._guarded(lambda: self._start(0))

    @rx.event
    @page_load
    def load_edit(self) -> rx.event.EventSpec | None:
        credential_id = _route_id(self.router.url.path, 1)
        return self._guarded(lambda: self._start(credential_id))

    def _guarded(self, action: Callable[[], None]) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.loaded = False
        try:
            action()
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.missing = True
            self.error = self._error_text(exc)
            self.loaded = True
        return None

    @rx.event
    def search(self, value: str) -> rx.event.EventSpec | None:
        self.query = value[:100]
        try:
            with self._acting() as (session, _actor):
                cat = service.catalog(session)
        except AuthError:
            return self._on_auth_error()
        self.options = present.cert_options(self.query, cat)
        return None

    @rx.event
    def choose(self, cert_id: str) -> rx.event.EventSpec | None:
        try:
            self._pick_cert(cert_id[:64])
        except AuthError:
            return self._on_auth_error()
        self.form.certification = self.selected.id
        self.form.exam_dates = ["" for _ in self.selected.exams]
        self.options = []
        self.query = ""
        self.errors = {k: v for k, v in self.errors.items() if k != "certification"}
        return None

    @rx.event
    def save(self, form: dict[str, Any]) -> Iterator[rx.event.EventSpec | None]:
        self.busy = True
        self.error = ""
        yield None
        raw, shown = _raw_of(form, self.selected.exams)
        try:
            with self._acting() as (session, actor):
                data, problems = rules.validate(
                    raw, catalog=service.catalog(session), today=_today(self.locale)
                )
                if data is not None:
                    data = rules.with_catalog_exams(
                        data, service.catalog(session).get(data.certification_id)
                    )
                    if self.credential_id:
                        row = service.update(
                            session,
                            actor=actor,
                            credential_id=self.credential_id,
                            data=data,
                            version=self.version,
                        )
                    else:
                        row = service.create(session, actor=actor, data=data)
                    saved_id = row.id
        except AuthError:
            self.busy = False
            yield self._on_auth_error()
            return
        except CertportalError as exc:
            problems = [rules.FieldProblem(exc.field or "", exc.key)]
            data = None
        self.busy = False
        if data is None:
            # keep everything typed; show each problem at its field and in a summary
            self.form = shown
            self.form_key += 1
            self.errors = {p.field or "form": self._tr(p.key) for p in problems}
            self.error = self._tr("credentials.error.summary")
            return
        self.errors = {}
        yield rx.redirect(f"/credentials/{saved_id}?saved=1")


# --- detail ---------------------------------------------------------------------------------


class CredentialDetailState(AppState):
    credential_id: int = 0
    detail: present.Detail = present.Detail()
    runs: list[RunItem] = []
    history: list[TimelineItem] = []
    missing: bool = False
    loaded: bool = False
    saved: bool = False
    confirm_delete: bool = False
    error: str = ""

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.loaded = False
        self.missing = False
        self.confirm_delete = False
        self.error = ""
        self.credential_id = _route_id(self.router.url.path, 1)
        self.saved = self.router.url.query_parameters.get("saved") == "1"
        try:
            with self._acting() as (session, actor):
                row, _ = service.get_row(session, actor=actor, credential_id=self.credential_id)
                entry = service.catalog(session).get(row.data.certification_id)
                runs = []
                for run in wizard_service.list_runs(
                    session, actor=actor, credential_id=self.credential_id
                ):
                    try:
                        ctx = wizard_service.context(session, actor=actor, run_id=run.id or 0)
                    except KnowledgeError:
                        continue  # its knowledge version cannot be read any more
                    runs.append(run_item(run, ctx))
                today = _today(self.locale)
                now = datetime.now(UTC)
                history = [
                    timeline_item(e, today, now)
                    for e in timeline.for_person(
                        session, actor=actor, today=today, credential_id=self.credential_id
                    )
                ]
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.missing = True
            self.error = self._error_text(exc)
            self.loaded = True
            return None
        self.detail = present.detail(row, entry)
        self.runs = runs
        self.history = history
        self.loaded = True
        return None

    @rx.event
    def ask_delete(self) -> None:
        self.confirm_delete = True

    @rx.event
    def cancel_delete(self) -> None:
        self.confirm_delete = False

    @rx.event
    def delete(self) -> rx.event.EventSpec | None:
        self.confirm_delete = False
        try:
            with self._acting() as (session, actor):
                service.delete(session, actor=actor, credential_id=self.credential_id)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        return rx.redirect("/credentials?deleted=1")


# --- Learn transcript import ----------------------------------------------------------------


class LearnImportState(AppState):
    link: str = ""
    fetching: bool = False
    saving: bool = False
    error: str = ""
    result: str = ""
    has_preview: bool = False
    view: present.ImportView = present.ImportView()
    include_history: bool = False
    keep_personal: bool = False
    last_import: present.L = {}
    kept_personal: bool = False
    confirm_forget: bool = False
    missing_after: list[present.ImportItem] = []
    _transcript: Transcript | None = None
    _share_id: str = ""
    _fingerprint: list[tuple[int, int]] = []

    def _clear(self) -> None:
        self.has_preview = False
        self.view = present.ImportView()
        self._transcript = None
        self._share_id = ""
        self._fingerprint = []
        self.include_history = False
        self.keep_personal = False

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self._clear()
        self.error = self.result = ""
        self.missing_after = []
        try:
            with self._acting() as (session, actor):
                last = service.last_import(session, actor=actor)
        except AuthError:
            return self._on_auth_error()
        self.last_import = present.day_text(last.imported_at.date() if last else None)
        self.kept_personal = bool(last and (last.legal_name or last.mcid or last.contact_email))
        self.confirm_forget = False
        return None

    @rx.event
    def ask_forget(self) -> None:
        self.confirm_forget = True

    @rx.event
    def cancel_forget(self) -> None:
        self.confirm_forget = False

    @rx.event
    def forget(self) -> rx.event.EventSpec | None:
        self.confirm_forget = False
        try:
            with self._acting() as (session, actor):
                service.forget_personal_data(session, actor=actor)
        except AuthError:
            return self._on_auth_error()
        self.kept_personal = False
        self.result = self._tr("credentials.import.forgotten")
        return None

    @rx.event
    def set_link(self, value: str) -> None:
        self.link = value[:600]

    @rx.event
    def set_include_history(self, value: bool) -> None:
        self.include_history = bool(value)

    @rx.event
    def set_keep_personal(self, value: bool) -> None:
        self.keep_personal = bool(value)

    @rx.event
    def cancel(self) -> None:
        self._clear()

    @rx.event(background=True)
    async def fetch(self, form: dict[str, Any]) -> AsyncIterator[rx.event.EventSpec | None]:
        """Read the transcript (a network call: runs in the background with a spinner), then
        compare it with the inventory. Nothing is written here."""
        async with self:
            if self.fetching:
                return
            self.link = str(form.get("link", "") or "")[:600]
            self._clear()
            self.error = self.result = ""
            self.missing_after = []
            self.fetching = True
            link = self.link
        try:
            share_id = links.share_id_from_link(link)
            transcript = await asyncio.to_thread(service.read_transcript, link)
        except CertportalError as exc:
            async with self:
                self.fetching = False
                self.error = self._error_text(exc)
            return
        except Exception:  # a bug must not leave the spinner turning forever
            log.exception("reading a Learn transcript failed")
            async with self:
                self.fetching = False
                self.error = self._tr("learn.error.unavailable")
            return
        async with self:
            self.fetching = False
            try:
                with self._acting() as (session, actor):
                    preview = service.preview_transcript(
                        session, actor=actor, transcript=transcript
                    )
                    cat = service.catalog(session)
            except AuthError:
                yield self._on_auth_error()
                return
            self._transcript = transcript
            self._share_id = share_id
            self._fingerprint = list(preview.fingerprint)
            self.view = present.import_view(
                preview,
                cat,
                user_name=transcript.user_name,
                legal_name=transcript.legal_name,
                mcid=transcript.mcid,
                contact_email=transcript.contact_email,
                exams=len(transcript.exams),
                applied_skills=len(transcript.applied_skills),
                today=_today(self.locale),
            )
            self.has_preview = True

    @rx.event
    def confirm(self) -> Iterator[rx.event.EventSpec | None]:
        transcript = self._transcript
        if transcript is None or self.saving:
            return
        self.saving = True
        self.error = ""
        yield None
        missing = list(self.view.missing)
        try:
            with self._acting() as (session, actor):
                result = service.apply_transcript(
                    session,
                    actor=actor,
                    transcript=transcript,
                    share_id=self._share_id,
                    fingerprint=self._fingerprint,
                    include_history=self.include_history,
                    keep_personal=self.keep_personal,
                )
        except AuthError:
            self.saving = False
            yield self._on_auth_error()
            return
        except CertportalError as exc:
            self.saving = False
            self.error = self._error_text(exc)
            return
        self.saving = False
        self.kept_personal = self.kept_personal or (
            self.keep_personal
            and bool(transcript.legal_name or transcript.mcid or transcript.contact_email)
        )
        self._clear()
        self.missing_after = missing
        self.result = self._tr(
            "credentials.import.done",
            added=result.added,
            matched=result.matched,
            missing=result.not_on_learn,
        )


# --- CSV ------------------------------------------------------------------------------------


@dataclasses.dataclass
class CsvErrorItem:
    line: int = 0
    field: str = ""
    key: str = ""  # message key: the page shows it in the current language


@dataclasses.dataclass
class CsvRowItem:
    line: int = 0
    name: present.L = dataclasses.field(default_factory=dict)
    earned: present.L = dataclasses.field(default_factory=dict)


class CsvState(AppState):
    file_name: str = ""
    total: int = 0
    valid: list[CsvRowItem] = []
    problems: list[CsvErrorItem] = []
    error: str = ""
    message: str = ""
    busy: bool = False
    _rows: list[CredentialData] = []

    def _clear(self) -> None:
        self.file_name = ""
        self.total = 0
        self.valid = []
        self.problems = []
        self._rows = []

    @rx.event
    @page_load
    def load(self) -> None:
        self._clear()
        self.error = self.message = ""

    @rx.event
    def cancel(self) -> None:
        self._clear()

    @rx.event
    def export(self) -> rx.event.EventSpec | None:
        try:
            with self._acting() as (session, actor):
                text = service.export_csv(session, actor=actor)
        except AuthError:
            return self._on_auth_error()
        name = f"certportal-credentials-{_today(self.locale).isoformat()}.csv"
        return rx.download(data=text, filename=name, mime_type="text/csv;charset=utf-8")

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> rx.event.EventSpec | None:
        self._clear()
        self.error = self.message = ""
        if not files:
            return None
        upload = files[0]
        self.file_name = (upload.name or "upload.csv").rsplit("/", 1)[-1][:100]
        content = await upload.read(csvio.MAX_BYTES + 1)
        try:
            with self._acting() as (session, actor):
                parsed = service.preview_csv(session, actor=actor, content=content)
                cat = service.catalog(session)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        self.total = parsed.total
        self._rows = [r.data for r in parsed.rows]
        self.valid = [
            CsvRowItem(
                r.line,
                present.name_of(r.data, cat.get(r.data.certification_id)),
                present.day_text(r.data.earned_on),
            )
            for r in parsed.rows
        ]
        self.problems = [CsvErrorItem(e.line, e.field, e.key) for e in parsed.errors[:500]]
        return None

    @rx.event
    def import_valid(self) -> rx.event.EventSpec | None:
        rows = list(self._rows)
        if not rows:
            return None
        try:
            with self._acting() as (session, actor):
                count = service.import_csv(session, actor=actor, rows=rows)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        self._clear()
        self.message = self._tr("credentials.csv.imported", count=count)
        return None


# --- calendar feed --------------------------------------------------------------------------


class CalendarState(AppState):
    active: bool = False
    since: present.L = {}
    last_read: present.L = {}
    url: str = ""  # shown once, right after it was made
    confirm: str = ""  # "regenerate" | "revoke"
    error: str = ""
    message: str = ""

    def _reload(self) -> None:
        with self._acting() as (session, actor):
            row = service.feed(session, actor=actor)
        self.active = row is not None
        self.since = present.day_text(row.created_at.date()) if row else {}
        self.last_read = (
            present.day_text(row.last_read_at.date()) if row and row.last_read_at else {}
        )

    def _do(self, action: Callable[[], None]) -> rx.event.EventSpec | None:
        self.error = ""
        try:
            action()
            self._reload()
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
        return None

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.url = self.message = self.confirm = ""
        return self._do(lambda: None)

    @rx.event
    def ask(self, what: str) -> None:
        self.confirm = what if what in ("regenerate", "revoke") else ""

    @rx.event
    def cancel(self) -> None:
        self.confirm = ""

    @rx.event
    def create(self) -> rx.event.EventSpec | None:
        self.confirm = ""

        def act() -> None:
            with self._acting() as (session, actor):
                token = service.create_feed(session, actor=actor)
            self.url = service.feed_url(token)
            self.message = self._tr("credentials.calendar.created")

        return self._do(act)

    @rx.event
    def revoke(self) -> rx.event.EventSpec | None:
        self.confirm = ""

        def act() -> None:
            with self._acting() as (session, actor):
                service.revoke_feed(session, actor=actor)
            self.url = ""
            self.message = self._tr("credentials.calendar.revoked")

        return self._do(act)

    @rx.event
    def copy_url(self) -> rx.event.EventSpec:
        self.message = self._tr("credentials.calendar.copied")
        return rx.set_clipboard(self.url)
