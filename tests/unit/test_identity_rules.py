"""Identity map rules: cleaning the form, warnings about mismatches, the wizard's suggestions."""

from __future__ import annotations

import pytest

from certportal.errors import InvalidInput
from certportal.identity.rules import Identity, clean, suggestions, warnings

FULL = {
    "work_account": " Hina.Tanaka@Contoso.co.jp ",
    "personal_accounts": "hina@outlook.com\nhina@outlook.com\n\n",
    "learn_profiles": "learn/users/hina (personal)\nlearn/users/hina-work",
    "mcid": "9876 5432-1",
    "cert_profile_account": "hina@outlook.com",
    "certiport_username": "hina.t",
    "pc_user": "hina.tanaka@contoso.co.jp",
    "pc_mcid": "987654321",
    "private": ["personal_accounts", "nonsense"],
}


def test_clean_normalises_and_deduplicates() -> None:
    identity = clean(FULL)
    assert identity.work_account == "hina.tanaka@contoso.co.jp"
    assert identity.personal_accounts == ("hina@outlook.com",)
    assert len(identity.learn_profiles) == 2
    assert identity.mcid == "987654321"
    assert identity.private == frozenset({"personal_accounts"})


@pytest.mark.parametrize(
    ("field", "value", "key"),
    [
        ("work_account", "not-an-email", "identity.error.email"),
        ("personal_accounts", "a@b.co\nbroken", "identity.error.email"),
        ("mcid", "12ab", "identity.error.mcid"),
        ("pc_mcid", "123", "identity.error.mcid"),
        ("certiport_username", "has space", "identity.error.username"),
        ("learn_profiles", "\n".join(f"p{i}" for i in range(7)), "identity.error.too_many"),
        ("learn_profiles", "x" * 201, "identity.error.too_long"),
        # found by fuzzing: kept as typed, then shown and sent in support texts
        ("learn_profiles", "https://learn.microsoft.com/users/me\x1b[2J", "identity.error.control"),
        ("learn_profiles", "jane\x00doe", "identity.error.control"),
    ],
)
def test_bad_values_name_their_field(field: str, value: str, key: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        clean({**FULL, field: value})
    assert caught.value.key == key and caught.value.field == field


def test_private_entries_that_are_not_texts_are_ignored() -> None:
    # found by fuzzing: a my-data document's identity "private": [null] crashed the import
    assert clean({"private": [None, 3, ["mcid"], "mcid"]}).private == frozenset({"mcid"})


def test_empty_form_is_an_empty_identity() -> None:
    assert clean({}) == Identity()
    assert warnings(Identity()) == [] and suggestions(Identity()) == {}


def test_warnings_for_mismatches() -> None:
    identity = clean(
        {
            "work_account": "ken@contoso.co.jp",
            "learn_profiles": "a\nb",
            "mcid": "11111",
            "cert_profile_account": "ken.t@contoso.co.jp",
            "pc_user": "ken@contoso.co.jp",
            "pc_mcid": "22222",
        }
    )
    assert warnings(identity) == [
        "identity.warn.pc_other_mcid",
        "identity.warn.two_learn_profiles",
        "identity.warn.cert_on_work_address",
    ]


def test_partner_center_user_without_association_is_flagged() -> None:
    identity = clean({"work_account": "a@contoso.com", "pc_user": "b@contoso.com"})
    assert warnings(identity) == [
        "identity.warn.pc_user_not_work",
        "identity.warn.pc_not_associated",
    ]
    assert suggestions(identity) == {"pc_user": "yes", "pc_associated": "none"}


def test_suggestions_follow_the_map() -> None:
    same = clean({**FULL, "private": []})
    assert suggestions(same) == {"pc_user": "yes", "pc_associated": "same", "other_profile": "yes"}
    other = clean({**FULL, "pc_mcid": "11112222"})
    assert suggestions(other)["pc_associated"] == "other"


def test_shared_leaves_private_fields_out() -> None:
    identity = clean({**FULL, "private": ["mcid", "personal_accounts"]})
    shared = identity.shared()
    assert shared.mcid == "" and shared.personal_accounts == ()
    assert shared.work_account == identity.work_account
