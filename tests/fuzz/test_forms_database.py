"""Forms all the way to the database (SQLite and PostgreSQL): whatever is typed, the service
saves a clean value or refuses with the project's own error, and a refusal writes nothing. The
database catches what a pure check cannot: PostgreSQL refuses NUL characters and text longer
than a column; a search term goes into SQL.

Each test works in one database and rolls back after every example (row counts checked)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from certportal.audit import service as audit_service
from certportal.audit.state import _day as audit_filter_day
from certportal.auth import service as auth_service
from certportal.auth.policy import Principal
from certportal.cases import service as cases_service
from certportal.cases import transitions
from certportal.credentials import rules as credential_rules
from certportal.credentials import service as credentials_service
from certportal.errors import CertportalError
from certportal.identity import service as identity_service
from certportal.knowledge import service as knowledge_service
from certportal.team import service as team_service
from certportal.teams import service as teams_service
from tests.fuzz import forms
from tests.fuzz.conftest import db_examples
from tests.fuzz.dbcheck import row_counts
from tests.fuzz.strategies import field_text, text

TODAY = date(2026, 11, 23)


@pytest.fixture
def ready(session: Session, admin: Principal, member: Principal) -> Iterator[Session]:
    """Two accounts and the knowledge base, committed: every example starts from here."""
    knowledge_service.ensure_initial(session)
    session.commit()
    yield session
    session.rollback()


def attempt(session: Session, change: Callable[[], Any]) -> Any:
    """Run one form submission; a refusal must leave every table as it was. Rolls back after,
    so the next example starts from the same database."""
    before = row_counts(session)
    try:
        try:
            result = change()
            session.flush()
        except CertportalError:
            session.rollback()
            assert row_counts(session) == before
            return None
        return result
    finally:
        session.rollback()


def valid_or_fuzzed(valid: list[str]) -> st.SearchStrategy[str]:
    """Half the time a valid value, so that the other fields' fuzz reaches the database."""
    return st.one_of(st.sampled_from(valid), field_text(valid))


@db_examples(25)
@given(
    valid_or_fuzzed(forms.EMAILS),
    valid_or_fuzzed(["Jane Doe", "山田 太郎"]),
    valid_or_fuzzed(["correct horse battery"]),
    st.sampled_from([None, "ja", "en", "fr", ""]),
)
def test_sign_up(ready: Session, email: str, name: str, password: str, locale: str | None) -> None:
    def sign_up() -> None:
        before = row_counts(ready)
        signed = auth_service.sign_up(
            ready, email=email, display_name=name, password=password, locale=locale
        )
        ready.flush()
        after = row_counts(ready)
        assert after["app_user"] == before["app_user"] + 1
        assert after["login_session"] == before["login_session"] + 1
        assert signed.principal.email == email.strip().lower()

    attempt(ready, sign_up)


@db_examples(25)
@given(
    st.one_of(
        st.just("member@example.com"), field_text(["member@example.com", "Member@Example.com"])
    ),
    st.one_of(st.just("correct horse battery"), field_text(forms.PASSWORDS)),
)
def test_sign_in(ready: Session, email: str, password: str) -> None:
    def sign_in() -> None:
        signed = auth_service.sign_in(ready, email=email, password=password)
        assert signed.principal.email == "member@example.com"

    attempt(ready, sign_in)


@db_examples(25)
@given(
    valid_or_fuzzed(forms.EMAILS),
    valid_or_fuzzed(["Jane Doe", "山田 太郎"]),
    valid_or_fuzzed(["member", "lead", "admin"]),
)
def test_admin_creates_a_person(
    ready: Session, admin: Principal, email: str, name: str, role: str
) -> None:
    def create() -> None:
        password = teams_service.generate_initial_password()
        user = teams_service.create_person(
            ready, actor=admin, email=email, display_name=name, role=role, password=password
        )
        ready.flush()
        assert (user.email, user.role) == (email.strip().lower(), role)

    attempt(ready, create)


@db_examples(25)
@given(valid_or_fuzzed(["Azure team", "データ チーム"]), valid_or_fuzzed(["Cloud people", ""]))
def test_create_team(ready: Session, admin: Principal, name: str, description: str) -> None:
    def create() -> None:
        team = teams_service.create_team(ready, actor=admin, name=name, description=description)
        ready.flush()
        assert team.id is not None and team.name == " ".join(name.split())

    attempt(ready, create)


@db_examples(25)
@given(
    field_text(["member", "Person", "example.com", "100%", "a_b", "\\"]),
    st.sampled_from(["", *team_service.STATUSES, "nope"]),
    st.one_of(st.just(""), field_text(["Infra", "AzureInfra"])),
    st.sampled_from([*team_service.SORTS, "nope"]),
)
def test_people_searches(
    ready: Session, admin: Principal, term: str, status: str, designation: str, sort: str
) -> None:
    def search() -> None:
        rows, total = teams_service.list_people(ready, actor=admin, search=term)
        assert len(rows) <= total <= 2
        query = team_service.TeamQuery(
            search=term, status=status, designation=designation, sort=sort
        )
        page = team_service.team_page(ready, actor=admin, query=query, today=TODAY)
        assert len(page.rows) <= page.total <= 2

    attempt(ready, search)


@db_examples(25)
@given(
    st.one_of(st.sampled_from(["", "user.", "user.signed_up", "credentials."]), text(20)),
    field_text(["admin", "example.com", "%", "_"]),
    field_text(["2026-11-23", "2026/1/1", "0001-01-01", "9999-12-31", "1990-01-01"]),
    field_text(["2026-11-23", "9999-12-31", "0001-01-01"]),
    st.sampled_from(["ja", "en"]),
)
def test_audit_filters(
    ready: Session, admin: Principal, action: str, person: str, since: str, until: str, locale: str
) -> None:
    # the page keeps at most 64/100/10/10 characters of each field and reads the days like this
    query = audit_service.AuditQuery(
        action=action[:64],
        person=person[:100],
        since=audit_filter_day(since[:10]),
        until=audit_filter_day(until[:10]),
        locale=locale,
    )

    def search() -> None:
        rows, total = audit_service.search(ready, actor=admin, query=query)
        assert len(rows) <= total

    attempt(ready, search)


@db_examples(25)
@given(forms.identity_forms())
def test_identity_form(ready: Session, member: Principal, form: dict[str, object]) -> None:
    def save() -> None:
        identity, version = identity_service.save(ready, actor=member, form=form, version=0)
        assert version == 1
        assert identity_service.get(ready, actor=member) == (identity, 1)

    attempt(ready, save)


@db_examples(25)
@given(forms.credential_forms())
def test_credential_form(ready: Session, member: Principal, raw: dict[str, str]) -> None:
    def create() -> None:
        catalog = credentials_service.catalog(ready)
        data = credential_rules.clean(raw, catalog=catalog, today=TODAY)
        row = credentials_service.create(ready, actor=member, data=data)
        ready.flush()
        assert row.id is not None
        assert credentials_service.to_data(row) == data

    attempt(ready, create)


@db_examples(25)
@given(forms.case_forms())
def test_case_form(ready: Session, member: Principal, raw: dict[str, str]) -> None:
    def create() -> None:
        fields, problems = transitions.validate_case(raw, TODAY)
        if fields is None:
            raise CertportalError(problems[0].key)
        row = cases_service.create(ready, actor=member, fields=fields, today=TODAY)
        ready.flush()
        assert (row.subject, row.reference) == (fields.subject, fields.reference)

    attempt(ready, create)
