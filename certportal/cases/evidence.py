"""The evidence pack of a support case (pure): everything Microsoft or a provider needs to act,
in one print-ready document — the case, the credentials with numbers and dates, the person's
identities, and the whole history with dates and reference numbers.

``render_html`` makes a standalone HTML file (no scripts, no outside resources, every value
escaped) that prints on A4; the app's print page shows the same content.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import date, datetime

from certportal.i18n.catalog import translate
from certportal.i18n.formatting import format_date, format_datetime


@dataclass(frozen=True)
class PackCredential:
    name: str
    code: str
    number: str
    provider: str  # key suffix: pearson_vue, certiport, …
    earned_on: date
    expires_on: date | None
    exams: tuple[tuple[str, date | None], ...] = ()


@dataclass(frozen=True)
class PackEvent:
    day: date
    kind: str
    text: str = ""
    status_from: str = ""
    status_to: str = ""
    resolution: str = ""
    follow_up_on: date | None = None


@dataclass(frozen=True)
class Pack:
    case_id: int
    person: str
    email: str
    channel: str
    reference: str
    subject: str
    status: str
    resolution: str
    opened_on: date | None
    follow_up_on: date | None
    generated_at: datetime
    credentials: tuple[PackCredential, ...] = ()
    identities: tuple[tuple[str, str], ...] = ()  # (message key, value)
    events: tuple[PackEvent, ...] = ()
    attachments: tuple[str, ...] = field(default_factory=tuple)


def event_line(event: PackEvent, locale: str) -> str:
    """What happened, in words (without the date)."""
    label = translate(locale, f"cases.event.{event.kind}")
    extra: list[str] = []
    if event.status_to and event.kind != "opened":
        states = [
            translate(locale, f"cases.status.{s}")
            for s in (event.status_from, event.status_to)
            if s
        ]
        extra.append(" → ".join(states))
    if event.resolution:
        extra.append(translate(locale, f"cases.resolution.{event.resolution}"))
    if event.follow_up_on is not None:
        extra.append(format_date(event.follow_up_on, locale))
    elif event.kind == "follow_up_set":
        extra.append(translate(locale, "cases.follow_up_cleared"))
    return f"{label}: {' · '.join(extra)}" if extra else label


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def render_body(pack: Pack, locale: str) -> str:
    """The pack's content (every value escaped), for the print page and the file."""

    def tr(key: str, **params: object) -> str:
        return translate(locale, key, **params)

    def day(value: date | None) -> str:
        return format_date(value, locale) if value else "—"

    generated = format_datetime(pack.generated_at, locale)
    rows = [
        (tr("cases.field.channel"), tr(f"cases.channel.{pack.channel}")),
        (tr("cases.field.reference"), pack.reference or "—"),
        (tr("cases.field.subject"), pack.subject),
        (tr("cases.field.status"), tr(f"cases.status.{pack.status}")),
        (tr("cases.field.opened_on"), day(pack.opened_on)),
        (tr("cases.field.follow_up_on"), day(pack.follow_up_on)),
        (tr("cases.evidence.person"), f"{pack.person} <{pack.email}>"),
    ]
    if pack.resolution:
        rows.insert(4, (tr("cases.field.resolution"), tr(f"cases.resolution.{pack.resolution}")))
    parts = [
        f"<h1>{_e(tr('cases.evidence.title'))} — {_e(pack.subject)}</h1>",
        f"<p>{_e(tr('cases.evidence.generated', when=generated))}</p>",
        '<table class="kv">',
        *[f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows],
        "</table>",
        f"<h2>{_e(tr('cases.evidence.credentials'))}</h2>",
    ]
    if pack.credentials:
        parts.append(
            "<table><tr>"
            + "".join(
                f"<th>{_e(tr(k))}</th>"
                for k in (
                    "cases.evidence.certification",
                    "cases.evidence.number",
                    "cases.evidence.provider",
                    "cases.evidence.earned",
                    "cases.evidence.expires",
                    "cases.evidence.exams",
                )
            )
            + "</tr>"
        )
        for c in pack.credentials:
            exams = ", ".join(f"{code} ({day(d)})" if d else code for code, d in c.exams)
            parts.append(
                "<tr>"
                f"<td>{_e(c.name)}</td><td>{_e(c.number or '—')}</td>"
                f"<td>{_e(tr(f'credentials.provider.{c.provider}'))}</td>"
                f"<td>{_e(day(c.earned_on))}</td><td>{_e(day(c.expires_on))}</td>"
                f"<td>{_e(exams or '—')}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append(f"<p>{_e(tr('cases.evidence.no_credentials'))}</p>")
    parts.append(f"<h2>{_e(tr('cases.evidence.identities'))}</h2>")
    if pack.identities:
        parts.append('<table class="kv">')
        parts.extend(f"<tr><th>{_e(tr(k))}</th><td>{_e(v)}</td></tr>" for k, v in pack.identities)
        parts.append("</table>")
    else:
        parts.append(f"<p>{_e(tr('cases.evidence.no_identities'))}</p>")
    parts.append(f'<h2>{_e(tr("cases.evidence.history"))}</h2><table class="history">')
    for event in pack.events:
        text = f"<pre>{_e(event.text)}</pre>" if event.text else ""
        parts.append(
            f"<tr><th>{_e(day(event.day))}</th><td>{_e(event_line(event, locale))}{text}</td></tr>"
        )
    parts.append("</table>")
    if pack.attachments:
        parts.append(f"<h2>{_e(tr('cases.evidence.attachments'))}</h2><ul>")
        parts.extend(f"<li>{_e(name)}</li>" for name in pack.attachments)
        parts.append("</ul>")
    return "\n".join(parts)


STYLE = (
    "body{font-family:'Noto Sans JP','Hiragino Sans',Meiryo,sans-serif;margin:2em;"
    "color:#111;line-height:1.5}h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em;"
    "border-bottom:1px solid #999}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}.kv th{width:28%}.history th{width:9em;white-space:nowrap}"
    "pre{white-space:pre-wrap;font-family:inherit;margin:0}"
    "@page{size:A4;margin:15mm}"
)


def render_html(pack: Pack, locale: str) -> str:
    """A standalone HTML file: no scripts, no outside resources."""
    title = f"{translate(locale, 'cases.evidence.title')} #{pack.case_id}"
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(locale)}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>\n"
        f"{render_body(pack, locale)}\n</body></html>\n"
    )
