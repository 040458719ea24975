"""The scaled production server: N backend workers on PostgreSQL and Redis, one port.

``python -m certportal.serve --workers 4`` (``make run-scaled`` runs migrations first):

1. builds the frontend for the public address (``BASE_URL``: the browser's websocket goes there);
2. starts granian with N workers, each serving the built pages and the websocket, sharing the
   Reflex state in Redis and the data in the database. A worker that dies (killed, out of memory)
   is started again by the supervisor; its websocket clients reconnect to the others meanwhile.

``reflex run --env prod`` (what ``make run`` uses) starts the same app, but its supervisor shuts the
whole server down when one worker dies: fine for one person's machine, not for a team.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from certportal.settings import PROJECT_ROOT, Settings, get_settings

APP_TARGET = "certportal.certportal:app"


class ServeError(RuntimeError):
    """The configuration cannot run N workers."""


def check(settings: Settings, workers: int) -> None:
    """Refuse configurations that lose data or sessions with several workers."""
    if workers < 1:
        raise ServeError("--workers must be at least 1")
    if workers > 1 and not settings.redis_url:
        raise ServeError(
            "REDIS_URL is required with more than one worker: each worker would otherwise keep "
            "its own copy of every page's state and people would lose their place."
        )
    if workers > 1 and settings.is_sqlite:
        raise ServeError(
            "DATABASE_URL is SQLite: use PostgreSQL (postgresql+psycopg://…) with more than one "
            "worker; SQLite allows one writer at a time."
        )


def environment(settings: Settings) -> dict[str, str]:
    """What the build and the workers need to agree on, on top of this process's environment."""
    env = dict(os.environ)
    env.update(
        {
            "REFLEX_ENV_MODE": "prod",
            "REFLEX_TELEMETRY_ENABLED": "false",
            # the browser talks to the public address (the TLS proxy, or this server directly)
            "REFLEX_API_URL": settings.base_url,
            "REFLEX_DEPLOY_URL": settings.base_url,
            # the workers serve the built pages themselves and do not compile again
            "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true",
            "__REFLEX_SKIP_COMPILE": "true",
        }
    )
    if settings.redis_url:
        env["REFLEX_REDIS_URL"] = settings.redis_url
    return env


def build(env: dict[str, str]) -> None:
    """Compile the pages and build the static frontend into .web/build/client."""
    reflex = Path(sys.executable).parent / "reflex"
    build_env = dict(env)
    build_env.pop("__REFLEX_SKIP_COMPILE", None)
    subprocess.run(  # noqa: S603 - our own venv's reflex, fixed arguments
        [str(reflex), "export", "--frontend-only", "--no-zip", "--env", "prod"],
        cwd=PROJECT_ROOT,
        env=build_env,
        check=True,
    )


def serve(host: str, port: int, workers: int) -> None:
    from granian.constants import Interfaces
    from granian.server import Server

    Server(
        target=APP_TARGET,
        factory=True,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=10,
    ).serve()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m certportal.serve", description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument(
        "--skip-build", action="store_true", help="serve the frontend already in .web/build"
    )
    args = parser.parse_args(argv)
    settings = get_settings()
    try:
        check(settings, args.workers)
    except ServeError as exc:
        print(f"certportal.serve: {exc}", file=sys.stderr)
        return 2
    env = environment(settings)
    if not args.skip_build:
        build(env)
    # the workers read the same variables
    os.environ.clear()
    os.environ.update(env)
    os.chdir(PROJECT_ROOT)
    print(
        f"certportal: {args.workers} worker(s) on http://{args.host}:{args.port} "
        f"(public address {settings.base_url})",
        flush=True,
    )
    serve(args.host, args.port, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
