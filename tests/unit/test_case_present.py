"""Case view models: age stops when a case ends; next move and reminders per item."""

from __future__ import annotations

from datetime import UTC, date, datetime

from certportal.cases.present import case_item, timeline_item
from certportal.timeline.merge import Event

TODAY = date(2026, 12, 1)


def _item(**over: object) -> object:
    values: dict[str, object] = {
        "case_id": 4,
        "subject": "S",
        "channel": "certiport",
        "reference": "",
        "status": "waiting_support",
        "resolution": "",
        "follow_up_on": date(2026, 11, 30),
        "opened_on": date(2026, 11, 1),
        "created_on": date(2026, 10, 30),
        "today": TODAY,
    }
    values.update(over)
    return case_item(**values)  # type: ignore[arg-type]


def test_an_active_case() -> None:
    item = _item()
    assert (item.age_days, item.next_party, item.overdue, item.due_today) == (  # type: ignore[attr-defined]
        30,
        "provider",
        True,
        False,
    )
    assert item.href == "/cases/4"  # type: ignore[attr-defined]
    assert item.follow_up == {"ja": "2026年11月30日", "en": "Nov 30, 2026"}  # type: ignore[attr-defined]


def test_an_ended_case_stops_ageing_and_is_never_overdue() -> None:
    item = _item(status="resolved", resolution="counted", ended_on=date(2026, 11, 11))
    assert (item.age_days, item.next_party, item.overdue) == (10, "nobody", False)  # type: ignore[attr-defined]


def test_a_draft_ages_from_its_creation() -> None:
    item = _item(status="draft", opened_on=None)
    assert (item.age_days, item.next_party) == (32, "me")  # type: ignore[attr-defined]


def test_timeline_items_say_when_in_both_languages() -> None:
    event = Event(
        key="k",
        source="case",
        kind="case.reply_received",
        day=date(2026, 11, 28),
        title={"ja": "件名", "en": "Subject"},
        at=datetime(2026, 11, 28, 2, tzinfo=UTC),
    )
    item = timeline_item(event, TODAY, datetime(2026, 12, 1, 3, tzinfo=UTC))
    assert item.kind == "case_reply_received"
    assert item.ago == {"ja": "3日前", "en": "3 days ago"}
    assert item.detail == {"ja": "", "en": ""}
