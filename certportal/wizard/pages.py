"""Wizard pages, in the manner of GOV.UK question pages: one question a page, a back link that
keeps answers, "Question n", check your answers with Change links, then the result."""

from __future__ import annotations

from typing import Any

import reflex as rx

from certportal.auth.state import AppState
from certportal.ui import styles
from certportal.ui.components import busy_button, callout, confirm_dialog, data_table
from certportal.ui.layout import page, page_title
from certportal.ui.text import lt, t
from certportal.wizard import present
from certportal.wizard.state import (
    RunItem,
    WizardListState,
    WizardState,
)

OWNER_COLORS = {"you": "teal", "pc_admin": "violet", "microsoft": "blue", "provider": "orange"}
KIND_COLORS = {
    "ok": "green",
    "wait": "blue",
    "action": "amber",
    "blocked": "red",
    "find_out": "gray",
}
NARROW = "680px"


def _kind_badge(kind: rx.Var[str]) -> rx.Component:
    return rx.match(
        kind,
        *[
            (k, rx.badge(t(f"wizard.kind.{k}"), color_scheme=c, size="2"))
            for k, c in KIND_COLORS.items()
        ],
        rx.fragment(),
    )


# --- my diagnoses -----------------------------------------------------------------------------


def run_card(run: RunItem) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(lt(run.certification), href=run.href, weight="medium"),
            rx.cond(
                run.done,
                rx.hstack(_kind_badge(run.outcome_kind), rx.text(lt(run.outcome), size="2")),
                rx.badge(t("wizard.in_progress"), color_scheme="gray"),
            ),
            rx.text(
                t("wizard.updated"),
                ": ",
                lt(run.updated),
                " · ",
                t("wizard.version"),
                " ",
                run.version,
                size="1",
                color=styles.MUTED_TEXT,
            ),
            spacing="1",
            align="start",
        ),
        rx.button(
            rx.icon("trash-2", size=14),
            variant="ghost",
            color_scheme="red",
            size="1",
            aria_label=t("wizard.delete_run"),
            on_click=WizardListState.ask_delete(run.id),
        ),
        justify="between",
        align="center",
        width="100%",
        padding_y=styles.SPACE_2,
        border_bottom=f"1px solid {styles.BORDER}",
        class_name="cp-run",
    )


def resume_card() -> rx.Component:
    """Home page: continue the latest unfinished diagnosis, or start one."""
    return rx.vstack(
        rx.heading(t("wizard.home_title"), size="5", as_="h2"),
        rx.cond(
            WizardListState.resume.length() > 0,
            rx.foreach(
                WizardListState.resume,
                lambda run: rx.vstack(
                    rx.text(t("wizard.continue_hint"), size="2", color=styles.MUTED_TEXT),
                    rx.text(lt(run.certification), weight="medium"),
                    rx.link(
                        rx.button(rx.icon("play", size=14), t("wizard.continue")),
                        href=run.href,
                        id="resume-run",
                    ),
                    spacing="2",
                    align="start",
                ),
            ),
            rx.text(t("wizard.home_hint"), size="2", color=styles.MUTED_TEXT),
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("stethoscope", size=14), t("wizard.start"), variant="soft"),
                href="/wizard/new",
            ),
            rx.link(t("wizard.my_runs"), href="/wizard", size="2"),
            align="center",
            spacing="4",
        ),
        style=styles.card,
        spacing="3",
        id="wizard-card",
    )


@page("/wizard", title="wizard.my_runs", on_load=[WizardListState.open])
def wizard_list_page() -> rx.Component:
    return rx.vstack(
        page_title(
            "wizard.my_runs",
            rx.link(rx.button(rx.icon("plus", size=14), t("wizard.start")), href="/wizard/new"),
        ),
        rx.text(t("wizard.intro"), color=styles.MUTED_TEXT),
        callout(WizardListState.error, "red", "alert"),
        rx.cond(
            ~WizardListState.loaded,
            rx.spinner(),
            rx.cond(
                WizardListState.runs.length() > 0,
                rx.vstack(
                    rx.foreach(WizardListState.runs, run_card), style=styles.card, spacing="0"
                ),
                rx.vstack(
                    rx.icon("stethoscope", size=28, color=styles.MUTED_TEXT),
                    rx.text(t("wizard.no_runs"), color=styles.MUTED_TEXT),
                    style=styles.card,
                    align="center",
                    id="no-runs",
                ),
            ),
        ),
        confirm_dialog(
            is_open=WizardListState.confirm_id != 0,
            title=t("wizard.delete_run"),
            subject=WizardListState.confirm_label,
            body=t("wizard.confirm_delete"),
            confirm_label=t("common.delete"),
            on_cancel=WizardListState.cancel_delete,
            on_confirm=WizardListState.delete,
        ),
        spacing="4",
        width="100%",
    )


