"""Support cases in the my-data document: written out with their history and attachments, and
read back with every value checked as if typed (transitions' field rules, the attachment checks,
each file's SHA-256)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from certportal.cases import attachments, transitions
from certportal.cases import service as cases
from certportal.cases.models import CaseAttachment, CaseCredential, CaseEvent, SupportCase
from certportal.clock import utcnow
from certportal.errors import InvalidInput


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_cases(
    session: Session,
    *,
    user_id: int,
    credential_index: dict[int | None, int],
    run_index: dict[int | None, int],
) -> list[dict[str, Any]]:
    rows = session.exec(
        select(SupportCase).where(SupportCase.user_id == user_id).order_by(col(SupportCase.id))
    ).all()
    out: list[dict[str, Any]] = []
    for row in rows:
        assert row.id is not None
        stored = session.exec(
            select(CaseAttachment)
            .where(CaseAttachment.case_id == row.id)
            .order_by(col(CaseAttachment.id))
        ).all()
        files = {a.id: i for i, a in enumerate(stored)}
        out.append(
            {
                "channel": row.channel,
                "reference": row.reference,
                "subject": row.subject,
                "status": row.status,
                "resolution": row.resolution,
                "follow_up_on": _day(row.follow_up_on),
                "draft_text": row.draft_text,
                "shared_with_lead": row.shared_with_lead,
                "diagnosis": run_index.get(row.wizard_run_id) if row.wizard_run_id else None,
                "outcome": row.outcome_id,
                "opened_on": _day(row.opened_on),
                "ended_on": _day(row.ended_on),
                "created_at": _when(row.created_at),
                "updated_at": _when(row.updated_at),
                "credentials": [
                    credential_index[i]
                    for i in cases.credential_ids(session, row.id)
                    if i in credential_index
                ],
                "events": [
                    {
                        "kind": e.kind,
                        "occurred_on": e.occurred_on.isoformat(),
                        "created_at": _when(e.created_at),
                        "text": e.text,
                        "status_from": e.status_from,
                        "status_to": e.status_to,
                        "resolution": e.resolution,
                        "follow_up_on": _day(e.follow_up_on),
                        "attachment": files.get(e.attachment_id) if e.attachment_id else None,
                    }
                    for e in cases.events_of(session, row.id)
                ],
                "attachments": [
                    {
                        "name": a.name,
                        "mime": a.mime,
                        "size": a.size,
                        "sha256": a.sha256,
                        "created_at": _when(a.created_at),
                        "content_base64": base64.b64encode(
                            (cases.storage_dir() / a.storage_key).read_bytes()
                        ).decode("ascii"),
                    }
                    for a in stored
                ],
            }
        )
    return out


def _obj(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidInput("mydata.error.shape")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidInput("mydata.error.shape")
    return value


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_COUNT = 2**31 - 1  # an integer column


def plain_text(value: object, limit: int) -> str:
    """A one-line text of the document, cut to its column. Nothing certportal writes holds a
    control character (and PostgreSQL refuses a NUL): a text with one is refused."""
    text = str(value or "")[:limit]
    if _CONTROL.search(text):
        raise InvalidInput("mydata.error.shape")
    return text


def count(value: object) -> int:
    """A count of the document: a whole number an integer column holds."""
    try:
        number = int(str(value or 0))
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput("mydata.error.shape") from None
    if not 0 <= number <= MAX_COUNT:
        raise InvalidInput("mydata.error.shape")
    return number


def parse_day(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput("mydata.error.shape") from None


def parse_when(value: object) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
        if moment.tzinfo is not None:
            moment.astimezone(UTC)  # stored in UTC: 0001-01-01T00:00+14:00 is no timestamp
    except (ValueError, OverflowError):
        raise InvalidInput("mydata.error.shape") from None
    return moment


def _resolution(value: object) -> str:
    found = transitions.resolution(str(value or ""))
    return found.value if found else ""


def _pick(items: list[int], position: object) -> int | None:
    if position is None:
        return None
    if not isinstance(position, int) or not 0 <= position < len(items):
        raise InvalidInput("mydata.error.shape")
    return items[position]


def import_cases(
    session: Session,
    *,
    user_id: int,
    items: list[Any],
    credential_ids: list[int],
    run_ids: list[int],
    written: list[Path],
) -> None:
    """Recreate the cases; files are written under new random names (listed in ``written`` so
    the caller can remove them if the import is refused later)."""
    for raw in items:
        item = _obj(raw)
        resolution = transitions.resolution(str(item.get("resolution") or ""))
        row = SupportCase(
            user_id=user_id,
            channel=transitions.channel(str(item.get("channel") or "")).value,
            reference=transitions.clean_reference(str(item.get("reference") or "")),
            subject=transitions.clean_subject(str(item.get("subject") or "")),
            status=transitions.status(str(item.get("status") or "")).value,
            resolution=resolution.value if resolution else "",
            follow_up_on=parse_day(item.get("follow_up_on")),
            draft_text=transitions.clean_text(
                str(item.get("draft_text") or ""), field="draft_text", required=False
            ),
            shared_with_lead=bool(item.get("shared_with_lead")),
            wizard_run_id=_pick(run_ids, item.get("diagnosis")),
            outcome_id=plain_text(item.get("outcome"), 64),
            opened_on=parse_day(item.get("opened_on")),
            ended_on=parse_day(item.get("ended_on")),
            created_at=parse_when(item.get("created_at")) or utcnow(),
            updated_at=parse_when(item.get("updated_at")) or utcnow(),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        linked = [_pick(credential_ids, p) for p in _list(item.get("credentials", []))]
        session.add_all(
            [CaseCredential(case_id=row.id, credential_id=c) for c in dict.fromkeys(linked) if c]
        )
        stored: list[int] = []
        for raw_file in _list(item.get("attachments", [])):
            entry = _obj(raw_file)
            try:
                content = base64.b64decode(str(entry.get("content_base64") or ""), validate=True)
            except (binascii.Error, ValueError):
                raise InvalidInput("mydata.error.shape") from None
            if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
                raise InvalidInput("mydata.error.shape")
            checked = attachments.check(str(entry.get("name") or ""), content, existing=len(stored))
            key = secrets.token_hex(20)
            written.append(cases.write_file(key, content))
            attachment = CaseAttachment(
                case_id=row.id,
                name=checked.name,
                mime=checked.mime,
                size=checked.size,
                sha256=hashlib.sha256(content).hexdigest(),
                storage_key=key,
                created_at=parse_when(entry.get("created_at")) or utcnow(),
            )
            session.add(attachment)
            session.flush()
            stored.append(attachment.id or 0)
        for raw_event in _list(item.get("events", [])):
            event = _obj(raw_event)
            kind = str(event.get("kind") or "")
            if kind not in {k.value for k in transitions.EventKind}:
                raise InvalidInput("mydata.error.shape")
            day = parse_day(event.get("occurred_on"))
            if day is None:
                raise InvalidInput("mydata.error.shape")
            for name in ("status_from", "status_to"):
                if event.get(name):
                    transitions.status(str(event[name]))
            session.add(
                CaseEvent(
                    case_id=row.id,
                    kind=kind,
                    occurred_on=day,
                    created_at=parse_when(event.get("created_at")) or utcnow(),
                    text=transitions.clean_text(
                        str(event.get("text") or ""), field="text", required=False
                    ),
                    status_from=str(event.get("status_from") or ""),
                    status_to=str(event.get("status_to") or ""),
                    resolution=_resolution(event.get("resolution")),
                    follow_up_on=parse_day(event.get("follow_up_on")),
                    attachment_id=_pick(stored, event.get("attachment")),
                )
            )
    session.flush()
