"""Faults on the scaled run: the production server with 2 workers on PostgreSQL and Redis of their
own (so they can be stopped here), while people save notes on their support cases over real
websockets (bench/reflexclient.py speaks the browser's protocol).

- a worker killed with SIGKILL: every note whose save was acknowledged is in the database, the
  people on that worker reconnect and go on saving, the supervisor starts a new worker;
- Redis restarted (empty): people keep working (their page state is rebuilt from their session
  cookie) — or are sent to sign in again — and nothing acknowledged is lost;
- PostgreSQL restarted: saves fail while it is down (and say so), then work again without
  restarting the app.

Runs after every other browser test (conftest): starting this server rebuilds the frontend.
Collected where PostgreSQL and Redis are given (TEST_POSTGRES_URL, TEST_REDIS_URL: a machine with
their server binaries, which these tests start privately; ``.ci/run`` requires both).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text

from bench import harness
from bench.reflexclient import APP, Disconnected, ReflexClient, state_name
from certportal.db import make_engine
from tests.e2e.conftest import stop_shared_app

CASE = state_name("cases.state", "CaseDetailState")
ADD_NOTE = f"{CASE}.add_note"
PEOPLE = 6


@dataclass
class Person:
    name: str
    token: str
    case_id: int
    acked: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    reconnects: int = 0
    sent_to_sign_in: int = 0
    errors: list[str] = field(default_factory=list)
    form_key: int = 0  # the case form's counter as last seen: a save moves it on
    workers: list[str] = field(default_factory=list)


@dataclass
class Scaled:
    app: harness.ScaledApp
    pg: harness.PrivatePostgres
    redis: harness.PrivateRedis
    database_url: str
    people: list[Person]
    folder: Path

    def saved_notes(self) -> dict[int, list[str]]:
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT case_id, text FROM case_event WHERE kind = 'note'")
                ).all()
        finally:
            engine.dispose()
        found: dict[int, list[str]] = {}
        for case_id, note in rows:
            found.setdefault(int(case_id), []).append(str(note))
        return found


def _people(database_url: str) -> list[Person]:
    """Members, each signed in, each with an open case to write notes on."""
    from sqlmodel import Session

    from certportal.auth import service as auth_service
    from certportal.cases import service as cases
    from certportal.cases.transitions import CaseFields, Channel, Status

    tokens = harness.signed_in_people(database_url, PEOPLE, prefix="fault")
    engine = make_engine(database_url)
    people: list[Person] = []
    with Session(engine, expire_on_commit=False) as session:
        for i, token in enumerate(tokens):
            actor = auth_service.authenticate(session, token=token)
            case = cases.create(
                session,
                actor=actor,
                fields=CaseFields(
                    channel=Channel.PARTNER_CENTER,
                    reference="",
                    subject=f"Fault test {i}",
                    status=Status.OPEN,
                    message="",
                    follow_up_on=None,
                    credential_ids=(),
                ),
            )
            session.commit()
            assert case.id is not None
            people.append(Person(name=f"p{i}", token=token, case_id=case.id))
    engine.dispose()
    return people


@pytest.fixture(scope="module")
def scaled() -> Iterator[Scaled]:
    stop_shared_app()  # this server's build replaces the shared one (see conftest)
    folder = Path(tempfile.mkdtemp(prefix="certportal-faults-"))
    os.chmod(folder, 0o755)  # noqa: S103 - the postgres user must reach its data folder
    pg = harness.PrivatePostgres(folder / "pg").init()
    pg.start()
    redis = harness.PrivateRedis(folder / "redis")
    redis.start()
    app = None
    try:
        database_url = pg.url
        harness.prepare_database(database_url)
        people = _people(database_url)
        app = harness.start_scaled(
            folder,
            database_url,
            workers=2,
            redis_url=redis.url,
            extra_env={"EXPOSE_WORKER_ID": "true"},
        )
        yield Scaled(app, pg, redis, database_url, people, folder)
    finally:
        if app is not None:
            app.stop()
        redis.stop()
        pg.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


# --- people saving notes ------------------------------------------------------------------------


async def _open(url: str, person: Person) -> ReflexClient:
    client = ReflexClient(url, session_token=person.token)
    updates = await client.connect(f"/cases/{person.case_id}/", timeout=15)
    for update in updates:
        if worker := update.value(APP, "worker"):
            person.workers.append(str(worker))
        if (key := update.value(CASE, "form_key")) is not None:
            person.form_key = int(key)
    return client


async def _save_notes(url: str, person: Person, stop: asyncio.Event, tag: str) -> None:
    """Save notes one after another; on a broken connection or a failed save, reconnect as the
    browser does and go on. Only a note whose save came back is counted as acknowledged."""
    client: ReflexClient | None = None
    number = 0
    while not stop.is_set():
        if client is None:
            try:
                client = await _open(url, person)
            except (Disconnected, TimeoutError, OSError, ConnectionError):
                await asyncio.sleep(0.3)
                continue
        note = f"{tag}-{person.name}-{number}"
        number += 1
        try:
            await client.send(ADD_NOTE, {"form": {"note": note}})
            updates = await client.until(
                lambda u: u.value(CASE, "form_key") is not None or bool(u.events), timeout=10
            )
        except (Disconnected, TimeoutError, OSError):
            person.unknown.append(note)
            person.reconnects += 1
            await client.close()
            client = None
            continue
        last = updates[-1]
        if last.redirect() and last.redirect().startswith("/login"):
            person.sent_to_sign_in += 1
            person.unknown.append(note)
            await client.close()
            client = None
            continue
        error = next((u.value(CASE, "error") for u in updates if u.value(CASE, "error")), "")
        key = last.value(CASE, "form_key")
        # acknowledged: the page moved its form on without an error. A page whose state was
        # lost (Redis emptied) answers with fresh defaults instead, which do not move it on.
        if key is not None and int(key) > person.form_key and not error:
            person.form_key = int(key)
            person.acked.append(note)
        else:
            # the save failed and the page said so (the database was unreachable; or, when the
            # connection broke during a commit, "changed elsewhere"): like a person, wait a
            # moment and reload the page. Such a note may or may not have been written.
            person.refused.append(note)
            person.errors.append(str(error))
            await client.close()
            client = None
            await asyncio.sleep(0.5)
    if client is not None:
        await client.close()


async def _run(scaled: Scaled, tag: str, fault, *, before: int = 3, after: int = 5) -> None:
    """Everyone saves; once each has ``before`` acknowledged notes the fault happens; then run
    until each has ``after`` more acknowledged notes (or fail after a minute)."""
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_save_notes(scaled.app.url, p, stop, tag)) for p in scaled.people]
    try:
        await _wait(lambda: all(len(p.acked) >= before for p in scaled.people), 60, tasks)
        marks = {p.name: len(p.acked) for p in scaled.people}
        await asyncio.get_running_loop().run_in_executor(None, fault)
        try:
            await _wait(
                lambda: all(len(p.acked) >= marks[p.name] + after for p in scaled.people),
                90,
                tasks,
            )
        except AssertionError as exc:
            people = "\n".join(
                f"{p.name}: acked {len(p.acked)} (at the fault {marks[p.name]}), unknown "
                f"{p.unknown[-3:]}, refused {len(p.refused)}, reconnects {p.reconnects}, "
                f"sent to sign in {p.sent_to_sign_in}"
                for p in scaled.people
            )
            raise AssertionError(
                f"{exc}\n{people}\n--- server log ---\n{scaled.app.log()[-3000:]}"
            ) from None
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)


async def _wait(condition, timeout: float, tasks) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        for task in tasks:
            if task.done() and task.exception():
                raise task.exception()  # type: ignore[misc]
        if time.monotonic() > deadline:
            raise AssertionError("people could not go on saving after the fault")
        await asyncio.sleep(0.2)


def _in_thread(coro) -> None:  # type: ignore[no-untyped-def]
    """Run the people's event loop in a thread of its own: Playwright's sync API (the browser
    tests before these) keeps an event loop running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def _reset(scaled: Scaled) -> None:
    for p in scaled.people:
        p.acked.clear()
        p.unknown.clear()
        p.refused.clear()
        p.errors.clear()
        p.workers.clear()
        p.reconnects = 0
        p.sent_to_sign_in = 0