# --- one question a page ----------------------------------------------------------------------


def _back(href: rx.Var[str] | str, key: str = "wizard.back", **props: Any) -> rx.Component:
    return rx.link(
        rx.hstack(rx.icon("chevron-left", size=16), t(key), spacing="1", align="center"),
        href=href,
        size="2",
        **props,
    )


def _back_link() -> rx.Component:
    return _back(WizardState.back_href, id="back-link")


def _radio(
    value: rx.Var[str] | str, label: rx.Var[str], hint: rx.Var[str] | None = None
) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="radio",
                name="answer",
                value=value,
                default_checked=WizardState.question.value == value,
                class_name="cp-radio",
            ),
            rx.vstack(
                rx.text(label, weight="medium"),
                rx.cond(hint != "", rx.text(hint, size="2", color=styles.MUTED_TEXT))
                if hint is not None
                else rx.fragment(),
                spacing="0",
            ),
            align="start",
            spacing="3",
        ),
        class_name="cp-choice",
    )


def _option(option: present.OptionView) -> rx.Component:
    return _radio(option.value, lt(option.label), lt(option.hint))


def _yesno() -> rx.Component:
    return rx.vstack(
        _radio("yes", t("common.yes")),
        _radio("no", t("common.no")),
        spacing="2",
        width="100%",
    )


def _unknown_choice() -> rx.Component:
    return rx.cond(
        WizardState.question.allow_unknown,
        rx.vstack(
            rx.text(t("wizard.or"), size="2", color=styles.MUTED_TEXT),
            _radio("unknown", lt(WizardState.question.unknown_label)),
            spacing="2",
            width="100%",
        ),
    )


def _cert_option(choice: rx.Var[dict[str, str]]) -> rx.Component:
    return rx.el.option(lt(choice), value=choice.to(dict)["id"].to(str))


def _certification_input() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("wizard.cert_search"), html_for="cert-filter", class_name="cp-label"),
        rx.input(
            id="cert-filter",
            name="cert_filter",
            value=WizardState.cert_filter,
            on_change=WizardState.set_cert_filter.debounce(200),
            placeholder="AZ-104",
            max_length=100,
            width="100%",
        ),
        rx.el.label(t("wizard.cert_pick"), html_for="answer-cert", class_name="cp-label"),
        rx.el.select(
            rx.el.option(t("wizard.cert_choose"), value=""),
            rx.foreach(WizardState.filtered_certs, _cert_option),
            id="answer-cert",
            name="answer",
            default_value=WizardState.question.value,
            class_name="cp-native-select",
            size=8,
        ),
        spacing="2",
        width="100%",
    )


def _date_input() -> rx.Component:
    return rx.vstack(
        rx.el.input(
            type="date",
            id="answer-date",
            name="answer",
            default_value=rx.cond(
                WizardState.question.value == "unknown", "", WizardState.question.value
            ),
            class_name="cp-date",
            aria_describedby="question-help",
        ),
        rx.cond(
            WizardState.question.allow_unknown,
            rx.button(
                lt(WizardState.question.unknown_label),
                type="button",
                variant="ghost",
                on_click=WizardState.dont_know,
                id="dont-know",
            ),
        ),
        spacing="3",
        align="start",
    )


