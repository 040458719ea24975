"""Rows for the tables and columns each Alembic revision adds — the data fixture of the migration
tests (``test_migrations_with_data.py``).

Every revision in ``alembic/versions`` has an entry in ``REVISIONS``: a row factory for each table
it creates (written against that table as the revision creates it, not against today's models)
and, for each column it adds to an existing table, the value new rows get and the value the
upgrade must give rows that were already there (``backfill``). The walk fails when a revision has no
entry, when it creates a table or column the entry does not describe, or when a live column has
no value here — so a new revision cannot land without its rows.

Values exercise every column kind: Japanese text, JSON documents kept in text columns, dates
(a leap day), aware datetimes in Japan time and UTC (with microseconds, some on the other side of
midnight in UTC), booleans both ways, nullable columns both NULL and set, and foreign keys to rows
inserted earlier in the same batch.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

Row = dict[str, Any]

JST = timezone(timedelta(hours=9), "JST")


class Batch:
    """One round of inserts: unique serial numbers, the ids inserted by this round per table,
    and the ids already in the database before it."""

    def __init__(self, serial: Iterator[int], existing: Mapping[str, list[int]]) -> None:
        self._serial = serial
        self.existing = existing
        self.ids: dict[str, list[int]] = {}

    def serial(self) -> int:
        return next(self._serial)

    def ref(self, table: str, i: int) -> int:
        """The id of the ``i``-th row this round inserted into ``table`` (a foreign key)."""
        ids = self.ids.get(table)
        assert ids, f"no {table} row in this batch to refer to (is the table filled first?)"
        return ids[i % len(ids)]

    def soft_ref(self, table: str, serial: int) -> int:
        """An id for a reference without a foreign key: an existing row when there is one."""
        ids = [*self.existing.get(table, []), *self.ids.get(table, [])]
        return ids[serial % len(ids)] if ids else 90_000 + serial

    def is_empty(self, table: str) -> bool:
        return not self.existing.get(table) and not self.ids.get(table)


RowFactory = Callable[[Batch, int], Row | None]


@dataclass(frozen=True)
class Table:
    """A table a revision creates: ``rows(batch, i)`` for ``i`` in ``range(count)`` (None: skip)."""

    rows: RowFactory
    count: int = 3


@dataclass(frozen=True)
class NewColumn:
    """A column a revision adds to an existing table: ``value(row)`` for rows inserted once it
    exists, ``backfill(row)`` for what the upgrade must put in rows that were already there."""

    value: Callable[[Row], Any]
    backfill: Callable[[Row], Any]


@dataclass(frozen=True)
class RevisionData:
    tables: Mapping[str, Table] = field(default_factory=dict)
    columns: Mapping[tuple[str, str], NewColumn] = field(default_factory=dict)


# --- value helpers ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _when(n: int, i: int) -> datetime:
    """An aware datetime: Japan time or UTC by turns; 08:xx JST is the previous day in UTC."""
    at = datetime(2026, 3, 31, 8, 5, 7, 123_456, tzinfo=JST) + timedelta(
        days=n, minutes=37 * i, microseconds=n
    )
    return at if i % 2 == 0 else at.astimezone(UTC)


def _later(at: datetime, hours: int) -> datetime:
    return at + timedelta(hours=hours, seconds=11)


def _day(n: int) -> date:
    return date(2024, 2, 29) + timedelta(days=41 * n)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hex(n: int, salt: str) -> str:
    return f"{salt}{n:060x}"[-64:]


_PEOPLE = ("田中 花子", "佐藤 太郎", "Ｓｕｚｕｋｉ Ｉｃｈｉｒｏ", "山田 碧")


# --- 0001: accounts, sessions, teams, audit --------------------------------------------------


def _app_user(b: Batch, i: int) -> Row:
    n = b.serial()
    name = f"{_PEOPLE[n % len(_PEOPLE)]} {n}"
    email = f"person.{n}@contoso.co.jp"
    created = _when(n, i)
    return {
        "email": email,
        "display_name": name,
        "search_key": _fold(f"{name} {email}"),
        "password_hash": None if i == 1 else f"$argon2id$v=19$m=65536,t=3,p=4${n:08d}$c2FsdA",
        "role": ("member", "lead", "admin")[i % 3],
        "locale": (None, "ja", "en")[i % 3],
        "is_active": i != 2,
        "created_at": created,
        "updated_at": _later(created, 5),
        "deactivated_at": _later(created, 30) if i == 2 else None,
    }


def _audit_entry(b: Batch, i: int) -> Row:
    n = b.serial()
    actor = b.ref("app_user", i)
    return {
        "at": _when(n, i),
        "actor_id": None if i == 0 else actor,
        "actor_label": "システム" if i == 0 else f"person.{actor}@contoso.co.jp",
        "action": ("account.create", "credential.update", "team.rename")[i % 3],
        "target_type": None if i == 0 else "credential",
        "target_id": None if i == 0 else str(n),
        "detail": _json({"変更": ["名前", "有効期限"], "理由": "更新しました", "n": n}),
    }


def _sign_in_failure(b: Batch, i: int) -> Row:
    n = b.serial()
    return {"email": f"unknown.{n}@fabrikam.example", "at": _when(n, i)}


def _team(b: Batch, i: int) -> Row:
    n = b.serial()
    name = f"クラウド推進部 Ａｚｕｒｅ {n}"
    return {
        "name": name,
        "name_key": _fold(name),
        "description": "" if i == 0 else "Azure と Microsoft 365 の認定を取りまとめます。",
        "created_at": _when(n, i),
    }


def _login_session(b: Batch, i: int) -> Row:
    n = b.serial()
    created = _when(n, i)
    return {
        "user_id": b.ref("app_user", i),
        "token_hash": _hex(n, "a1"),
        "created_at": created,
        "last_seen_at": _later(created, 2),
        "revoked_at": _later(created, 3) if i == 1 else None,
        "revoked_reason": "sign_out" if i == 1 else None,
    }


def _team_membership(b: Batch, i: int) -> Row:
    n = b.serial()
    return {
        "team_id": b.ref("team", i),
        "user_id": b.ref("app_user", i),
        "role": ("member", "lead")[i % 2],
        "created_at": _when(n, i),
    }


# --- 0002: knowledge versions, wizard runs, identity map -------------------------------------


def _knowledge_version(b: Batch, i: int) -> Row:
    n = b.serial()
    first = b.is_empty("knowledge_version")  # exactly one active version (partial unique index)
    return {
        "number": n,
        "created_at": _when(n, i),
        "created_by_id": None if first else b.ref("app_user", i),
        "created_by_label": "" if first else "管理者 花子",
        "note": "初版" if first else f"AZ-104 の有効期限を更新 ({n})",
        "changed_kind": "" if first else ("catalog", "designations", "linkage")[i % 3],
        "is_active": first,
        "catalog_text": _json(
            {"kind": "catalog", "certifications": [{"id": "AZ-104", "name": {"ja": "管理者"}}]}
        ),
        "designations_text": _json({"kind": "designations", "designations": [], "n": n}),
        "linkage_text": _json({"kind": "linkage", "questions": ["Learn に表示されますか?"]}),
    }


def _identity_map(b: Batch, i: int) -> Row:
    n = b.serial()
    return {
        "user_id": b.ref("app_user", i),
        "work_account": f"person.{n}@contoso.co.jp",
        "personal_accounts": "[]" if i == 0 else _json([f"hanako.{n}@outlook.jp"]),
        "learn_profiles": _json([{"url": f"https://learn.microsoft.com/ja-jp/users/h{n}/"}]),
        "mcid": "" if i == 0 else f"{n:08d}",
        "cert_profile_account": "" if i == 0 else f"hanako.{n}@outlook.jp",
        "certiport_username": "" if i == 0 else f"hanako{n}",
        "pc_user": "" if i == 0 else f"person.{n}@contoso.co.jp",
        "pc_mcid": "" if i == 0 else f"{n + 7:08d}",
        "private_fields": _json(["mcid", "personal_accounts"] if i else []),
        "version": 1 + i,
        "updated_at": _when(n, i),
    }


def _wizard_run(b: Batch, i: int) -> Row:
    n = b.serial()
    done = i != 0
    created = _when(n, i)
    return {
        "user_id": b.ref("app_user", i),
        "knowledge_version_id": b.ref("knowledge_version", i),
        "certification_id": ("AZ-104", "AZ-900", "SC-400")[i % 3],
        "credential_id": None if i == 0 else b.soft_ref("credential", n),
        "answers": _json({"on_learn": "no", "メモ": "個人アカウントで受験"}),
        "status": "done" if done else "in_progress",
        "outcome_id": "link_personal_account" if done else None,
        "created_at": created,
        "updated_at": _later(created, 1),
        "finished_at": _later(created, 1) if done else None,
    }


# --- 0003: credential inventory --------------------------------------------------------------

# (certification_id, earned_on, own expires_on) -> the last valid day by the expiry rules with the
# shipped catalog: the effective expiry revision 0005 backfills. Spelled out, not computed, so a
# change in the rules or the catalog shows up here.
CREDENTIAL_CASES: tuple[tuple[str, date, date | None, date | None], ...] = (
    ("AZ-104", date(2025, 3, 10), None, date(2026, 3, 10)),  # role-based: one year
    ("AZ-204", date(2024, 2, 29), None, date(2025, 2, 28)),  # leap day: end of February
    ("AZ-104", date(2020, 11, 15), None, date(2022, 11, 15)),  # before June 2021: two years
    ("AZ-900", date(2024, 7, 1), None, None),  # Fundamentals never expire
    ("AI-102", date(2025, 8, 31), date(2026, 9, 30), date(2026, 9, 30)),  # the person's own date
    ("SC-400", date(2024, 1, 20), None, date(2025, 1, 20)),  # retired later: its own expiry
    ("", date(2023, 5, 1), None, None),  # outside the catalog, no date: never
    ("", date(2023, 5, 2), date(2027, 2, 28), date(2027, 2, 28)),  # outside, with a date
)


def expected_effective_expiry(row: Row) -> date | None:
    for cert, earned, own, effective in CREDENTIAL_CASES:
        if (cert, earned, own) == (row["certification_id"], row["earned_on"], row["expires_on"]):
            return effective
    raise AssertionError(f"credential row not from CREDENTIAL_CASES: {row}")


def _credential(b: Batch, i: int) -> Row:
    n = b.serial()
    cert, earned, own, _effective = CREDENTIAL_CASES[i]
    created = _when(n, i)
    return {
        "user_id": b.ref("app_user", i),
        "certification_id": cert,
        "other_name": "" if cert else f"社内認定: クラウド設計 {n}",
        "exams": _json([[cert or "社内-01", earned.isoformat()], ["AZ-900", None]]),
        "provider": ("pearson_vue", "certiport", "unknown", "other")[i % 4],
        "earned_on": earned,
        "expires_on": own,
        "certification_number": "" if i % 2 else f"H{n:03d}-{n % 9999:04d}",
        "on_learn": ("yes", "no", "unknown")[i % 3],
        "on_learn_seen_on": _day(n) if i % 3 == 0 else None,
        "counted": ("unknown", "yes", "no")[i % 3],
        "notes": "" if i % 2 else "Partner Center に未反映。\n問い合わせ中です。",
        "private_fields": _json(["certification_number", "notes"] if i % 2 == 0 else []),
        "source": ("manual", "learn", "csv", "demo")[i % 4],
        "version": 1 + i % 3,
        "created_at": created,
        "updated_at": _later(created, 4),
    }


def _calendar_feed(b: Batch, i: int) -> Row:
    n = b.serial()
    created = _when(n, i)
    return {
        "user_id": b.ref("app_user", i),
        "token_hash": _hex(n, "c4"),
        "created_at": created,
        "last_read_at": _later(created, 6) if i else None,
    }


def _learn_import(b: Batch, i: int) -> Row:
    n = b.serial()
    opted_in = i == 1
    return {
        "user_id": b.ref("app_user", i),
        "imported_at": _when(n, i),
        "share_id": f"d8{n:06x}-share",
        "user_name": "hanako-tanaka" if opted_in else "",
        "legal_name": "田中 花子" if opted_in else "",
        "mcid": f"{n:08d}" if opted_in else "",
        "contact_email": f"hanako.{n}@outlook.jp" if opted_in else "",
        "added": 3 + i,
        "matched": i,
        "not_on_learn": 2 - i % 3,
    }


# --- 0004: support cases, timeline -----------------------------------------------------------


def _credential_event(b: Batch, i: int) -> Row:
    n = b.serial()
    return {
        "credential_id": b.ref("credential", i),
        "user_id": b.ref("app_user", i),
        "kind": "renewed",
        "occurred_on": _day(n),
        "old_expiry": None if i == 0 else date(2025, 3, 10),
        "new_expiry": None if i == 0 else date(2026, 3, 10),
        "created_at": _when(n, i),
    }


def _support_case(b: Batch, i: int) -> Row:
    n = b.serial()
    created = _when(n, i)
    ended = i == 2
    return {
        "user_id": b.ref("app_user", i),
        "channel": ("partner_center", "credentials_support", "pearson_vue")[i % 3],
        "reference": "" if i == 0 else f"2604{n:06d}",
        "subject": f"AZ-104 が Partner Center に表示されない ({n})",
        "status": ("draft", "waiting_support", "resolved")[i % 3],
        "resolution": "linked" if ended else "",
        "follow_up_on": _day(n) if i == 1 else None,
        "draft_text": "お世話になっております。\n認定が反映されません。",
        "shared_with_lead": i == 1,
        "wizard_run_id": b.soft_ref("wizard_run", n) if i else None,
        "outcome_id": "" if i == 0 else "link_personal_account",
        "opened_on": None if i == 0 else _day(n),
        "ended_on": _day(n + 1) if ended else None,
        "version": 1 + i,
        "created_at": created,
        "updated_at": _later(created, 8),
    }


def _case_attachment(b: Batch, i: int) -> Row:
    n = b.serial()
    return {
        "case_id": b.ref("support_case", i),
        "name": f"スクリーンショット {n}.png" if i % 2 == 0 else f"返信 {n}.pdf",
        "mime": "image/png" if i % 2 == 0 else "application/pdf",
        "size": 1024 * (n + 1),
        "sha256": _hex(n, "5a"),
        "storage_key": f"case/{n:08d}-{'f' * 20}",
        "created_at": _when(n, i),
    }


def _case_credential(b: Batch, i: int) -> Row:
    b.serial()
    return {"case_id": b.ref("support_case", i), "credential_id": b.ref("credential", i)}


def _case_event(b: Batch, i: int) -> Row:
    n = b.serial()
    return {
        "case_id": b.ref("support_case", i),
        "kind": ("created", "reply_received", "attachment_added")[i % 3],
        "occurred_on": _day(n),
        "created_at": _when(n, i),
        "text": "" if i == 0 else "サポートから返信: アカウントを統合しました。",
        "status_from": "" if i == 0 else "open",
        "status_to": "draft" if i == 0 else "waiting_me",
        "resolution": "",
        "follow_up_on": _day(n + 2) if i == 1 else None,
        "attachment_id": b.ref("case_attachment", i) if i == 2 else None,
    }


# --- 0005: team view and skilling ------------------------------------------------------------


def _skilling_setting(b: Batch, i: int) -> Row | None:
    if not (i == 0 and b.is_empty("skilling_setting")):
        return None  # one row per organisation
    n = b.serial()
    return {
        "document": _json(
            {"tracks": {"Azure": "インフラ"}, "targets": [{"designation": "azure", "points": 70}]}
        ),
        "version": 3,
        "updated_at": _when(n, i),
    }


def _skilling_snapshot(b: Batch, i: int) -> Row:
    n = b.serial()
    return {
        "month": f"{2025 + n // 12}-{n % 12 + 1:02d}",
        "designation_id": ("infra_azure", "data_ai_azure", "security")[i % 3],
        "counted": 12.5 * i,
        "possible": 70.25,
        "taken_at": _when(n, i),
    }


# --- 0006: Microsoft sign-in -----------------------------------------------------------------


def _external_identity(b: Batch, i: int) -> Row:
    n = b.serial()
    created = _when(n, i)
    return {
        "user_id": b.ref("app_user", i),
        "tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47",
        "object_id": f"00000000-0000-0000-0000-{n:012x}",
        "username": "" if i == 0 else f"person.{n}@contoso.onmicrosoft.com",
        "created_at": created,
        "last_used_at": _later(created, 9) if i else None,
    }


def _oidc_attempt(b: Batch, i: int) -> Row:
    n = b.serial()
    links = i == 1
    created = _when(n, i)
    return {
        "state_hash": _hex(n, "0d"),
        "nonce": f"nonce-{n:040d}",
        "code_verifier": f"verifier-{n:050d}",
        "purpose": "link" if links else "sign_in",
        "user_id": b.ref("app_user", i) if links else None,
        "next_path": "/credentials?status=expired&検索=AZ" if i else "/",
        "created_at": created,
        "used_at": _later(created, 0) if i == 2 else None,
    }


# --- 0007: knowledge version digest -------------------------------------------------------------


def expected_content_digest(row: Row) -> str:
    """SHA-256 of the documents, NUL-separated in a fixed order (what 0007 backfills)."""
    joined = "\0".join((row["catalog_text"], row["designations_text"], row["linkage_text"]))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


REVISIONS: dict[str, RevisionData] = {
    "0001": RevisionData(
        tables={
            "app_user": Table(_app_user),
            "audit_entry": Table(_audit_entry),
            "sign_in_failure": Table(_sign_in_failure),
            "team": Table(_team),
            "login_session": Table(_login_session),
            "team_membership": Table(_team_membership),
        }
    ),
    "0002": RevisionData(
        tables={
            "knowledge_version": Table(_knowledge_version),
            "identity_map": Table(_identity_map),
            "wizard_run": Table(_wizard_run),
        }
    ),
    "0003": RevisionData(
        tables={
            "calendar_feed": Table(_calendar_feed),
            "credential": Table(_credential, count=len(CREDENTIAL_CASES)),
            "learn_import": Table(_learn_import),
        }
    ),
    "0004": RevisionData(
        tables={
            "credential_event": Table(_credential_event),
            "support_case": Table(_support_case),
            "case_attachment": Table(_case_attachment),
            "case_credential": Table(_case_credential),
            "case_event": Table(_case_event),
        }
    ),
    "0005": RevisionData(
        tables={
            "skilling_setting": Table(_skilling_setting),
            "skilling_snapshot": Table(_skilling_snapshot),
        },
        columns={
            ("credential", "expires_effective"): NewColumn(
                value=expected_effective_expiry, backfill=expected_effective_expiry
            ),
        },
    ),
    "0006": RevisionData(
        tables={
            "external_identity": Table(_external_identity),
            "oidc_attempt": Table(_oidc_attempt),
        }
    ),
    "0007": RevisionData(
        columns={
            ("knowledge_version", "content_digest"): NewColumn(
                value=expected_content_digest, backfill=expected_content_digest
            ),
        },
    ),
}
