"""Support-case rules: every status pair, who moves next, overdue, and the form's field checks."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from certportal.cases import transitions as tr
from certportal.cases.transitions import Channel, Party, Resolution, Status
from certportal.errors import InvalidInput

TODAY = date(2026, 12, 1)

# Every (from, to) pair and whether it is allowed (with a fitting resolution where one is needed).
EXPECTED_ALLOWED = {
    (Status.DRAFT, Status.OPEN),
    (Status.DRAFT, Status.CLOSED),
    (Status.OPEN, Status.WAITING_SUPPORT),
    (Status.OPEN, Status.WAITING_ME),
    (Status.OPEN, Status.RESOLVED),
    (Status.OPEN, Status.CLOSED),
    (Status.WAITING_SUPPORT, Status.WAITING_ME),
    (Status.WAITING_SUPPORT, Status.RESOLVED),
    (Status.WAITING_SUPPORT, Status.CLOSED),
    (Status.WAITING_ME, Status.WAITING_SUPPORT),
    (Status.WAITING_ME, Status.RESOLVED),
    (Status.WAITING_ME, Status.CLOSED),
    (Status.RESOLVED, Status.OPEN),
    (Status.RESOLVED, Status.CLOSED),
    (Status.CLOSED, Status.OPEN),
}


def _fitting(current: Status, target: Status) -> Resolution | None:
    if target is Status.RESOLVED:
        return Resolution.COUNTED
    if target is Status.CLOSED and current is not Status.RESOLVED:
        return Resolution.WITHDRAWN
    return None


@pytest.mark.parametrize(
    ("current", "target"),
    list(itertools.product(Status, Status)),
    ids=lambda s: s.value,
)
def test_every_status_pair(current: Status, target: Status) -> None:
    found = tr.refusal(current, target, _fitting(current, target))
    if (current, target) in EXPECTED_ALLOWED:
        assert found is None
        tr.check(current, target, _fitting(current, target))
    else:
        assert found is not None
        with pytest.raises(InvalidInput) as exc:
            tr.check(current, target, _fitting(current, target))
        assert exc.value.key == found.key
        assert exc.value.field == "status"


@pytest.mark.parametrize(
    ("current", "target", "key"),
    [
        (Status.OPEN, Status.OPEN, "cases.refuse.same"),
        (Status.OPEN, Status.DRAFT, "cases.refuse.back_to_draft"),
        (Status.CLOSED, Status.DRAFT, "cases.refuse.back_to_draft"),
        (Status.DRAFT, Status.WAITING_ME, "cases.refuse.send_first"),
        (Status.DRAFT, Status.RESOLVED, "cases.refuse.send_first"),
        (Status.CLOSED, Status.WAITING_ME, "cases.refuse.reopen_first"),
        (Status.RESOLVED, Status.WAITING_SUPPORT, "cases.refuse.reopen_first"),
        (Status.WAITING_SUPPORT, Status.OPEN, "cases.refuse.not_allowed"),
    ],
)
def test_refusals_say_why(current: Status, target: Status, key: str) -> None:
    found = tr.refusal(current, target, _fitting(current, target))
    assert found is not None and found.key == key


def test_resolving_needs_a_resolution_that_is_not_withdrawn() -> None:
    need = "cases.refuse.resolution_needed"
    assert tr.refusal(Status.OPEN, Status.RESOLVED, None) == tr.Refusal(need)
    assert tr.refusal(Status.OPEN, Status.RESOLVED, Resolution.WITHDRAWN) == tr.Refusal(need)
    for ok in (Resolution.COUNTED, Resolution.LINKED, Resolution.NOT_POSSIBLE):
        assert tr.refusal(Status.OPEN, Status.RESOLVED, ok) is None


def test_closing_needs_a_resolution_unless_already_resolved() -> None:
    assert tr.refusal(Status.WAITING_ME, Status.CLOSED, None) is not None
    assert tr.refusal(Status.WAITING_ME, Status.CLOSED, Resolution.WITHDRAWN) is None
    assert tr.refusal(Status.RESOLVED, Status.CLOSED, None) is None


def test_a_resolution_only_when_ending() -> None:
    found = tr.refusal(Status.CLOSED, Status.OPEN, Resolution.COUNTED)
    assert found == tr.Refusal("cases.refuse.resolution_only_when_ended")


@pytest.mark.parametrize(
    ("status", "channel", "party"),
    [
        (Status.DRAFT, Channel.PARTNER_CENTER, Party.ME),
        (Status.WAITING_ME, Channel.CERTIPORT, Party.ME),
        (Status.OPEN, Channel.PARTNER_CENTER, Party.MICROSOFT),
        (Status.WAITING_SUPPORT, Channel.MS_SUPPORT, Party.MICROSOFT),
        (Status.WAITING_SUPPORT, Channel.CREDENTIALS_SUPPORT, Party.MICROSOFT),
        (Status.OPEN, Channel.CERTIPORT, Party.PROVIDER),
        (Status.WAITING_SUPPORT, Channel.PEARSON_VUE, Party.PROVIDER),
        (Status.WAITING_SUPPORT, Channel.OTHER, Party.SUPPORT),
        (Status.RESOLVED, Channel.PARTNER_CENTER, Party.NOBODY),
        (Status.CLOSED, Channel.OTHER, Party.NOBODY),
    ],
)
def test_who_has_the_next_move(status: Status, channel: Channel, party: Party) -> None:
    assert tr.next_party(status, channel) is party


def test_every_status_and_channel_has_a_next_party() -> None:
    for status, channel in itertools.product(Status, Channel):
        assert isinstance(tr.next_party(status, channel), Party)


@pytest.mark.parametrize(
    ("status", "after_message", "after_reply"),
    [
        (Status.DRAFT, Status.OPEN, Status.DRAFT),
        (Status.OPEN, Status.WAITING_SUPPORT, Status.WAITING_ME),
        (Status.WAITING_SUPPORT, Status.WAITING_SUPPORT, Status.WAITING_ME),
        (Status.WAITING_ME, Status.WAITING_SUPPORT, Status.WAITING_ME),
        (Status.RESOLVED, Status.RESOLVED, Status.RESOLVED),
        (Status.CLOSED, Status.CLOSED, Status.CLOSED),
    ],
)
def test_messages_and_replies_move_the_ball(
    status: Status, after_message: Status, after_reply: Status
) -> None:
    assert tr.after_message(status) is after_message
    assert tr.after_reply(status) is after_reply


def test_overdue_and_due_today() -> None:
    yesterday, tomorrow = date(2026, 11, 30), date(2026, 12, 2)
    assert tr.is_overdue(Status.WAITING_SUPPORT, yesterday, TODAY)
    assert not tr.is_overdue(Status.WAITING_SUPPORT, TODAY, TODAY)
    assert tr.is_due_today(Status.WAITING_SUPPORT, TODAY, TODAY)
    assert not tr.is_overdue(Status.WAITING_SUPPORT, tomorrow, TODAY)
    assert not tr.is_overdue(Status.WAITING_SUPPORT, None, TODAY)
    # a case that is over is never overdue
    assert not tr.is_overdue(Status.RESOLVED, yesterday, TODAY)
    assert not tr.is_due_today(Status.CLOSED, TODAY, TODAY)
    assert tr.age_days(date(2026, 11, 1), TODAY) == 30
    assert tr.age_days(date(2026, 12, 5), TODAY) == 0


@pytest.mark.parametrize(
    "raw",
    ["SR-123\x00", "123\n456", "12\u200b34", "12\u202e34", "ab\x1bc", "SR\u2028123"],
    ids=["nul", "newline", "zero-width", "bidi-override", "escape", "line-separator"],
)
def test_references_with_control_characters_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        tr.clean_reference(raw)
    assert (exc.value.key, exc.value.field) == ("cases.error.reference_control", "reference")


def test_reference_is_normalised_and_limited() -> None:
    assert tr.clean_reference("  ＳＲ－１２３ ") == "SR-123"
    assert tr.clean_reference("") == ""
    with pytest.raises(InvalidInput):
        tr.clean_reference("1" * 65)


def test_texts_keep_line_breaks_but_not_other_controls() -> None:
    assert tr.clean_text("a\r\nb\tc", field="message", required=True) == "a\nb\tc"
    with pytest.raises(InvalidInput):
        tr.clean_text("a\x07b", field="message", required=True)
    with pytest.raises(InvalidInput):
        tr.clean_text("   ", field="message", required=True)
    assert tr.clean_text("", field="message", required=False) == ""


def test_follow_up_days() -> None:
    assert tr.follow_up_date("2026-12-01", TODAY) == TODAY
    assert tr.follow_up_date("2026/12/8", TODAY) == date(2026, 12, 8)
    assert tr.follow_up_date("", TODAY) is None
    for raw, key in (
        ("2026-11-30", "cases.error.follow_up_past"),
        ("2028-01-01", "cases.error.follow_up_far"),
        ("2026-02-30", "cases.error.date"),
        ("tomorrow", "cases.error.date"),
    ):
        with pytest.raises(InvalidInput) as exc:
            tr.follow_up_date(raw, TODAY)
        assert exc.value.key == key


def test_event_dates_are_not_in_the_future() -> None:
    assert tr.event_date("", TODAY) == TODAY
    assert tr.event_date("2026-11-20", TODAY) == date(2026, 11, 20)
    with pytest.raises(InvalidInput) as exc:
        tr.event_date("2026-12-02", TODAY)
    assert exc.value.key == "cases.error.date_future"
    with pytest.raises(InvalidInput):
        tr.event_date("2001-01-01", TODAY)


def test_unknown_channel_status_and_resolution() -> None:
    with pytest.raises(InvalidInput) as exc:
        tr.channel("fax")
    assert exc.value.key == "cases.error.channel"
    with pytest.raises(InvalidInput):
        tr.status("pending")
    with pytest.raises(InvalidInput):
        tr.resolution("maybe")
    assert tr.resolution("") is None


def _form(**over: str) -> dict[str, str]:
    raw = {
        "channel": "partner_center",
        "reference": "SR-1",
        "subject": "AZ-900 not counted",
        "message": "Hello",
        "follow_up_on": "2026-12-10",
        "credentials": "3, 5,3",
        "status": "open",
    }
    raw.update(over)
    return raw


def test_a_valid_case_form() -> None:
    fields, problems = tr.validate_case(_form(), TODAY)
    assert problems == []
    assert fields is not None
    assert fields.channel is Channel.PARTNER_CENTER
    assert fields.credential_ids == (3, 5)
    assert fields.follow_up_on == date(2026, 12, 10)
    assert fields.status is Status.OPEN


def test_the_case_form_reports_every_problem_at_its_field() -> None:
    fields, problems = tr.validate_case(
        _form(
            channel="fax",
            reference="SR\x00",
            subject="  ",
            follow_up_on="2026-11-01",
            credentials="1,²",
            status="resolved",
        ),
        TODAY,
    )
    assert fields is None
    assert {(p.field, p.key) for p in problems} == {
        ("channel", "cases.error.channel"),
        ("reference", "cases.error.reference_control"),
        ("subject", "cases.error.subject_required"),
        ("follow_up_on", "cases.error.follow_up_past"),
        ("credentials", "cases.error.credential"),
        ("status", "cases.error.initial_status"),
    }


def test_wizard_channels_map_to_case_channels() -> None:
    assert tr.WIZARD_CHANNELS["partner_center"] is Channel.PARTNER_CENTER
    assert "company_admin" not in tr.WIZARD_CHANNELS  # the company's admin is not a desk
    assert set(tr.WIZARD_CHANNELS.values()) == set(Channel) - {Channel.OTHER}