def _assert_nothing_acknowledged_lost(scaled: Scaled, tag: str) -> None:
    saved = scaled.saved_notes()
    for p in scaled.people:
        mine = [n for n in saved.get(p.case_id, []) if n.startswith(f"{tag}-")]
        missing = [n for n in p.acked if n not in mine]
        assert not missing, f"{p.name}: acknowledged notes missing from the database: {missing}"
        assert len(mine) == len(set(mine)), f"{p.name}: a note was saved twice"
        sent = {*p.acked, *p.unknown, *p.refused}
        assert set(mine) <= sent, f"{p.name}: notes nobody sent: {set(mine) - sent}"


# --- the faults -----------------------------------------------------------------------------


def test_a_worker_killed_while_people_save(scaled: Scaled) -> None:
    _reset(scaled)
    before = scaled.app.worker_pids()
    assert len(before) == 2
    killed: list[int] = []

    def kill_busiest_worker() -> None:
        seen = [p.workers[-1] for p in scaled.people if p.workers]
        pid = max(set(seen), key=seen.count)
        killed.append(int(pid))
        os.kill(int(pid), signal.SIGKILL)

    _in_thread(_run(scaled, "kill", kill_busiest_worker))
    _assert_nothing_acknowledged_lost(scaled, "kill")
    victims = [p for p in scaled.people if str(killed[0]) in p.workers]
    assert victims, "nobody was on the killed worker"
    for p in victims:
        assert p.reconnects >= 1, f"{p.name} never had to reconnect"
        assert any(w != str(killed[0]) for w in p.workers[p.workers.index(str(killed[0])) :])
    # the supervisor started a new worker in place of the killed one
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pids = scaled.app.worker_pids()
        if len(pids) == 2 and killed[0] not in pids:
            break
        time.sleep(0.5)
    assert len(scaled.app.worker_pids()) == 2 and killed[0] not in scaled.app.worker_pids()
    assert scaled.app.process.poll() is None


def test_redis_restarted_while_people_save(scaled: Scaled) -> None:
    _reset(scaled)

    def restart_redis() -> None:
        scaled.redis.stop()
        time.sleep(1.0)
        scaled.redis.start()

    _in_thread(_run(scaled, "redis", restart_redis))
    _assert_nothing_acknowledged_lost(scaled, "redis")
    assert scaled.app.process.poll() is None


def test_postgres_restarted_while_people_save(scaled: Scaled) -> None:
    _reset(scaled)
    pids = scaled.app.worker_pids()

    def restart_postgres() -> None:
        scaled.pg.stop("fast")
        time.sleep(2.0)
        scaled.pg.start()

    _in_thread(_run(scaled, "pg", restart_postgres))
    _assert_nothing_acknowledged_lost(scaled, "pg")
    # while it was down, people were told in their language, with their text kept
    said = {e for p in scaled.people for e in p.errors}
    assert any(e.startswith("The database could not be reached") for e in said), said
    # recovered without a restart: the same workers serve
    assert scaled.app.worker_pids() == pids
    assert scaled.app.process.poll() is None
