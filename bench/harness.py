"""Start the real parts for load and fault runs: the scaled server (``certportal.serve``), a
database prepared with the demo organisation, signed-in sessions, and private PostgreSQL and Redis
servers that a test may stop and start again without disturbing anyone else's.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Stop a server started in its own session, and everything it started: TERM, then KILL."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port}")


# --- databases ---------------------------------------------------------------------------------


def postgres_schema(admin_url: str, prefix: str = "bench") -> str:
    """A fresh schema on ``admin_url``; returns a URL whose connections use only it."""
    from sqlalchemy import text

    from certportal.db import make_engine

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = make_engine(admin_url)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    sep = "&" if "?" in admin_url else "?"
    return f"{admin_url}{sep}options=-csearch_path%3D{schema}"


def drop_schema(url: str) -> None:
    from sqlalchemy import text

    from certportal.db import make_engine

    admin_url, _, options = url.partition("options=-csearch_path%3D")
    schema = options.split("&")[0]
    engine = make_engine(admin_url.rstrip("?&"))
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def app_env(database_url: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment a server (or a ``manage`` command) runs with: this database, the tools'
    folder on PATH, nothing inherited that would point it elsewhere."""
    env = dict(os.environ)
    for key in ("PYTEST_CURRENT_TEST", "REFLEX_ENV_MODE", "REFLEX_REDIS_URL", "REDIS_URL"):
        env.pop(key, None)
    env.update(
        {
            "DATABASE_URL": database_url,
            "CERTPORTAL_ENV": "development",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "PATH": f"{ROOT / '.tools/node_modules/.bin'}:{BIN}:{env.get('PATH', '')}",
        }
    )
    # attachments next to a SQLite database (or in a fresh temporary folder), never in data/
    if database_url.startswith("sqlite:///"):
        folder = Path(database_url.removeprefix("sqlite:///")).parent / "attachments"
    else:
        folder = Path(tempfile.mkdtemp(prefix="certportal-attachments-"))
    env["ATTACHMENTS_DIR"] = str(folder)
    env.update(extra or {})
    return env


def prepare_database(database_url: str) -> None:
    """Migrations with the plain alembic CLI, then the demo organisation."""
    env = app_env(database_url)
    subprocess.run(
        [str(BIN / "alembic"), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [str(BIN / "python"), "-m", "certportal.manage", "demo", "--if-empty"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def signed_in_people(database_url: str, count: int, prefix: str = "load") -> list[str]:
    """``count`` new members, each signed in once: their session tokens (the cookie value)."""
    from sqlmodel import Session

    from certportal.auth import service as auth_service
    from certportal.auth.models import User
    from certportal.auth.passwords import hash_password
    from certportal.db import make_engine

    engine = make_engine(database_url)
    tokens: list[str] = []
    digest = hash_password("load-test-password-2026")  # one hash for all: argon2 is slow on purpose
    now = datetime.now(UTC)
    run = uuid.uuid4().hex[:6]
    with Session(engine, expire_on_commit=False) as session:
        users = [
            User(
                email=f"{prefix}-{run}-{i}@load.certportal.example",
                display_name=f"Load {i}",
                password_hash=digest,
                locale="en",
            )
            for i in range(count)
        ]
        session.add_all(users)
        session.commit()
        for user in users:
            tokens.append(auth_service._start_session(session, user, now).token)
        session.commit()
    engine.dispose()
    return tokens


# --- private PostgreSQL and Redis --------------------------------------------------------------


def _pg_bin(name: str) -> str:
    versions = sorted(PG_BIN.glob("*/bin"), reverse=True) if PG_BIN.exists() else []
    for folder in versions:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found (PostgreSQL server binaries)")
    return found


@dataclass
class PrivatePostgres:
    """A PostgreSQL cluster of our own, on its own port: a test may stop and start it."""

    folder: Path
    port: int = field(default_factory=free_port)

    def _as_owner(self, *args: str) -> list[str]:
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> PrivatePostgres:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        subprocess.run(
            self._as_owner(
                _pg_bin("initdb"),
                "-D",
                str(self.folder / "data"),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ),
            check=True,
            capture_output=True,
        )
        return self

    def start(self) -> None:
        subprocess.run(
            self._as_owner(
                _pg_bin("pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-l",
                str(self.folder / "server.log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                "start",
            ),
            check=True,
            capture_output=True,
        )
        wait_port(self.port)

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            self._as_owner(
                _pg_bin("pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "-w", "stop"
            ),
            check=False,
            capture_output=True,
        )


@dataclass
class PrivateRedis:
    """A Redis server of our own (nothing saved to disk, like the shared one)."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


# --- the scaled server -------------------------------------------------------------------------


@dataclass
class ScaledApp:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    database_url: str

    def worker_pids(self) -> list[int]:
        import psutil

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return sorted(c.pid for c in children if "python" in (c.name() or "").lower())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        stop_group(self.process)


def start_scaled(
    workdir: Path,
    database_url: str,
    *,
    workers: int,
    redis_url: str | None,
    port: int | None = None,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 300,
) -> ScaledApp:
    """``python -m certportal.serve`` (build + granian with ``workers`` workers), ready to serve."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = app_env(
        database_url,
        {
            "BASE_URL": url,
            **({"REDIS_URL": redis_url} if redis_url else {}),
            "ATTACHMENTS_DIR": str(workdir / "attachments"),
            **(extra_env or {}),
        },
    )
    log_path = workdir / "serve.log"
    process = subprocess.Popen(
        [
            str(BIN / "python"),
            "-m",
            "certportal.serve",
            "--workers",
            str(workers),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    app = ScaledApp(
        url=url, port=port, process=process, log_path=log_path, database_url=database_url
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{app.log()[-4000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200 and (
                len(app.worker_pids()) >= workers
            ):
                return app
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    app.stop()
    raise RuntimeError(f"server did not start:\n{app.log()[-4000:]}")
