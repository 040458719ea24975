"""Ready-to-send support texts: from the outcome and the person's data, never private data."""

from __future__ import annotations

from datetime import date

from certportal.demo.seed import SEED_STORY as SEED  # the seed article's case
from certportal.identity.rules import clean
from certportal.knowledge.loader import load_bundled
from certportal.knowledge.schema import Localized, SupportMessage
from certportal.wizard import engine, present
from certportal.wizard.support_text import render

TODAY = date(2026, 11, 23)
IDENTITY = {
    "work_account": "misaki.sato@contoso.co.jp",
    "personal_accounts": "misaki@outlook.jp",
    "mcid": "123456789",
    "certiport_username": "msato",
    "private": [],
}


def seed_view(identity_form: dict[str, object]) -> present.OutcomeView:
    bundle = load_bundled()
    walk = engine.walk(bundle, SEED, today=TODAY)
    return present.outcome_view(
        bundle, walk, identity=clean(identity_form), name="佐藤 美咲", today=TODAY
    )


def test_seed_message_in_both_languages_with_the_facts() -> None:
    view = seed_view(IDENTITY)
    assert view.has_support
    assert view.support.channel["en"] == "Partner Center service request"
    en, ja = view.support.full["en"], view.support.full["ja"]
    for text in (en, ja):
        assert "AZ-900" in text and "123456789" in text and "msato" in text
        assert "misaki.sato@contoso.co.jp" in text and "misaki@outlook.jp" in text
        assert text.rstrip().endswith("佐藤 美咲")
    assert "Feb 10, 2024" in en and "2024年2月10日" in ja
    assert "Certiport" in en and "My Transcript" in en and "Authorized View" in en
    # what was already tried: the answers, in the message's language
    assert "Is the certification shown on your Microsoft Learn profile? No" in en
    assert "表示されていますか？ いいえ" in ja


def test_private_fields_are_left_out_and_their_lines_dropped() -> None:
    view = seed_view({**IDENTITY, "private": ["mcid", "personal_accounts"]})
    for text in view.support.full.values():
        assert "123456789" not in text and "misaki@outlook.jp" not in text
    assert "\nMCID: " not in view.support.full["en"]
    assert "Personal account(s)" not in view.support.full["en"]
    assert (
        "\nMCID: " not in view.support.full["ja"]
        and "個人のアカウント" not in view.support.full["ja"]
    )


def test_lines_without_a_value_are_dropped_and_empty_brackets_removed() -> None:
    message = SupportMessage(
        channel="partner_center",
        subject=Localized(ja="件名（{mcid}）", en="Subject ({mcid})"),
        body=Localized(ja="A\nMCID: {mcid}\nB {name}", en="A\nMCID: {mcid}\nB {name}"),
    )
    text = render(message, "en", {"name": "Ken", "mcid": ""})
    assert text.subject == "Subject"
    assert text.body == "A\nB Ken"
    assert render(message, "ja", {"name": "健", "mcid": " "}).subject == "件名"


def test_scoring_panel_says_az_900_scores_nothing() -> None:
    view = seed_view(IDENTITY)
    assert view.scores == []
    assert any("no Solutions Partner designation" in w["en"] for w in view.warnings)
    assert view.recheck_on["en"] == "Feb 21, 2027"


def test_no_private_field_ever_appears() -> None:
    everything = {
        "work_account": "w.secret@contoso.co.jp",
        "personal_accounts": "p.secret@outlook.jp",
        "learn_profiles": "learn/secret-profile",
        "mcid": "111222333",
        "cert_profile_account": "c.secret@outlook.jp",
        "certiport_username": "secretuser",
        "pc_user": "pc.secret@contoso.co.jp",
        "pc_mcid": "444555666",
    }
    bundle = load_bundled()
    for outcome in bundle.linkage.outcomes:
        if outcome.support is None:
            continue
        answers = next(
            a for a, w in engine.explore(bundle, today=TODAY) if w.outcome_id == outcome.id
        )
        walk = engine.walk(bundle, answers, today=TODAY)
        view = present.outcome_view(
            bundle,
            walk,
            identity=clean({**everything, "private": list(everything)}),
            name="Ken",
            today=TODAY,
        )
        for text in view.support.full.values():
            for secret in everything.values():
                assert secret.split("\n")[0] not in text, (outcome.id, secret)
        # the request itself survives: the message still ends with the person's name
        assert view.support.full["en"].rstrip().endswith("Ken"), outcome.id


def test_provider_settled_by_the_follow_up_question_is_in_the_message() -> None:
    bundle = load_bundled()
    walk = engine.walk(
        bundle, {**SEED, "provider": "unknown", "provider_clue": "certiport"}, today=TODAY
    )
    assert walk.outcome_id == "certiport_since_2023_06"
    view = present.outcome_view(bundle, walk, identity=clean(IDENTITY), name="Ken", today=TODAY)
    assert "Exam provider: Certiport" in view.support.full["en"]
    assert "試験配信会社: Certiport" in view.support.full["ja"]
