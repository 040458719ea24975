"""State for the wizard pages: my diagnoses, one question a page, check your answers, the result.
Glue only: the engine decides, the service stores, :mod:`certportal.wizard.present` builds views.

URLs: ``/wizard`` (my diagnoses), ``/wizard/new`` (a new diagnosis: its first question, saved
only once answered; ``?cert=AZ-104`` or ``?credential=<id>`` answers what they know),
``/wizard/<run>/<question id>``, ``/wizard/<run>/check``, ``/wizard/<run>/result``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import reflex as rx

from certportal.auth.policy import Principal
from certportal.auth.state import AppState, checks_session
from certportal.errors import AuthError, CertportalError, Unavailable
from certportal.i18n.formatting import format_datetime
from certportal.knowledge.schema import UNKNOWN, Bundle, Certification, KnowledgeError
from certportal.wizard import engine, present, service
from certportal.wizard.models import DONE

CHECK = "check"
RESULT = "result"


# A certification to choose from: (id, Japanese label, English label, the id and names in both
# languages folded for search). Plain tuples in a backend var: the page state is read from Redis
# on every event of the tab, and 200 dataclass instances take about 0.6 ms to unpickle where
# tuples take 0.08 ms; the page itself only gets ``filtered_certs``.
CertRow = tuple[str, str, str, str]


@dataclasses.dataclass
class RunItem:
    id: int = 0
    certification: present.L = dataclasses.field(default_factory=dict)
    done: bool = False
    outcome: present.L = dataclasses.field(default_factory=dict)
    outcome_kind: str = ""
    updated: present.L = dataclasses.field(default_factory=dict)
    href: str = ""
    version: int = 0


def _cert_row(bundle: Bundle, cert: Certification) -> CertRow:
    label = present.certification_label(bundle, cert.id)
    search = " ".join([cert.id, *cert.exams, cert.name.ja, cert.name.en]).casefold()
    return (cert.id, label["ja"], label["en"], search)


# The list to choose from, per knowledge bundle (bundles are parsed once per version and never
# change): built once, not on every opening of the question. A few versions at most are live.
_CERT_ROWS: dict[int, tuple[Bundle, list[CertRow]]] = {}


def _cert_rows(bundle: Bundle) -> list[CertRow]:
    found = _CERT_ROWS.get(id(bundle))
    if found is not None and found[0] is bundle:
        return found[1]
    rows = [_cert_row(bundle, c) for c in bundle.catalog.certifications]
    if len(_CERT_ROWS) >= 8:
        _CERT_ROWS.clear()
    _CERT_ROWS[id(bundle)] = (bundle, rows)
    return rows


def run_item(run: service.WizardRun, ctx: service.RunContext) -> RunItem:
    outcome = ctx.bundle.linkage.outcomes_by_id().get(run.outcome_id or "")
    step = RESULT if run.status == DONE else (ctx.walk.current or CHECK)
    return RunItem(
        id=run.id or 0,
        certification=present.certification_label(ctx.bundle, run.certification_id)
        if run.certification_id
        else present.msg("wizard.no_certification_yet"),
        done=run.status == DONE,
        outcome=present.loc(outcome.title) if outcome else {"ja": "", "en": ""},
        outcome_kind=outcome.kind if outcome else "",
        updated={k: format_datetime(run.updated_at, k) for k in ("ja", "en")},
        href=f"/wizard/{run.id}/{step}",
        version=ctx.version.number,
    )


class WizardListState(AppState):
    """``/wizard`` and the home page's "continue where you left off"."""

    runs: list[RunItem] = []
    resume: list[RunItem] = []  # zero or one item
    loaded: bool = False
    error: str = ""
    confirm_id: int = 0
    confirm_label: str = ""

    def _fill(self, principal: Principal | None = None) -> None:
        acting = self._acting_as(principal) if principal else self._acting()
        with acting as (session, actor):
            items = []
            for run in service.list_runs(session, actor=actor):
                assert run.id is not None
                try:
                    ctx = service.context(session, actor=actor, run_id=run.id)
                except KnowledgeError:
                    continue  # its knowledge version cannot be read any more: leave it out
                items.append(run_item(run, ctx))
        self.runs = items
        self.resume = [r for r in items if not r.done][:1]
        self.loaded = True

    def _home(self) -> rx.event.EventSpec | None:
        """The home page's "continue where you left off" (``home.state.HomeState.load``
        checked the session)."""
        if not self.signed_in:
            return None
        try:
            self._fill()
        except AuthError:
            return self._on_auth_error()
        return None

    @rx.event
    @checks_session
    def open(self) -> rx.event.EventSpec | None:
        """``/wizard``: checks the session itself (one event per page change)."""
        actor, elsewhere = self._guard_in_load()
        if actor is None:
            return elsewhere
        try:
            self._fill(actor)
        except AuthError:
            return self._on_auth_error()
        return None

    @rx.event
    def ask_delete(self, run_id: int) -> None:
        for run in self.runs:
            if run.id == run_id:
                self.confirm_id = run.id
                self.confirm_label = run.certification.get(self.locale, "")

    @rx.event
    def cancel_delete(self) -> None:
        self.confirm_id = 0

    @rx.event
    def delete(self) -> rx.event.EventSpec | None:
        self.error = ""
        run_id, self.confirm_id = self.confirm_id, 0
        if not run_id:
            return None
        try:
            with self._acting() as (session, actor):
                service.delete(session, actor=actor, run_id=run_id)
            self._fill()
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.error = self._error_text(exc)
        return None


