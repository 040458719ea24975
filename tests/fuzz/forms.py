"""Form values for the fuzz tests: valid samples of each field (mutated, they make the most
telling inputs) and whole forms of fuzzed fields."""

from __future__ import annotations

from hypothesis import strategies as st

from certportal.cases import transitions
from certportal.identity import rules as identity_rules
from tests.fuzz.strategies import field_text, json_values, text

EMAILS = ["jane.doe@example.com", "a+b@sub.example.co.jp", "Taro.Yamada@Example.JP"]
NAMES = ["Jane Doe", "山田 太郎", "  Ｊａｎｅ  Ｄｏｅ  ", "O'Brien-Smith"]
PASSWORDS = ["correct horse battery", "ＰａｓｓｗｏｒｄＷｉｄｅ１２", "password123"]
DATES = ["2024-03-01", "2024/3/1", "2024.03.01", "2026-11-23", "1990-01-01", "2031-02-29"]


# --- identity map ----------------------------------------------------------------------------

IDENTITY_SAMPLES = {
    "work_account": EMAILS,
    "personal_accounts": ["me@outlook.com\nother@live.jp", "a@b.jp, c@d.jp"],
    "learn_profiles": ["https://learn.microsoft.com/users/jane", "jane-doe"],
    "mcid": ["987654321", "9876-5432-1", "１２３４５"],
    "cert_profile_account": EMAILS,
    "certiport_username": ["jane_doe", "jane.doe@example.com"],
    "pc_user": EMAILS,
    "pc_mcid": ["123456789"],
}


@st.composite
def identity_forms(draw: st.DrawFn) -> dict[str, object]:
    form: dict[str, object] = {}
    for name, samples in IDENTITY_SAMPLES.items():
        if draw(st.booleans()):
            form[name] = draw(field_text(samples))
    form["private"] = draw(
        st.one_of(
            st.lists(st.one_of(st.sampled_from(identity_rules.FIELDS), text(12)), max_size=4),
            text(),
            st.none(),
            json_values(max_leaves=3),
        )
    )
    return form


def identity_form_of(identity: identity_rules.Identity) -> dict[str, object]:
    form: dict[str, object] = {
        name: "\n".join(value) if isinstance(value, tuple) else value
        for name in identity_rules.FIELDS
        if isinstance(value := getattr(identity, name), str | tuple)
    }
    form["private"] = sorted(identity.private)
    return form


# --- credentials form ------------------------------------------------------------------------

CREDENTIAL_SAMPLES = {
    "certification": ["AZ-104", "az-800", "ＡＺ－９００", "other", "", "DP-900"],
    "other_name": ["LPIC-1", "=cmd|' /C calc'!A0", "情報処理安全確保支援士"],
    "exams": ["AZ-800 2024-01-10; AZ-801 2024-02-20", "AZ-104", "ＡＺ－１０４ 2024/1/2"],
    "provider": ["pearson_vue", "certiport", "Pearson VUE", "psi", ""],
    "earned_on": DATES,
    "expires_on": ["2027-03-01", "", "2024/3/2"],
    "certification_number": ["A1B2C3-D4E5F6", "=HYPERLINK(1)"],
    "on_learn": ["yes", "no", "unknown", "はい", "ＹＥＳ", ""],
    "on_learn_seen_on": ["2026-11-01", ""],
    "counted": ["yes", "いいえ", "不明", ""],
    "notes": ["line one\nline two\tend", "-5", "社内メモ"],
    "private": ["entry; notes", "certification_number", "", "ENTRY,notes"],
}


@st.composite
def credential_forms(draw: st.DrawFn) -> dict[str, str]:
    return {
        name: draw(field_text(samples))
        for name, samples in CREDENTIAL_SAMPLES.items()
        if draw(st.integers(0, 4))  # mostly present, sometimes missing
    }


# --- support cases ---------------------------------------------------------------------------

CASE_SAMPLES = {
    "channel": list(transitions.CHANNELS),
    "reference": ["TrackingID#2411230010001234", "１２３４５", "SR-1"],
    "subject": ["Certification not on Learn", "資格が表示されない"],
    "credentials": ["1, 2", "3;4", "", "999999999999"],
    "message": ["Hello,\n\nplease link my profile.\tThanks", ""],
    "follow_up_on": ["2026-12-01", "2026/12/1", "２０２６－１２－０１", ""],
    "status": ["draft", "open", "closed", ""],
}


@st.composite
def case_forms(draw: st.DrawFn) -> dict[str, str]:
    return {
        name: draw(field_text(samples))
        for name, samples in CASE_SAMPLES.items()
        if draw(st.integers(0, 4))
    }
