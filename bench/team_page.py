"""The team page's first load at scale: 5,000 members with 8 credentials each.

For each database (SQLite always; PostgreSQL when ``BENCH_POSTGRES_URL`` or ``TEST_POSTGRES_URL``
is set) a generator fills a fresh database, then this prints the median of several runs of

- ``service``: ``team.service.team_page`` as the page calls it (an admin's first page: total,
  25 rows with their counts, teams, reasons and next moves), and
- ``raw_sql``: one hand-written SQL statement computing the same counts for the same page, plus
  the total,

and their ratio (the issue's target: at most 2). Not a test: nothing here asserts a time.
It also prints the skilling panel's time (company-wide scoring, points possible, the what-if list
and this month's snapshot) for the same company — no target yet.
Run: ``make bench`` or ``.venv/bin/python bench/team_page.py [members]``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from certportal import db as db_module  # noqa: E402
from certportal.auth.models import User  # noqa: E402
from certportal.auth.policy import Principal, Role  # noqa: E402
from certportal.cases.models import SupportCase  # noqa: E402
from certportal.credentials.models import Credential  # noqa: E402
from certportal.knowledge import service as knowledge  # noqa: E402
from certportal.team import service  # noqa: E402
from certportal.team.service import TeamQuery  # noqa: E402
from certportal.teams.models import Team, TeamMembership  # noqa: E402
from certportal.wizard.models import WizardRun  # noqa: E402

TODAY = date(2026, 12, 1)
RUNS = 7
CERTS = ["AZ-104", "AZ-305", "AZ-900", "MS-900", "MS-700", "SC-300", "DP-600", "PL-300", "AI-900"]

RAW = """
WITH diagnosed AS (
  SELECT DISTINCT w.credential_id FROM wizard_run w
  WHERE w.credential_id IS NOT NULL AND w.status = 'done' AND w.outcome_id <> 'already_counted'
), creds AS (
  SELECT c.user_id,
    SUM(CASE WHEN c.counted = 'yes' AND (c.expires_effective IS NULL
        OR c.expires_effective >= :today) THEN 1 ELSE 0 END) AS counted,
    SUM(CASE WHEN c.counted <> 'yes' AND (c.expires_effective IS NULL
        OR c.expires_effective >= :today) AND d.credential_id IS NOT NULL
        THEN 1 ELSE 0 END) AS blocked,
    SUM(CASE WHEN c.counted <> 'yes' AND (c.expires_effective IS NULL
        OR c.expires_effective >= :today) AND d.credential_id IS NULL
        THEN 1 ELSE 0 END) AS unlinked,
    SUM(CASE WHEN c.expires_effective >= :today AND c.expires_effective <= :soon
        THEN 1 ELSE 0 END) AS renewals,
    MAX(c.updated_at) AS last_credential
  FROM credential c LEFT JOIN diagnosed d ON d.credential_id = c.id
  WHERE c.private_fields NOT LIKE '%"entry"%' GROUP BY c.user_id
), cases AS (
  SELECT s.user_id,
    SUM(CASE WHEN s.status IN ('open', 'waiting_support', 'waiting_me') THEN 1 ELSE 0 END)
      AS open_cases,
    MAX(s.updated_at) AS last_case
  FROM support_case s WHERE s.status <> 'draft' GROUP BY s.user_id
), runs AS (
  SELECT r.user_id, MAX(r.updated_at) AS last_run FROM wizard_run r GROUP BY r.user_id
)
SELECT u.id, u.display_name, u.email, COALESCE(creds.counted, 0), COALESCE(creds.blocked, 0),
  COALESCE(creds.unlinked, 0), COALESCE(creds.renewals, 0), COALESCE(cases.open_cases, 0),
  creds.last_credential, cases.last_case, runs.last_run
