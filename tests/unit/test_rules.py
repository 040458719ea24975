"""Pure account and session rules: validation, session expiry, sign-in throttling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certportal.auth import rules
from certportal.auth.rules import SessionPolicy, SessionStatus
from certportal.errors import AuthError, InvalidInput

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(hours=12), absolute=timedelta(days=7))
TINY = timedelta(microseconds=1)


# --- e-mail -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("alice@example.com", "alice@example.com"),
        ("  Alice@Example.COM \t", "alice@example.com"),
        ("\nBOB.smith+tag@Sub.Example.org\n", "bob.smith+tag@sub.example.org"),
    ],
)
def test_normalize_email_trims_and_lowercases(raw: str, expected: str) -> None:
    assert rules.normalize_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_normalize_email_empty(raw: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.normalize_email(raw)
    assert info.value.key == "error.email_required"
    assert info.value.field == "email"


@pytest.mark.parametrize(
    "raw",
    [
        "alice",
        "alice@",
        "@example.com",
        "alice@example",
        "alice@@example.com",
        "al ice@example.com",
        "alice@exa mple.com",
        "alice@example.",
        "al\x00ice@example.com",  # PostgreSQL refused the NUL: sign-in crashed (fuzzing)
        "alice@exa\x1bmple.com",
        "alice@example.co\x7f",
        "ali\x9bce@example.com",
    ],
)
def test_normalize_email_invalid(raw: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.normalize_email(raw)
    assert info.value.key == "error.email_invalid"
    assert info.value.field == "email"


def _email_of_length(n: int) -> str:
    domain = "@example.com"
    return "a" * (n - len(domain)) + domain


def test_normalize_email_length_limit() -> None:
    assert rules.normalize_email(_email_of_length(254)) == _email_of_length(254)
    # Surrounding whitespace does not count against the limit.
    assert rules.normalize_email("  " + _email_of_length(254) + "  ") == _email_of_length(254)
    with pytest.raises(InvalidInput) as info:
        rules.normalize_email(_email_of_length(255))
    assert info.value.key == "error.too_long"
    assert info.value.field == "email"
    assert info.value.params == {"max": 254}


# --- display name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Alice", "Alice"),
        ("  Alice   Smith  ", "Alice Smith"),
        ("Alice\t\nSmith", "Alice Smith"),
        ("佐藤　美咲", "佐藤 美咲"),  # ideographic space is whitespace too
    ],
)
def test_clean_display_name_folds_whitespace(raw: str, expected: str) -> None:
    assert rules.clean_display_name(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "\t\n", None])
def test_clean_display_name_empty(raw: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.clean_display_name(raw)
    assert info.value.key == "error.name_required"
    assert info.value.field == "display_name"


@pytest.mark.parametrize("raw", ["Ali\x00ce", "\x1b[31mAlice", "Alice\x7f", "Al\x9fice"])
def test_clean_display_name_refuses_control_characters(raw: str) -> None:
    # found by fuzzing: a NUL in the name crashed sign-up on PostgreSQL
    with pytest.raises(InvalidInput) as info:
        rules.clean_display_name(raw)
    assert (info.value.key, info.value.field) == ("error.control_chars", "display_name")


def test_clean_display_name_length_limit() -> None:
    assert rules.clean_display_name("n" * 100) == "n" * 100
    # Folded whitespace does not count.
    assert rules.clean_display_name("   " + "n" * 100 + "   ") == "n" * 100
    with pytest.raises(InvalidInput) as info:
        rules.clean_display_name("n" * 101)
    assert info.value.key == "error.too_long"
    assert info.value.field == "display_name"
    assert info.value.params == {"max": 100}


# --- passwords ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "key"),
    [
        ("Tr0ub4dor", "error.password_too_short"),  # 9
        ("", "error.password_too_short"),
        ("x7Qp2mVb9L" + "z" * 119, "error.too_long"),  # 129
    ],
)
def test_password_length_limits(password: str, key: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.check_password_strength(password)
    assert info.value.key == key
    assert info.value.field == "password"


def test_password_too_short_reports_minimum() -> None:
    with pytest.raises(InvalidInput) as info:
        rules.check_password_strength("a" * 3 + "bcdefg")
    assert info.value.params == {"min": 10}


@pytest.mark.parametrize("password", ["Tr0ub4dor&", "x7Qp2mVb9L" + "z" * 118])
def test_password_length_boundaries_accepted(password: str) -> None:
    assert len(password) in (10, 128)
    rules.check_password_strength(password)  # does not raise


@pytest.mark.parametrize(
    "password", ["password123", "Password123", "QWERTYUIOP", "1234567890", "administrator"]
)
def test_common_password_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.check_password_strength(password)
    assert info.value.key == "error.password_common"


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("abcabcabcabc", True),  # 3 distinct characters
        ("AbCaBcAbCaBc", True),  # case does not add variety
        ("abcdabcdabcd", False),  # 4 distinct characters
    ],
)
def test_password_needs_four_distinct_characters(password: str, refused: bool) -> None:
    if refused:
        with pytest.raises(InvalidInput) as info:
            rules.check_password_strength(password)
        assert info.value.key == "error.password_common"
    else:
        rules.check_password_strength(password)


@pytest.mark.parametrize("password", ["hanako-secret-2026", "xxHANAKOxx99"])
def test_password_containing_email_local_part_refused(password: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.check_password_strength(password, email="Hanako@example.com")
    assert info.value.key == "error.password_contains_email"
    assert info.value.field == "password"


def test_password_with_short_local_part_is_fine() -> None:
    # Local parts under four characters are too short to be meaningful.
    rules.check_password_strength("bob-likes-tea", email="bob@example.com")
    rules.check_password_strength("hanako-secret-2026")  # no e-mail given


# --- teams --------------------------------------------------------------------------------


def test_clean_team_name() -> None:
    assert rules.clean_team_name("  Azure   Infra ") == "Azure Infra"
    assert rules.clean_team_name("t" * 80) == "t" * 80
    with pytest.raises(InvalidInput) as info:
        rules.clean_team_name("t" * 81)
    assert (info.value.key, info.value.field, info.value.params) == (
        "error.too_long",
        "name",
        {"max": 80},
    )


def test_a_team_name_whose_folded_key_is_too_long_is_refused() -> None:
    # found by fuzzing: "ﷺ" is 18 characters once folded; the key overflowed its column (PG)
    assert len(rules.clean_team_name("ﷺ" * 4)) == 4
    with pytest.raises(InvalidInput) as info:
        rules.clean_team_name("ﷺ" * 5)
    assert (info.value.key, info.value.field) == ("error.too_long", "name")


def test_search_key_fits_its_column() -> None:
    assert rules.search_key("Ａｌｉｃｅ", "a@example.com") == "alice a@example.com"
    assert len(rules.search_key("ﷺ" * 100, "a" * 242 + "@example.com")) == rules.SEARCH_KEY_MAX


def test_team_texts_refuse_control_characters() -> None:
    # found by fuzzing: a NUL in a team's name crashed creating it on PostgreSQL
    with pytest.raises(InvalidInput) as info:
        rules.clean_team_name("Azure\x00 Infra")
    assert (info.value.key, info.value.field) == ("error.control_chars", "name")
    with pytest.raises(InvalidInput) as info:
        rules.clean_team_description("Cloud\x07 people")
    assert (info.value.key, info.value.field) == ("error.control_chars", "description")


@pytest.mark.parametrize("raw", ["", "  ", None])
def test_clean_team_name_empty(raw: str) -> None:
    with pytest.raises(InvalidInput) as info:
        rules.clean_team_name(raw)
    assert info.value.key == "error.team_name_required"
    assert info.value.field == "name"


def test_clean_team_description() -> None:
    assert rules.clean_team_description("") == ""
    assert rules.clean_team_description(None) == ""  # type: ignore[arg-type]
    assert rules.clean_team_description("  hello  ") == "hello"
    assert rules.clean_team_description("d" * 300) == "d" * 300
    with pytest.raises(InvalidInput) as info:
        rules.clean_team_description("d" * 301)
    assert (info.value.key, info.value.field, info.value.params) == (
        "error.too_long",
        "description",
        {"max": 300},
    )


# --- session status -----------------------------------------------------------------------


def _status(
    *,
    now: datetime,
    created_at: datetime = T0,
    last_seen_at: datetime | None = None,
    revoked_at: datetime | None = None,
) -> SessionStatus:
    return rules.session_status(
        created_at=created_at,
        last_seen_at=last_seen_at or created_at,
        revoked_at=revoked_at,
        now=now,
        policy=POLICY,
    )


@pytest.mark.parametrize(
    ("now", "last_seen_at", "expected"),
    [
        (T0, T0, SessionStatus.ACTIVE),
        (T0 + timedelta(hours=12) - TINY, T0, SessionStatus.ACTIVE),
        (T0 + timedelta(hours=12), T0, SessionStatus.IDLE_EXPIRED),
        (T0 + timedelta(hours=13), T0, SessionStatus.IDLE_EXPIRED),
        # Seen recently: idleness counts from the last activity, not creation.
        (T0 + timedelta(hours=20), T0 + timedelta(hours=9), SessionStatus.ACTIVE),
        (T0 + timedelta(hours=21), T0 + timedelta(hours=9), SessionStatus.IDLE_EXPIRED),
        # Absolute limit: exactly at it, even when seen a moment ago.
        (T0 + timedelta(days=7) - TINY, T0 + timedelta(days=7) - TINY, SessionStatus.ACTIVE),
        (T0 + timedelta(days=7), T0 + timedelta(days=7) - TINY, SessionStatus.ABSOLUTE_EXPIRED),
        (T0 + timedelta(days=7), T0 + timedelta(days=7), SessionStatus.ABSOLUTE_EXPIRED),
        (T0 + timedelta(days=30), T0, SessionStatus.ABSOLUTE_EXPIRED),
    ],
)
def test_session_status_boundaries(
    now: datetime, last_seen_at: datetime, expected: SessionStatus
) -> None:
    assert _status(now=now, last_seen_at=last_seen_at) is expected


@pytest.mark.parametrize(
    "now",
    [T0, T0 + timedelta(minutes=1), T0 + timedelta(hours=12), T0 + timedelta(days=8)],
)
def test_revoked_wins_over_everything(now: datetime) -> None:
    assert _status(now=now, revoked_at=T0) is SessionStatus.REVOKED
    # Even a revocation dated in the "future" of now counts.
    assert _status(now=now, revoked_at=now + timedelta(days=1)) is SessionStatus.REVOKED


@pytest.mark.parametrize(
    "status", [SessionStatus.IDLE_EXPIRED, SessionStatus.ABSOLUTE_EXPIRED, SessionStatus.REVOKED]
)
def test_require_active_session_refuses_inactive(status: SessionStatus) -> None:
    with pytest.raises(AuthError) as info:
        rules.require_active_session(status)
    assert info.value.key == "error.session_expired"


def test_require_active_session_accepts_active() -> None:
    assert rules.require_active_session(SessionStatus.ACTIVE) is None


@pytest.mark.parametrize(
    ("elapsed", "touch"),
    [
        (timedelta(0), False),
        (timedelta(seconds=59), False),
        (timedelta(minutes=1) - TINY, False),
        (timedelta(minutes=1), True),
        (timedelta(hours=3), True),
    ],
)
def test_should_touch(elapsed: timedelta, touch: bool) -> None:
    assert rules.should_touch(last_seen_at=T0, now=T0 + elapsed, policy=POLICY) is touch


def test_should_touch_uses_policy_interval() -> None:
    policy = SessionPolicy(idle=POLICY.idle, absolute=POLICY.absolute, touch_every=timedelta(0))
    assert rules.should_touch(last_seen_at=T0, now=T0, policy=policy) is True


# --- throttling ---------------------------------------------------------------------------


def _failures(n: int, *, at: datetime = T0) -> list[datetime]:
    return [at] * n


@pytest.mark.parametrize("count", [0, 1, 4])
def test_throttle_free_below_five_failures(count: int) -> None:
    assert rules.throttle_wait(_failures(count), T0) == timedelta(0)


@pytest.mark.parametrize(
    ("count", "wait"),
    [
        (5, timedelta(seconds=30)),
        (6, timedelta(seconds=60)),
        (7, timedelta(seconds=120)),
        (8, timedelta(seconds=240)),
        (9, timedelta(seconds=480)),
        (10, timedelta(minutes=15)),  # 960 s capped
        (30, timedelta(minutes=15)),
    ],
)
def test_throttle_doubles_and_caps(count: int, wait: timedelta) -> None:
    assert rules.throttle_wait(_failures(count), T0) == wait


def test_throttle_ignores_failures_outside_window() -> None:
    old = [T0 - timedelta(minutes=15)] * 10  # exactly at the window edge: out
    assert rules.throttle_wait(old, T0) == timedelta(0)
    almost = [T0 - timedelta(minutes=15) + TINY] * 4 + [T0]
    assert rules.throttle_wait(almost, T0) == timedelta(seconds=30)
    mixed = [T0 - timedelta(hours=1)] * 20 + [T0] * 4
    assert rules.throttle_wait(mixed, T0) == timedelta(0)


def test_throttle_counts_down_from_latest_failure() -> None:
    failures = [T0 - timedelta(minutes=3), T0 - timedelta(minutes=2)] + [T0] * 3
    assert rules.throttle_wait(failures, T0) == timedelta(seconds=30)
    assert rules.throttle_wait(failures, T0 + timedelta(seconds=10)) == timedelta(seconds=20)
    assert rules.throttle_wait(failures, T0 + timedelta(seconds=29)) == timedelta(seconds=1)
    assert rules.throttle_wait(failures, T0 + timedelta(seconds=30)) == timedelta(0)
    assert rules.throttle_wait(failures, T0 + timedelta(minutes=5)) == timedelta(0)


def test_throttle_order_of_failures_does_not_matter() -> None:
    latest = T0 - timedelta(seconds=5)
    failures = [latest, *(T0 - timedelta(minutes=m) for m in (1, 2, 3, 4))]
    assert rules.throttle_wait(failures, T0) == timedelta(seconds=25)


_minutes = st.integers(min_value=0, max_value=60 * 24 * 10)


@given(
    created_ago=_minutes,
    seen_ago=_minutes,
    idle=st.integers(min_value=1, max_value=60 * 24),
    absolute=st.integers(min_value=1, max_value=60 * 24 * 8),
    touch=st.integers(min_value=0, max_value=120),
    seconds=st.integers(min_value=-59, max_value=59),
)
def test_quiet_session_bounds_accept_exactly_the_active_sessions_needing_no_touch(
    created_ago: int, seen_ago: int, idle: int, absolute: int, touch: int, seconds: int
) -> None:
    """What the one-statement check accepts (inside both bounds) is what the full check accepts
    without writing anything: active and not due a touch — no more, no less, to the second."""
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    policy = SessionPolicy(
        idle=timedelta(minutes=idle),
        absolute=timedelta(minutes=absolute),
        touch_every=timedelta(minutes=touch),
    )
    created = now - timedelta(minutes=created_ago, seconds=seconds)
    seen = max(created, now - timedelta(minutes=seen_ago, seconds=-seconds))
    created_after, seen_after = rules.quiet_session_bounds(now=now, policy=policy)
    quiet = created > created_after and seen > seen_after
    full = rules.session_status(
        created_at=created, last_seen_at=seen, revoked_at=None, now=now, policy=policy
    ) is SessionStatus.ACTIVE and not rules.should_touch(last_seen_at=seen, now=now, policy=policy)
    assert quiet == full
