"""Start the production build (`reflex run --env prod --single-port`) as `make run` does."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.harness import app_env, free_port, prepare_database, stop_group

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class RunningApp:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    database_url: str

    def stop(self) -> None:
        stop_group(self.process)


def _env(database_url: str, extra: Mapping[str, str]) -> dict[str, str]:
    return app_env(database_url, {"GRANIAN_WORKERS": "1", **extra})


def start_app(
    workdir: Path,
    *,
    extra_env: Mapping[str, str] | None = None,
    timeout: float = 300,
    port: int | None = None,
) -> RunningApp:
    database_url = f"sqlite:///{workdir / 'e2e.db'}"
    prepare_database(database_url)
    port = port or free_port()
    log_path = workdir / "reflex.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [
            str(BIN / "reflex"),
            "run",
            "--env",
            "prod",
            "--single-port",
            "--frontend-port",
            str(port),
            "--backend-port",
            str(port),
            "--backend-host",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=_env(database_url, {"BASE_URL": f"http://127.0.0.1:{port}", **(extra_env or {})}),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    app = RunningApp(url=url, process=process, log_path=log_path, database_url=database_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app exited early:\n{log_path.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200 and (
                httpx.get(f"{url}/login", timeout=5, follow_redirects=True).status_code == 200
            ):
                return app
        except httpx.HTTPError:
            pass
        time.sleep(1)
    app.stop()
    raise RuntimeError(f"app did not start:\n{log_path.read_text(errors='replace')[-4000:]}")