FROM app_user u
LEFT JOIN creds ON creds.user_id = u.id
LEFT JOIN cases ON cases.user_id = u.id
LEFT JOIN runs ON runs.user_id = u.id
WHERE u.is_active
ORDER BY u.display_name, u.id
LIMIT 25
"""
RAW_TOTAL = "SELECT COUNT(*) FROM app_user u WHERE u.is_active"


def generate(engine: Engine, members: int) -> Principal:
    """``members`` people in 50 teams, 8 credentials each (a mix of counted, pending, expiring,
    expired), a diagnosis on every tenth pending one and a case for every seventh person."""
    now = datetime(2026, 11, 1, tzinfo=UTC)
    with Session(engine) as session:
        knowledge.ensure_initial(session)
        session.commit()
        version_id = knowledge.active(session)[0].id
        session.execute(
            insert(User),
            [
                {
                    "id": 1,
                    "email": "admin@bench.example",
                    "display_name": "Admin",
                    "search_key": "admin",
                    "password_hash": "x",
                    "role": "admin",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
            ]
            + [
                {
                    "id": i + 2,
                    "email": f"person{i}@bench.example",
                    "display_name": f"Person {i:05d}",
                    "search_key": f"person {i:05d} person{i}@bench.example",
                    "password_hash": "x",
                    "role": "member",
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(members)
            ],
        )
        session.execute(
            insert(Team),
            [
                {
                    "id": t + 1,
                    "name": f"Team {t}",
                    "name_key": f"team {t}",
                    "description": "",
                    "created_at": now,
                }
                for t in range(50)
            ],
        )
        session.execute(
            insert(TeamMembership),
            [
                {"team_id": i % 50 + 1, "user_id": i + 2, "role": "member", "created_at": now}
                for i in range(members)
            ],
        )
        creds, runs, cases = [], [], []
        cid = 0
        for i in range(members):
            for k in range(8):
                cid += 1
                earned = TODAY - timedelta(days=(i * 7 + k * 41) % 700)
                counted = "yes" if (i + k) % 3 else "no"
                creds.append(
                    {
                        "id": cid,
                        "user_id": i + 2,
                        "certification_id": CERTS[(i + k) % len(CERTS)],
                        "other_name": "",
                        "exams": "[]",
                        "provider": "pearson_vue",
                        "earned_on": earned,
                        "expires_effective": earned + timedelta(days=365),
                        "certification_number": "",
                        "on_learn": "yes",
                        "counted": counted,
                        "notes": "",
                        "private_fields": '["entry"]' if (i + k) % 37 == 0 else "[]",
                        "source": "manual",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if counted == "no" and cid % 10 == 0:
                    runs.append(
                        {
                            "user_id": i + 2,
                            "knowledge_version_id": version_id,
                            "certification_id": creds[-1]["certification_id"],
                            "credential_id": cid,
                            "answers": "{}",
                            "status": "done",
                            "outcome_id": "associate_in_pc",
                            "created_at": now,
                            "updated_at": now,
                            "finished_at": now,
                        }
                    )
            if i % 7 == 0:
                cases.append(
                    {
                        "user_id": i + 2,
                        "channel": "partner_center",
                        "reference": "",
                        "subject": "S",
                        "status": "waiting_support",
                        "resolution": "",
                        "draft_text": "",
                        "shared_with_lead": False,
                        "outcome_id": "",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        session.execute(insert(Credential), creds)
        session.execute(insert(WizardRun), runs)
        session.execute(insert(SupportCase), cases)
        session.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in (
                "app_user",
                "credential",
                "wizard_run",
                "support_case",
                "team_membership",
            ):
                connection.execute(text(f"ANALYZE {table}"))
    return Principal(user_id=1, email="admin@bench.example", display_name="Admin", role=Role.ADMIN)


def median_ms(action: object) -> tuple[float, float]:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), max(timings)


def measure(engine: Engine, admin: Principal) -> dict[str, object]:
    soon = TODAY + timedelta(days=service.RENEWAL_DAYS)

    def through_service() -> None:
        with Session(engine) as session:
            page = service.team_page(session, actor=admin, query=TeamQuery(), today=TODAY)
            assert len(page.rows) == 25

    def raw() -> None:
        with engine.connect() as connection:
            rows = connection.execute(text(RAW), {"today": TODAY, "soon": soon}).all()
            connection.execute(text(RAW_TOTAL)).scalar_one()
            assert len(rows) == 25

    def skilling_panel() -> None:
        with Session(engine) as session:
            service.panel(session, actor=admin, today=TODAY)
            session.commit()

    through_service()  # warm caches (knowledge, statement compilation)
    raw()
    service_ms, service_max = median_ms(through_service)
    raw_ms, raw_max = median_ms(raw)
    skilling_panel()
    panel_ms, panel_max = median_ms(skilling_panel)
    return {
        "skilling_panel_ms_median": round(panel_ms, 1),
        "skilling_panel_ms_max": round(panel_max, 1),
        "service_ms_median": round(service_ms, 1),
        "service_ms_max": round(service_max, 1),
        "raw_sql_ms_median": round(raw_ms, 1),
        "raw_sql_ms_max": round(raw_max, 1),
        "ratio": round(service_ms / raw_ms, 2),
    }


def run_on(url: str, members: int) -> dict[str, object]:
    engine = db_module.make_engine(url)
    db_module.import_models().metadata.create_all(engine)
    start = time.perf_counter()
    admin = generate(engine, members)
    filled = time.perf_counter() - start
    result = {"fill_s": round(filled, 1), **measure(engine, admin)}
    engine.dispose()
    return result


def main() -> None:
    args = sys.argv[1:]
    out = Path(args[args.index("--json") + 1]) if "--json" in args else None
    if out:
        args = [a for a in args if a not in ("--json", str(out))]
    members = int(args[0]) if args else 5000
    results: dict[str, object] = {"members": members, "credentials_each": 8, "runs": RUNS}
    folder = Path(tempfile.mkdtemp(prefix="certportal-bench-"))
    results["sqlite"] = run_on(f"sqlite:///{folder / 'team.db'}", members)
    postgres = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("TEST_POSTGRES_URL")
    if postgres:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin_engine = db_module.make_engine(postgres)
        with admin_engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in postgres else "?"
        try:
            results["postgresql"] = run_on(
                f"{postgres}{sep}options=-csearch_path%3D{schema}", members
            )
        finally:
            with admin_engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin_engine.dispose()
    else:
        results["postgresql"] = "not run: set BENCH_POSTGRES_URL (or TEST_POSTGRES_URL)"
    print(json.dumps(results, indent=2))
    for kind in ("sqlite", "postgresql"):
        figures = results[kind]
        if isinstance(figures, dict):
            print(
                f"{kind:10} service {figures['service_ms_median']:8.1f} ms   raw SQL "
                f"{figures['raw_sql_ms_median']:8.1f} ms   ratio {figures['ratio']:.2f}   "
                f"skilling panel {figures['skilling_panel_ms_median']:8.1f} ms"
            )
    if out:
        out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