def _question() -> rx.Component:
    q = WizardState.question
    return rx.vstack(
        _back_link(),
        rx.cond(
            WizardState.error != "",
            rx.box(
                rx.heading(t("wizard.error_summary"), size="3", as_="h2"),
                rx.link(WizardState.error, href="#answer-fieldset"),
                class_name="cp-error-summary",
                role="alert",
                id="error-summary",
            ),
        ),
        rx.text(
            t("wizard.question"),
            " ",
            q.number,
            rx.cond(
                WizardState.certification.length() > 0,
                rx.text.span(" · ", lt(WizardState.certification)),
            ),
            size="2",
            color=styles.MUTED_TEXT,
            id="question-number",
        ),
        rx.form(
            rx.vstack(
                rx.el.fieldset(
                    rx.el.legend(
                        rx.heading(lt(q.text), size="7", as_="h1"), class_name="cp-legend"
                    ),
                    rx.cond(
                        lt(q.help) != "",
                        rx.text(lt(q.help), color=styles.MUTED_TEXT, id="question-help"),
                    ),
                    rx.cond(
                        q.suggested,
                        rx.callout.root(
                            rx.callout.icon(rx.icon("id-card")),
                            rx.callout.text(t("wizard.prefilled")),
                            color_scheme="blue",
                            size="1",
                            id="prefilled",
                        ),
                    ),
                    rx.cond(
                        WizardState.error != "",
                        rx.text(
                            WizardState.error,
                            color=styles.DANGER,
                            weight="medium",
                            id="answer-error",
                        ),
                    ),
                    rx.match(
                        q.kind,
                        ("certification", _certification_input()),
                        ("date", _date_input()),
                        ("yesno", rx.vstack(_yesno(), _unknown_choice(), width="100%")),
                        rx.vstack(
                            rx.foreach(q.options, _option),
                            _unknown_choice(),
                            spacing="2",
                            width="100%",
                        ),
                    ),
                    class_name=rx.cond(
                        WizardState.error != "", "cp-fieldset cp-has-error", "cp-fieldset"
                    ),
                    id="answer-fieldset",
                ),
                busy_button(
                    t("wizard.continue_button"),
                    busy=WizardState.busy,
                    type="submit",
                    size="3",
                    id="continue",
                ),
                spacing="5",
                align="start",
                width="100%",
            ),
            on_submit=WizardState.submit,
            no_validate=True,
            key=WizardState.form_key,
            width="100%",
        ),
        spacing="4",
        align="start",
        width="100%",
        max_width=NARROW,
    )


# --- check your answers -----------------------------------------------------------------------


def _answer_row(answer: present.AnswerView) -> rx.Component:
    return rx.el.div(
        rx.el.dt(lt(answer.question), class_name="cp-summary-key"),
        rx.el.dd(lt(answer.answer), class_name="cp-summary-value"),
        rx.el.dd(
            rx.link(
                t("wizard.change"),
                rx.el.span(" ", lt(answer.question), class_name="cp-visually-hidden"),
                href="/wizard/"
                + WizardState.run_id.to(str)
                + "/"
                + answer.question_id
                + "?change=1",
            ),
            class_name="cp-summary-action",
        ),
        class_name="cp-summary-row",
    )


def _check() -> rx.Component:
    return rx.vstack(
        _back(
            "/wizard/" + WizardState.run_id.to(str) + "/" + WizardState.last_question,
            id="back-link",
        ),
        rx.heading(t("wizard.check_title"), size="7", as_="h1"),
        rx.el.dl(
            rx.foreach(WizardState.answers, _answer_row), class_name="cp-summary", id="summary"
        ),
        callout(WizardState.error, "red", "alert"),
        rx.heading(t("wizard.check_now"), size="4", as_="h2"),
        rx.text(t("wizard.check_hint"), color=styles.MUTED_TEXT),
        busy_button(
            t("wizard.see_result"),
            busy=WizardState.busy,
            size="3",
            on_click=WizardState.confirm,
            id="see-result",
        ),
        spacing="4",
        align="start",
        width="100%",
        max_width="820px",
    )


# --- the result -------------------------------------------------------------------------------


def _step(step: present.StepView) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.match(
                    step.owner,
                    *[
                        (o, rx.badge(t(f"wizard.owner.{o}"), color_scheme=c, variant="soft"))
                        for o, c in OWNER_COLORS.items()
                    ],
                    rx.fragment(),
                ),
                align="center",
            ),
            rx.text(lt(step.text)),
            rx.cond(
                step.link != "",
                rx.link(
                    step.link,
                    rx.icon("external-link", size=12),
                    href=step.link,
                    is_external=True,
                    size="2",
                ),
            ),
            spacing="1",
            align="start",
        ),
        class_name="cp-step",
    )


def _score_row(score: present.ScoreView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.text(lt(score.designation), weight="medium"),
            rx.text(lt(score.metric), size="1", color=styles.MUTED_TEXT),
        ),
        rx.table.cell(
            rx.cond(
                score.role == "points",
                rx.badge(t("wizard.score_points"), color_scheme="green"),
                rx.badge(t("wizard.score_gate"), color_scheme="amber"),
            )
        ),
        rx.table.cell(score.enterprise_points),
        rx.table.cell(score.smb_points),
        rx.table.cell(score.max_points),
        rx.table.cell(
            rx.cond(lt(score.points_until) != "", lt(score.points_until), "—"),
        ),
    )


