"""State for the support-case pages, the timeline and the team's cases. Glue only: the
transition rules decide, the service stores and checks who may do what, present builds views.

URLs: ``/cases``, ``/cases/new[?run=<id>|?credential=<id>]``, ``/cases/<id>``,
``/cases/<id>/edit``, ``/cases/<id>/print``, ``/timeline``, ``/team/cases``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import reflex as rx

from certportal.auth.state import AppState, page_load
from certportal.cases import attachments, present, service, transitions
from certportal.cases.evidence import PackEvent, render_body
from certportal.cases.present import CaseItem, EventItem, Option, TimelineItem
from certportal.credentials import service as credentials
from certportal.errors import AuthError, CertportalError, Conflict
from certportal.i18n.formatting import local_today
from certportal.timeline import service as timeline

LOCALES = ("ja", "en")


def _number(text: str) -> bool:
    """An id as it may come from a URL: ASCII digits only (``int("²")`` fails), and short."""
    return text.isascii() and text.isdigit() and len(text) < 12


def _route_id(path: str, position: int = 1) -> int:
    parts = [p for p in path.split("/") if p]
    try:
        return int(parts[position]) if len(parts) > position else 0
    except ValueError:
        return 0


def summary_item(summary: service.CaseSummary, today: Any) -> CaseItem:
    return present.case_item(
        case_id=summary.id,
        subject=summary.subject,
        channel=summary.channel,
        reference=summary.reference,
        status=summary.status,
        resolution=summary.resolution,
        follow_up_on=summary.follow_up_on,
        opened_on=summary.opened_on,
        created_on=summary.created_on,
        today=today,
        ended_on=summary.ended_on,
        owner_name=summary.owner_name,
        shared=summary.shared,
        texts=summary.texts,
    )


def _credential_options(session: Any, actor: Any) -> list[Option]:
    rows = credentials.list_rows(session, actor=actor)
    return [
        Option(
            value=str(r.id),
            label={
                k: (f"{r.data.certification_id} " if r.data.certification_id else "")
                + credentials.display_name(
                    r.data, credentials.catalog(session).get(r.data.certification_id), k
                )
                for k in LOCALES
            },
        )
        for r in sorted(rows, key=lambda r: (r.data.certification_id or "~", r.id))
    ]


def _load_page(state: Any, fill: Callable[[], None]) -> rx.event.EventSpec | None:
    """Fill a page's state; a case that is not there (or not the actor's) is "missing" with the
    reason, an ended session goes to sign-in. The page shows a spinner until ``loaded``."""
    state.loaded = False
    state.missing = False
    state.error = ""
    try:
        fill()
    except AuthError:
        return state._on_auth_error()  # type: ignore[no-any-return]
    except CertportalError as exc:
        state.missing = True
        state.error = state._error_text(exc)
    state.loaded = True
    return None


def refresh_list(state: Any, fill: Callable[[], None]) -> rx.event.EventSpec | None:
    """Fill a list page again (after a filter change too); a refusal is shown above the list."""
    if not state.signed_in:
        return None
    state.error = ""
    try:
        fill()
    except AuthError:
        return state._on_auth_error()  # type: ignore[no-any-return]
    except CertportalError as exc:
        state.error = state._error_text(exc)
    return None


# --- my cases and the home page's reminders --------------------------------------------------


class CasesState(AppState):
    deleted: bool = False
    items: list[CaseItem] = []
    due: list[CaseItem] = []
    total: int = 0
    status: str = ""
    channel: str = ""
    loaded: bool = False
    error: str = ""

    def _fill(self) -> None:
        today = local_today(self.locale)
        with self._acting() as (session, actor):
            mine = service.list_mine(session, actor=actor)
        items = [summary_item(s, today) for s in mine]
        self.total = len(items)
        self.items = [
            i
            for i in items
            if (not self.status or i.status == self.status)
            and (not self.channel or i.channel == self.channel)
        ]
        self.due = sorted(
            (i for i in items if i.overdue or i.due_today), key=lambda i: (not i.overdue, i.id)
        )
        self.loaded = True

    def _refresh(self) -> rx.event.EventSpec | None:
        return refresh_list(self, self._fill)

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        return self._home()

    def _home(self) -> rx.event.EventSpec | None:
        """The list (this page's, and the home page's follow-ups): session checked before."""
        self.deleted = self.router.url.query_parameters.get("deleted") == "1"
        return self._refresh()

    @rx.event
    def set_filter(self, name: str, value: str) -> rx.event.EventSpec | None:
        allowed = {"status": transitions.STATUSES, "channel": transitions.CHANNELS}
        if name not in allowed:
            return None
        setattr(self, name, value if value in allowed[name] else "")
        return self._refresh()


# --- new case and edit -----------------------------------------------------------------------


class CaseFormState(AppState):
    case_id: int = 0
    version: int = 0
    run_id: int = 0
    channel: str = "partner_center"
    reference: str = ""
    subject: str = ""
    message: str = ""
    follow_up_on: str = ""
    initial_status: str = "draft"
    chosen: list[str] = []
    options: list[Option] = []
    outcome: dict[str, str] = {}
    is_draft: bool = True
    form_key: int = 0
    errors: dict[str, str] = {}
    error: str = ""
    missing: bool = False
    busy: bool = False
    loaded: bool = False
    _saved_follow_up: str = ""

    @rx.var
    def error_list(self) -> list[str]:
        return list(self.errors.values())

    def _reset(self) -> None:
        self.case_id = self.version = self.run_id = 0
        self.channel = "partner_center"
        self.reference = self.subject = self.message = self.follow_up_on = ""
        self._saved_follow_up = ""
        self.initial_status = "draft"
        self.chosen = []
        self.outcome = {}
        self.is_draft = True
        self.errors = {}
        self.error = ""
        self.missing = False
        self.busy = False

    def _guard(self, action: Callable[[], None]) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self._reset()
        self.form_key += 1  # the form mounts again with the values filled in
        return _load_page(self, action)

    def _start_new(self) -> None:
        query = self.router.url.query_parameters
        with self._acting() as (session, actor):
            self.options = _credential_options(session, actor)
            run = str(query.get("run", "") or "")
            credential = str(query.get("credential", "") or "")
            if run.isascii() and run.isdigit() and len(run) < 12:
                filled = service.prefill_from_run(
                    session, actor=actor, run_id=int(run), locale=self.locale
                )
                self.run_id = int(run)
                self.channel = filled.channel
                self.subject = filled.subject
                self.message = filled.message
                self.chosen = [str(i) for i in filled.credential_ids]
                self.outcome = filled.outcome_title
            elif credential in {o.value for o in self.options}:
                self.chosen = [credential]

    def _start_edit(self, case_id: int) -> None:
        with self._acting() as (session, actor):
            self.options = _credential_options(session, actor)
            found = service.own_view(session, actor=actor, case_id=case_id)
        case = found.case
        self.case_id = case.id
        self.version = case.version
        self.channel = case.channel
        self.reference = case.reference
        self.subject = case.subject
        self.message = case.draft_text
        self.is_draft = case.status == transitions.Status.DRAFT.value
        self.follow_up_on = case.follow_up_on.isoformat() if case.follow_up_on else ""
        self._saved_follow_up = self.follow_up_on
        self.chosen = [str(i) for i in found.credential_ids]

    @rx.event
    @page_load
    def load_new(self) -> rx.event.EventSpec | None:
        return self._guard(self._start_new)

    @rx.event
    @page_load
    def load_edit(self) -> rx.event.EventSpec | None:
        case_id = _route_id(self.router.url.path)
        return self._guard(lambda: self._start_edit(case_id))

    @rx.event
    def save(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        raw = {
            name: str(form.get(name, "") or "")[: transitions.TEXT_MAX + 10]
            for name in ("channel", "reference", "subject", "message", "follow_up_on", "status")
        }
        chosen = [o.value for o in self.options if form.get(f"cred_{o.value}")]
        raw["credentials"] = ",".join(chosen)
        # keep what was typed, whatever happens next
        self.channel = raw["channel"] if raw["channel"] in transitions.CHANNELS else self.channel
        self.reference, self.subject, self.message = (
            raw["reference"],
            raw["subject"],
            raw["message"],
        )
        self.follow_up_on = raw["follow_up_on"]
        self.initial_status = raw["status"] or "draft"
        self.chosen = chosen
        today = local_today(self.locale)
        # an edit that leaves an (overdue) follow-up as it was does not have to move it
        unchanged = bool(self.case_id) and raw["follow_up_on"] == self._saved_follow_up
        checked = {**raw, "follow_up_on": ""} if unchanged else raw
        fields, problems = transitions.validate_case(checked, today, new=not self.case_id)
        saved_id = 0
        if fields is not None:
            try:
                with self._acting() as (session, actor):
                    if self.case_id:
                        row = service.update_details(
                            session,
                            actor=actor,
                            case_id=self.case_id,
                            version=self.version,
                            fields=fields,
                        )
                        if not unchanged:
                            service.set_follow_up(
                                session,
                                actor=actor,
                                case_id=self.case_id,
                                version=row.version,
                                day=raw["follow_up_on"],
                            )
                    else:
                        row = service.create(
                            session,
                            actor=actor,
                            fields=fields,
                            wizard_run_id=self.run_id or None,
                        )
                    saved_id = row.id or 0
            except AuthError:
                return self._on_auth_error()
            except CertportalError as exc:
                problems = [transitions.Problem(exc.field or "form", exc.key)]
                if isinstance(exc, Conflict):
                    problems = [transitions.Problem("form", exc.key)]
        if problems:
            self.form_key += 1
            self.errors = {p.field: self._tr(p.key) for p in problems}
            self.error = self._tr("cases.error.summary")
            return None
        self.errors = {}
        return rx.redirect(f"/cases/{saved_id}?saved=1")


# --- one case -------------------------------------------------------------------------------


class CaseDetailState(AppState):
    case_id: int = 0
    version: int = 0
    case: CaseItem = CaseItem()
    events: list[EventItem] = []
    credential_names: list[Option] = []
    owner: bool = True
    texts: bool = True
    shared: bool = False
    draft_text: str = ""
    run_href: str = ""
    channel_url: str = ""
    allowed: list[str] = []
    missing: bool = False
    loaded: bool = False
    notice_key: str = ""
    error: str = ""
    errors: dict[str, str] = {}
    confirm_delete: bool = False
    form_key: int = 0
    typed: dict[str, str] = {}

    def _fill(self) -> None:
        today = local_today(self.locale)
        with self._acting() as (session, actor):
            found = service.view(session, actor=actor, case_id=self.case_id)
            names = {o.value: o.label for o in _credential_options(session, actor)}
            channel_urls = service.channel_links(session)
        case = found.case
        self.version = case.version
        self.case = summary_item(case, today)
        self.owner = found.access.owner
        self.texts = found.access.texts
        self.shared = case.shared
        self.draft_text = case.draft_text
        self.run_href = f"/wizard/{case.wizard_run_id}/result" if case.wizard_run_id else ""
        self.channel_url = channel_urls.get(case.channel, "")
        self.credential_names = [
            Option(value=str(i), label=names.get(str(i), {k: f"#{i}" for k in LOCALES}))
            for i in found.credential_ids
            if self.owner
        ]
        self.events = [
            present.event_item(
                event_id=e.id or 0,
                event=PackEvent(
                    day=e.occurred_on,
                    kind=e.kind,
                    text=e.text,
                    status_from=e.status_from,
                    status_to=e.status_to,
                    resolution=e.resolution,
                    follow_up_on=e.follow_up_on,
                ),
                today=today,
                attachment_id=e.attachment_id,
            )
            for e in reversed(found.events)
        ]
        current = transitions.Status(case.status)
        self.allowed = sorted(
            (s.value for s in transitions.ALLOWED[current]),
            key=transitions.STATUSES.index,
        )

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.loaded = False
        self.missing = False
        self.confirm_delete = False
        self.error = ""
        self.errors = {}
        self.typed = {}
        self.notice_key = "cases.saved" if self.router.url.query_parameters.get("saved") else ""
        self.case_id = _route_id(self.router.url.path)
        self.form_key += 1
        return _load_page(self, self._fill)

    def _act(
        self,
        action: Callable[[Any, Any], object],
        *,
        done_key: str,
        form: dict[str, Any] | None = None,
    ) -> rx.event.EventSpec | None:
        """Run one change; on a refusal keep what was typed and say why, at its field."""
        self.error = ""
        self.errors = {}
        self.notice_key = ""
        try:
            with self._acting() as (session, actor):
                action(session, actor)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.typed = {k: str(v) for k, v in (form or {}).items()}
            self.form_key += 1
            self.error = self._error_text(exc)
            if exc.field:
                self.errors = {exc.field: self._error_text(exc)}
            return None
        self.typed = {}
        self.notice_key = done_key
        try:
            self._fill()
        except CertportalError as exc:
            self.error = self._error_text(exc)
        self.form_key += 1
        return None

    def _form_change(
        self,
        change: Callable[..., object],
        form: dict[str, Any],
        *,
        done_key: str,
        **fields: tuple[str, int],
    ) -> rx.event.EventSpec | None:
        """A change made from one of the case page's forms: each service argument from its form
        field (cut to a sane length; the service checks the rest)."""
        values = {
            arg: str(form.get(name, "") or "")[:limit] for arg, (name, limit) in fields.items()
        }
        return self._act(
            lambda session, actor: change(
                session, actor=actor, case_id=self.case_id, version=self.version, **values
            ),
            done_key=done_key,
            form=form,
        )

    @rx.event
    def send_message(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        return self._form_change(
            service.send_message,
            form,
            done_key="cases.done.message",
            text=("message", transitions.TEXT_MAX + 10),
            sent_on=("sent_on", 20),
        )

    @rx.event
    def record_reply(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        return self._form_change(
            service.record_reply,
            form,
            done_key="cases.done.reply",
            summary=("summary", transitions.SUMMARY_MAX + 10),
            received_on=("received_on", 20),
        )

    @rx.event
    def change_status(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        return self._form_change(
            service.change_status,
            form,
            done_key="cases.done.status",
            target=("status", 20),
            resolution=("resolution", 20),
        )

    @rx.event
    def set_follow_up(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        return self._form_change(
            service.set_follow_up, form, done_key="cases.done.follow_up", day=("follow_up_on", 20)
        )

    @rx.event
    def add_note(self, form: dict[str, Any]) -> rx.event.EventSpec | None:
        return self._form_change(
            service.add_note,
            form,
            done_key="cases.done.note",
            text=("note", transitions.TEXT_MAX + 10),
        )

    @rx.event
    def set_shared(self, shared: bool) -> rx.event.EventSpec | None:
        return self._act(
            lambda session, actor: service.set_shared(
                session, actor=actor, case_id=self.case_id, version=self.version, shared=shared
            ),
            done_key="cases.done.shared" if shared else "cases.done.unshared",
        )

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> rx.event.EventSpec | None:
        if not files:
            return None
        upload = files[0]
        name = (upload.name or "attachment").rsplit("/", 1)[-1][:200]
        content = await upload.read(attachments.MAX_BYTES + 1)
        return self._act(
            lambda session, actor: service.add_attachment(
                session,
                actor=actor,
                case_id=self.case_id,
                version=self.version,
                name=name,
                content=content,
            ),
            done_key="cases.done.attachment",
        )

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
                service.delete(session, actor=actor, case_id=self.case_id, version=self.version)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        return rx.redirect("/cases?deleted=1")


# --- the print view -------------------------------------------------------------------------


class EvidenceState(AppState):
    case_id: int = 0
    html: str = ""
    missing: bool = False
    loaded: bool = False
    error: str = ""

    def _fill(self) -> None:
        with self._acting() as (session, actor):
            pack = service.evidence(session, actor=actor, case_id=self.case_id)
        self.html = render_body(pack, self.locale)

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.case_id = _route_id(self.router.url.path)
        return _load_page(self, self._fill)

    @rx.event
    def print_page(self) -> rx.event.EventSpec:
        return rx.call_script("window.print()")

    @rx.event
    def download(self) -> rx.event.EventSpec | None:
        try:
            with self._acting() as (session, actor):
                text = service.evidence_download(
                    session, actor=actor, case_id=self.case_id, locale=self.locale
                )
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
            return None
        return rx.download(
            data=text,
            filename=f"certportal-case-{self.case_id}.html",
            mime_type="text/html;charset=utf-8",
        )


# --- timeline -------------------------------------------------------------------------------


class TimelineState(AppState):
    items: list[TimelineItem] = []
    credential_options: list[Option] = []
    case_options: list[Option] = []
    credential: str = ""
    case: str = ""
    loaded: bool = False
    error: str = ""

    def _fill(self) -> None:
        today = local_today(self.locale)
        now = datetime.now(UTC)
        with self._acting() as (session, actor):
            self.credential_options = _credential_options(session, actor)
            self.case_options = [
                Option(value=str(c.id), label={k: c.subject for k in LOCALES})
                for c in service.list_mine(session, actor=actor)
            ]
            events = timeline.for_person(
                session,
                actor=actor,
                today=today,
                credential_id=int(self.credential) if self.credential else None,
                case_id=int(self.case) if self.case else None,
            )
        self.items = [present.timeline_item(e, today, now) for e in events[:500]]
        self.loaded = True

    def _refresh(self) -> rx.event.EventSpec | None:
        return refresh_list(self, self._fill)

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        query = self.router.url.query_parameters
        self.credential = str(query.get("credential", "") or "")
        self.case = str(query.get("case", "") or "")
        self.credential = self.credential if _number(self.credential) else ""
        self.case = self.case if _number(self.case) else ""
        return self._refresh()

    @rx.event
    def set_filter(self, name: str, value: str) -> rx.event.EventSpec | None:
        if name not in ("credential", "case"):
            return None
        value = value if _number(value) else ""
        setattr(self, name, value)
        if value:
            setattr(self, "case" if name == "credential" else "credential", "")
        return self._refresh()


# --- the team's cases -----------------------------------------------------------------------


class TeamCasesState(AppState):
    items: list[CaseItem] = []
    loaded: bool = False
    error: str = ""

    def _fill(self) -> None:
        today = local_today(self.locale)
        with self._acting() as (session, actor):
            found = service.team_cases(session, actor=actor)
        self.items = [summary_item(s, today) for s in found]
        self.loaded = True

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        return refresh_list(self, self._fill)
