"""The evidence pack's document: complete, escaped, in the person's language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from certportal.cases.evidence import Pack, PackCredential, PackEvent, event_line, render_html

PACK = Pack(
    case_id=12,
    person="中村 拓也",
    email="takuya@example.com",
    channel="partner_center",
    reference="SR-2099887766",
    subject="AZ-900 <not> on Learn",
    status="waiting_support",
    resolution="",
    opened_on=date(2026, 10, 1),
    follow_up_on=date(2026, 12, 5),
    generated_at=datetime(2026, 12, 1, 1, 0, tzinfo=UTC),
    credentials=(
        PackCredential(
            name="Microsoft Certified: Azure Fundamentals",
            code="AZ-900",
            number="H123-4567",
            provider="certiport",
            earned_on=date(2024, 2, 10),
            expires_on=None,
            exams=(("AZ-900", date(2024, 2, 10)),),
        ),
    ),
    identities=(("identity.mcid", "991234567"), ("identity.work_account", "t@example.com")),
    events=(
        PackEvent(date(2026, 10, 1), "opened", status_to="open"),
        PackEvent(date(2026, 10, 1), "message_sent", text="Hello <script>alert(1)</script>"),
        PackEvent(date(2026, 10, 8), "reply_received", text="Not possible yet"),
        PackEvent(
            date(2026, 10, 9), "status_changed", status_from="open", status_to="waiting_support"
        ),
        PackEvent(date(2026, 10, 9), "follow_up_set", follow_up_on=date(2026, 12, 5)),
    ),
    attachments=("transcript.pdf",),
)


def test_english_pack_has_everything_microsoft_needs() -> None:
    html = render_html(PACK, "en")
    for expected in (
        "SR-2099887766",
        "Partner Center service request",
        "H123-4567",
        "Feb 10, 2024",
        "Certiport",
        "991234567",
        "t@example.com",
        "Not possible yet",
        "Open → Waiting on Microsoft/provider",
        "Dec 5, 2026",
        "transcript.pdf",
        "takuya@example.com",
    ):
        assert expected in html, expected


def test_values_are_escaped_and_there_are_no_scripts() -> None:
    html = render_html(PACK, "en")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "AZ-900 &lt;not&gt; on Learn" in html
    assert "http" not in html  # no outside resources


def test_japanese_pack() -> None:
    html = render_html(PACK, "ja")
    assert '<html lang="ja">' in html
    assert "2024年2月10日" in html
    assert "パートナー センターのサービス リクエスト" in html
    assert "問い合わせ中 → 先方の回答待ち" in html


def test_event_lines() -> None:
    assert event_line(PackEvent(date(2026, 1, 1), "note"), "en") == "Note"
    resolved = PackEvent(
        date(2026, 1, 1),
        "resolved",
        status_from="waiting_me",
        status_to="resolved",
        resolution="counted",
    )
    assert event_line(resolved, "en") == "Resolved: Waiting on me → Resolved · Counted"
    cleared = PackEvent(date(2026, 1, 1), "follow_up_set")
    assert event_line(cleared, "ja") == "フォローアップ日: 解除"