def _scores_panel() -> rx.Component:
    o = WizardState.outcome
    return rx.vstack(
        rx.heading(t("wizard.scores_title"), size="4", as_="h2"),
        rx.cond(
            o.scores.length() > 0,
            rx.vstack(
                rx.text(t("wizard.scores_yes"), size="2"),
                data_table(
                    [
                        "wizard.col_designation",
                        "wizard.col_role",
                        "wizard.col_enterprise",
                        "wizard.col_smb",
                        "wizard.col_max",
                        "wizard.col_until",
                    ],
                    rx.foreach(o.scores, _score_row),
                ),
                rx.text(t("wizard.scores_note"), size="1", color=styles.MUTED_TEXT),
                width="100%",
            ),
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-slash")),
                rx.callout.text(t("wizard.scores_none")),
                color_scheme="orange",
                id="scores-none",
            ),
        ),
        style=styles.card,
        spacing="3",
        id="scores",
    )


def _support_tab(locale: str) -> rx.Component:
    s = WizardState.outcome.support
    return rx.tabs.content(
        rx.vstack(
            rx.text(t("wizard.subject"), size="1", weight="bold", color=styles.MUTED_TEXT),
            rx.text(s.subject[locale], weight="medium", lang=locale),
            rx.el.pre(s.body[locale], class_name="cp-message", lang=locale, id=f"support-{locale}"),
            rx.hstack(
                rx.button(
                    rx.icon("copy", size=14),
                    t(f"wizard.copy_{locale}"),
                    on_click=WizardState.copy_support(locale),
                    id=f"copy-{locale}",
                ),
                rx.cond(
                    WizardState.copied == locale,
                    rx.text(t("wizard.copied"), color=styles.BRAND, size="2", role="status"),
                ),
                align="center",
                spacing="3",
            ),
            spacing="2",
            align="start",
            padding_top=styles.SPACE_3,
        ),
        value=locale,
    )


def _support_panel() -> rx.Component:
    s = WizardState.outcome.support
    return rx.cond(
        WizardState.outcome.has_support,
        rx.vstack(
            rx.heading(t("wizard.support_title"), size="4", as_="h2"),
            rx.text(
                t("wizard.support_channel"),
                ": ",
                rx.link(lt(s.channel), href=s.channel_url, is_external=True),
                size="2",
            ),
            rx.text(t("wizard.support_hint"), size="2", color=styles.MUTED_TEXT),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("life-buoy", size=14), t("cases.start_from_result")),
                    href="/cases/new?run=" + WizardState.run_id.to_string(),
                    id="start-case",
                ),
                rx.text(t("cases.start_from_result_hint"), size="2", color=styles.MUTED_TEXT),
                spacing="3",
                align="center",
                wrap="wrap",
            ),
            rx.tabs.root(
                rx.tabs.list(
                    rx.tabs.trigger("日本語", value="ja"), rx.tabs.trigger("English", value="en")
                ),
                _support_tab("ja"),
                _support_tab("en"),
                default_value=AppState.locale,
                width="100%",
            ),
            style=styles.card,
            spacing="3",
            id="support",
        ),
    )


def _source(source: present.SourceView) -> rx.Component:
    return rx.el.li(
        rx.cond(
            source.url != "",
            rx.link(lt(source.label), href=source.url, is_external=True),
            rx.text.span(lt(source.label)),
        ),
        rx.cond(
            lt(source.note) != "", rx.text.span(" — ", lt(source.note), color=styles.MUTED_TEXT)
        ),
        rx.text.span(
            " · ", t("wizard.checked_on"), " ", lt(source.checked_on), color=styles.MUTED_TEXT
        ),
        rx.cond(
            source.stale, rx.badge(t("knowledge.stale"), color_scheme="orange", margin_left="6px")
        ),
        class_name="cp-source",
    )