class WizardState(AppState):
    """One run: a question, the check-your-answers summary, or the result; or on
    ``/wizard/new`` the first question of a diagnosis not saved yet (``run_id`` 0)."""

    run_id: int = 0
    view: str = ""  # "question" | "check" | "result" | "missing" | "refused" (error says why)
    question: present.QuestionView = present.QuestionView()
    answers: list[present.AnswerView] = []
    outcome: present.OutcomeView = present.OutcomeView()
    certification: present.L = {}
    version_number: int = 0
    done: bool = False
    back_href: str = "/wizard"
    changing: bool = False
    error: str = ""
    busy: bool = False
    cert_filter: str = ""
    copied: str = ""
    form_key: str = ""
    last_question: str = ""
    # what the question page was built from (backend only): its answer is then saved in one
    # statement (service.quick_answer), or the long way when anything changed since
    _seen_run: int = 0
    _seen_answers: str = ""
    _seen_digest: str = ""
    _seen_locale: str = ""  # "" = the person has not chosen one (no locale is "")
    # a diagnosis not saved yet: what its first question was built from (its answer is then
    # saved in one statement, service.quick_begin, or the long way on that knowledge version)
    _draft_user: int = 0
    _draft_version: int = 0
    _draft_digest: str = ""
    _draft_answers: str = ""
    _draft_credential: int = 0
    _draft_locale: str = ""
    _certs: list[CertRow] = []

    @rx.var
    def filtered_certs(self) -> list[dict[str, str]]:
        """The certifications matching the search: ``{"id", "ja", "en"}`` each."""
        needle = " ".join(self.cert_filter.casefold().split())
        return [
            {"id": id_, "ja": ja, "en": en}
            for id_, ja, en, search in self._certs
            if not needle or needle in search
        ]

    def _target(self) -> tuple[int, str]:
        parts = [p for p in self.router.url.path.split("/") if p]
        run = parts[1] if len(parts) > 1 else ""
        step = parts[2] if len(parts) > 2 else ""
        return (int(run) if run.isdigit() and len(run) < 12 else 0), step

    def _show(self, ctx: service.RunContext, step: str) -> None:
        walk = ctx.walk
        run_id = ctx.run.id or 0
        cert = walk.used.get(ctx.bundle.linkage.certification_question, "")
        # (only what changed is sent to the page again: see _assign)
        self._assign(
            run_id=run_id,
            done=ctx.run.status == DONE,
            version_number=ctx.version.number,
            certification=present.certification_label(ctx.bundle, cert) if cert else {},
            answers=present.answers_view(ctx.bundle, walk),
            last_question=walk.path[-1] if walk.path else "",
            copied="",
            form_key=f"{run_id}-{step}-{len(walk.used)}-{ctx.answers.get(step, '')}",
        )
        if (
            step != RESULT
            and step != CHECK
            and ctx.bundle.linkage.question(step).kind == "certification"
        ):
            certs = _cert_rows(ctx.bundle)
            if certs != self._certs:  # the page has them already: not sent again (about 25 KB)
                self._certs = list(certs)
        elif self._certs:
            # only the certification question needs the list: every later event of the tab reads
            # and writes this state (21 KB with it, 3 KB without)
            self._certs = []
        if step == RESULT:
            outcome = present.outcome_view(
                ctx.bundle,
                walk,
                identity=ctx.identity,
                name=self.user_name,
                today=ctx.today,
                certification_number=ctx.certification_number,
            )
            self._assign(view="result", outcome=outcome)
            return
        if step == CHECK:
            self._assign(view="check")
            return
        previous = walk.previous(step)
        back = f"/wizard/{run_id}/{previous}" if previous else "/wizard"
        self._assign(
            view="question",
            question=present.question_view(ctx.bundle, walk, step, ctx.answers, ctx.suggestions),
            back_href=f"/wizard/{run_id}/{CHECK}" if self.changing else back,
        )

    def _resolve(self, ctx: service.RunContext, step: str) -> str:
        """Which step to show for the URL: an unknown or out-of-order step lands on the first
        unanswered question; the result only once confirmed."""
        if step == RESULT:
            if ctx.run.status == DONE and ctx.walk.complete:
                return RESULT
            return CHECK if ctx.walk.complete else (ctx.walk.current or CHECK)
        if step == CHECK:
            return CHECK if ctx.walk.complete else (ctx.walk.current or CHECK)
        return engine.resolve_step(ctx.walk, step)

    @rx.event
    @checks_session
    def load(self) -> rx.event.EventSpec | None:
        principal, elsewhere = self._guard_in_load()
        if principal is None:
            return elsewhere
        # (setting the search box even to the same value would send the list again)
        self._assign(
            error="",
            busy=False,
            cert_filter="",
            changing=self.router.url.query_parameters.get("change") == "1",
        )
        self._remember_seen(None)
        self._remember_draft(None)  # a page that is not a new diagnosis' question saves none
        if self._on_new():
            return self._load_draft(principal)
        run_id, step = self._target()
        ctx = self._quick_context(principal, run_id)
        if ctx is None:
            try:
                with self._acting_as(principal) as (session, actor):
                    ctx = service.context(session, actor=actor, run_id=run_id)
            except AuthError:
                return self._on_auth_error()
            except Unavailable:
                self.unavailable = True  # the page says the database cannot be reached
                return None
            except (CertportalError, KnowledgeError):
                # not mine, gone, or pinned to a knowledge version this app can no longer read
                self._assign(view="missing", run_id=0)
                return None
        target = self._resolve(ctx, step)
        if target != step:
            return rx.redirect(f"/wizard/{run_id}/{target}", replace=True)
        self._show(ctx, target)
        if self.view in ("question", "check"):
            self._remember_seen(service.seen(ctx, principal))
        return None

    def _on_new(self) -> bool:
        return [p for p in self.router.url.path.split("/") if p] == ["wizard", "new"]

    def _start_query(self) -> tuple[str | None, int | None]:
        """``/wizard/new``'s certification or credential (``?cert=``, ``?credential=``)."""
        query = self.router.url.query_parameters
        credential = query.get("credential") or ""
        return (
            (query.get("cert") or None),
            int(credential) if credential.isdigit() and len(credential) < 12 else None,
        )

    def _load_draft(self, principal: Principal) -> rx.event.EventSpec | None:
        """``/wizard/new``: the first question still to ask, nothing saved yet (one read)."""
        cert, credential = self._start_query()
        ctx = self._one_read(
            lambda c: service.quick_draft(
                c, actor=principal, certification_id=cert, credential_id=credential
            )
        )
        try:
            if ctx is None:
                with self._acting_as(principal) as (session, actor):
                    ctx = service.draft(
                        session, actor=actor, certification_id=cert, credential_id=credential
                    )
            if ctx.walk.current is None:
                # everything is known already (a credential): saved now, to check the answers
                with self._acting_as(principal) as (session, actor):
                    run = service.start(
                        session, actor=actor, certification_id=cert, credential_id=credential
                    )
                return rx.redirect(f"/wizard/{run.id}/{CHECK}", replace=True)
        except AuthError:
            return self._on_auth_error()
        except Unavailable:
            self.unavailable = True
            return None
        except CertportalError as exc:
            self._assign(view="refused", error=self._error_text(exc), run_id=0)
            return None
        except KnowledgeError:
            self._assign(view="missing", run_id=0)
            return None
        self._remember_draft(service.drafted(ctx, principal))
        self._show(ctx, ctx.walk.current)
        self._assign(back_href="/wizard")  # nothing before it to go back to
        return None

    def _remember_draft(self, draft: service.Draft | None) -> None:
        self._draft_user = draft.user_id if draft else 0
        self._draft_version = draft.version_id if draft else 0
        self._draft_digest = draft.digest if draft else ""
        self._draft_answers = draft.answers if draft else ""
        self._draft_credential = (draft.credential_id or 0) if draft else 0
        self._draft_locale = (draft.locale or "") if draft else ""

    def _draft(self) -> service.Draft | None:
        if not self._draft_user or not self._draft_version:
            return None
        return service.Draft(
            user_id=self._draft_user,
            version_id=self._draft_version,
            digest=self._draft_digest,
            answers=self._draft_answers,
            credential_id=self._draft_credential or None,
            locale=self._draft_locale or None,
        )

    def _quick_context(self, principal: Principal, run_id: int) -> service.RunContext | None:
        """The page's run in one read (``service.quick_context``); None: the long way, which
        also says what is wrong (not mine, gone, the database down)."""
        return self._one_read(lambda c: service.quick_context(c, actor=principal, run_id=run_id))

    def _remember_seen(self, seen: service.Seen | None) -> None:
        self._seen_run = seen.run_id if seen else 0
        self._seen_answers = seen.answers if seen else ""
        self._seen_digest = seen.digest if seen else ""
        self._seen_locale = (seen.locale or "") if seen else ""

    def _seen(self) -> service.Seen | None:
        if not self._seen_run or self._seen_run != self.run_id:
            return None
        return service.Seen(
            run_id=self._seen_run,
            answers=self._seen_answers,
            digest=self._seen_digest,
            locale=self._seen_locale or None,
        )

    def _quick(self, question_id: str, value: str) -> engine.Walk | None:
        """The answer saved in one statement, if nothing changed since the page was built."""
        seen = self._seen()
        if seen is None:
            return None
        quick = self._one_statement(
            lambda c, token: service.quick_answer(
                c, token=token, seen=seen, question_id=question_id, value=value
            )
        )
        if quick is None:
            return None
        self._seen_answers = quick.answers
        return quick.walk

    def _attempt(
        self, action: Callable[[], service.RunContext]
    ) -> tuple[service.RunContext | None, rx.event.EventSpec | None]:
        """Run a service call; on failure show the error (or sign-in again) and say so."""
        try:
            return action(), None
        except AuthError:
            self.busy = False
            return None, self._on_auth_error()
        except CertportalError as exc:
            self.busy = False
            self.error = self._error_text(exc)
            return None, None

    @rx.event
    def set_cert_filter(self, value: str) -> None:
        self.cert_filter = value[:100]

    def _answer(self, value: str) -> Iterator[rx.event.EventSpec | None]:
        # Only what changed is assigned: a var assigned (even to the same value) goes to the
        # browser as a frame of its own before the redirect, and the question stays on screen
        # until the next page's load replaces it (the form is keyed, so no value carries over).
        if self.error:
            self.error = ""
        question_id = self.question.id
        if not self.run_id:
            # a new diagnosis' question, as its page was loaded (else there is nothing to answer)
            if self._draft() is not None and self._on_new() and self.view == "question":
                yield from self._begin(question_id, value)
            return

        def act() -> service.RunContext:
            with self._acting() as (session, actor):
                return service.answer(
                    session, actor=actor, run_id=self.run_id, question_id=question_id, value=value
                )

        walk = self._quick(question_id, value)
        if walk is None:
            # the long way takes a moment (and says what is wrong, if anything): show it working
            self.busy = True
            yield None
            ctx, event = self._attempt(act)
            if ctx is None:
                # keep what was typed: the field shows it again with the error
                self.question = dataclasses.replace(
                    self.question, value=value[:100] if value != UNKNOWN else ""
                )
                yield event
                return
            walk = ctx.walk
        changing = self.changing or self.router.url.query_parameters.get("change") == "1"
        target = engine.next_step(walk, question_id, changing=changing)
        yield rx.redirect(f"/wizard/{self.run_id}/{target}")

    def _begin(self, question_id: str, value: str) -> Iterator[rx.event.EventSpec | None]:
        """The first answer of a diagnosis not saved yet: saved with it (in one statement when
        nothing changed since its question was shown), then onward. The new URL replaces
        ``/wizard/new``: going back in the browser does not start another."""
        draft = self._draft()
        begun = (
            self._one_statement(
                lambda c, token: service.quick_begin(
                    c, token=token, draft=draft, question_id=question_id, value=value
                )
            )
            if draft is not None
            else None
        )
        if begun is None:
            cert, credential = self._start_query()

            def act() -> service.RunContext:
                with self._acting() as (session, actor):
                    return service.begin(
                        session,
                        actor=actor,
                        version_id=self._draft_version or None,
                        certification_id=cert,
                        credential_id=credential,
                        question_id=question_id,
                        value=value,
                    )

            ctx, event = self._attempt(act)
            if ctx is None:
                self.question = dataclasses.replace(
                    self.question, value=value[:100] if value != UNKNOWN else ""
                )
                yield event
                return
            begun = service.Begun(run_id=ctx.run.id or 0, walk=ctx.walk)
        self._remember_draft(None)
        # saved: a second click already queued answers this run again, not a second run
        self.run_id = begun.run_id
        target = engine.next_step(begun.walk, question_id)
        yield rx.redirect(f"/wizard/{begun.run_id}/{target}", replace=True)

    @rx.event
    def submit(self, form: dict[str, str]) -> Iterator[rx.event.EventSpec | None]:
        yield from self._answer(str(form.get("answer", "")).strip()[:100])

    @rx.event
    def dont_know(self) -> Iterator[rx.event.EventSpec | None]:
        yield from self._answer(UNKNOWN)

    @rx.event
    def confirm(self) -> Iterator[rx.event.EventSpec | None]:
        if self.error:
            self.error = ""
        if self._quick_finish():
            # (as an answer: the summary stays until the result page's load replaces it)
            yield rx.redirect(f"/wizard/{self.run_id}/{RESULT}")
            return
        self.busy = True
        yield None

        def act() -> service.RunContext:
            with self._acting() as (session, actor):
                return service.finish(session, actor=actor, run_id=self.run_id)

        ctx, event = self._attempt(act)
        if ctx is None:
            yield event
            return
        self.view = ""
        yield rx.redirect(f"/wizard/{self.run_id}/{RESULT}")

    def _quick_finish(self) -> bool:
        """The answers confirmed in one statement, if nothing changed since the summary was
        built."""
        seen = self._seen()
        return seen is not None and bool(
            self._one_statement(
                lambda c, token: service.quick_finish(c, token=token, seen=seen) or None
            )
        )

    @rx.event
    def copy_support(self, locale: str) -> rx.event.EventSpec:
        locale = "ja" if locale == "ja" else "en"
        self.copied = locale
        return rx.set_clipboard(self.outcome.support.full.get(locale, ""))