def _result() -> rx.Component:
    o = WizardState.outcome
    return rx.vstack(
        _back("/wizard", "wizard.my_runs"),
        rx.vstack(
            rx.hstack(
                _kind_badge(o.kind),
                rx.text(lt(WizardState.certification), size="2", color=styles.MUTED_TEXT),
                align="center",
            ),
            rx.heading(lt(o.title), size="7", as_="h1", id="outcome-title"),
            rx.text(lt(o.diagnosis), size="3"),
            rx.cond(
                lt(o.recheck_on) != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("calendar-clock")),
                    rx.callout.text(t("wizard.recheck_on"), " ", lt(o.recheck_on)),
                    color_scheme="blue",
                    id="recheck",
                ),
            ),
            spacing="3",
            width="100%",
            class_name="cp-outcome-head",
        ),
        rx.foreach(
            o.warnings,
            lambda w: rx.callout.root(
                rx.callout.icon(rx.icon("triangle-alert")),
                rx.callout.text(lt(w)),
                color_scheme="amber",
                class_name="cp-warning",
                width="100%",
            ),
        ),
        rx.grid(
            rx.vstack(
                rx.vstack(
                    rx.heading(t("wizard.steps_title"), size="4", as_="h2"),
                    rx.el.ol(rx.foreach(o.steps, _step), class_name="cp-steps", id="steps"),
                    style=styles.card,
                    spacing="3",
                ),
                _support_panel(),
                spacing="4",
                width="100%",
            ),
            rx.vstack(
                _scores_panel(),
                rx.vstack(
                    rx.heading(t("wizard.answers_title"), size="4", as_="h2"),
                    rx.el.dl(
                        rx.foreach(
                            o.answers,
                            lambda a: rx.el.div(
                                rx.el.dt(lt(a.question), class_name="cp-summary-key"),
                                rx.el.dd(lt(a.answer), class_name="cp-summary-value"),
                                class_name="cp-summary-row cp-summary-compact",
                            ),
                        ),
                        class_name="cp-summary",
                    ),
                    rx.link(
                        t("wizard.change_answers"),
                        href="/wizard/" + WizardState.run_id.to(str) + "/check",
                        size="2",
                    ),
                    style=styles.card,
                    spacing="3",
                ),
                rx.vstack(
                    rx.heading(t("wizard.sources_title"), size="4", as_="h2"),
                    rx.el.ul(rx.foreach(o.sources, _source), class_name="cp-sources", id="sources"),
                    rx.text(
                        t("wizard.version_note"),
                        " ",
                        WizardState.version_number,
                        size="1",
                        color=styles.MUTED_TEXT,
                        id="knowledge-version",
                    ),
                    style=styles.card,
                    spacing="3",
                ),
                spacing="4",
                width="100%",
            ),
            columns=rx.breakpoints(initial="1", md="3fr 2fr"),
            spacing="5",
            width="100%",
        ),
        rx.hstack(
            rx.link(
                rx.button(rx.icon("plus", size=14), t("wizard.start_another"), variant="soft"),
                href="/wizard/new",
            ),
            rx.link(t("wizard.my_runs"), href="/wizard"),
            spacing="4",
            align="center",
        ),
        spacing="4",
        width="100%",
    )


def _missing() -> rx.Component:
    return rx.vstack(
        rx.heading(t("wizard.missing_title"), size="6", as_="h1"),
        rx.text(t("wizard.error.no_run")),
        rx.link(t("wizard.my_runs"), href="/wizard"),
        style=styles.card,
        max_width=NARROW,
        id="run-missing",
    )


def _refused() -> rx.Component:
    """``/wizard/new`` for something that cannot be diagnosed (not a certification, not my
    credential): said, and nothing saved."""
    return rx.vstack(
        rx.heading(t("wizard.start"), size="6", as_="h1"),
        callout(WizardState.error, "red", "alert"),
        rx.link(t("wizard.my_runs"), href="/wizard"),
        style=styles.card,
        max_width=NARROW,
        id="run-refused",
    )


def _wizard() -> rx.Component:
    return rx.match(
        WizardState.view,
        ("question", _question()),
        ("check", _check()),
        ("result", _result()),
        ("missing", _missing()),
        ("refused", _refused()),
        rx.center(rx.spinner(size="3"), width="100%", padding_top="10vh"),
    )


@page("/wizard/new", title="wizard.start", on_load=[WizardState.load])
def wizard_new_page() -> rx.Component:
    """A new diagnosis: its first question, saved once answered."""
    return _wizard()


@page(
    "/wizard/[wrun]/[wstep]",
    title="wizard.title",
    on_load=[WizardState.load],
)
def wizard_page() -> rx.Component:
    return _wizard()
