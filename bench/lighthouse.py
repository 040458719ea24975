"""Lighthouse (from the npm registry, in .tools) on Debian's chromium: the wizard and team pages.

    python bench/lighthouse.py [--json FILE] [--form-factor desktop|mobile]

Starts the production server (``python -m certportal.serve``, one worker on a SQLite file with the
demo organisation), starts chromium with a debugging port, signs in as the demo lead 高橋 健一 with
Playwright over that port (the session cookie lives in the browser's profile), then lets
Lighthouse audit, in the same browser, a wizard question page and the team page. Lighthouse must
not reset the storage (it would sign the person out): ``--disable-storage-reset``.

Targets: performance ≥ 90, accessibility 100. The default form factor is desktop: the people using
certportal do so at work, on a PC; ``--form-factor mobile`` applies Lighthouse's mobile throttling
(a slow phone on 4G) for comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import harness

LIGHTHOUSE = harness.ROOT / ".tools" / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
LEAD = "kenichi.takahashi@demo.certportal.example"
PASSWORD = "certportal-demo-2026"
TARGETS = {"performance": 90, "accessibility": 100}
REPORTS = harness.ROOT / "test-artifacts" / "lighthouse"  # the whole reports, to read the details


def start_browser(profile: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = harness.free_port()
    process = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={profile}",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    harness.wait_port(port)
    return process, port


def sign_in_and_start_a_diagnosis(app_url: str, port: int, locale: str) -> str:
    """Sign in (the cookie stays in the profile), choose the language; returns a wizard question
    page's path (a new diagnosis' first question: nothing is saved by opening it)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
        context = browser.contexts[0]
        page = context.new_page()
        page.goto(f"{app_url}/login")
        page.wait_for_load_state("networkidle")
        page.get_by_label(re.compile("^(Email|メールアドレス)$")).fill(LEAD)
        page.get_by_label(re.compile("^(Password|パスワード)$")).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("^(Sign in|サインイン)$"), exact=True).click()
        page.wait_for_url(re.compile(r"^https?://[^/]+/$"))
        language = "English" if locale == "en" else "日本語"
        page.get_by_role("button", name=language).click()
        page.goto(f"{app_url}/wizard/new")  # a new diagnosis: its first question
        page.locator("#answer-cert").wait_for()
        path = "/wizard/new"
        page.close()
        browser.close()  # disconnects; the browser and its profile stay
    return path


def audit(url: str, port: int, form_factor: str, out: Path) -> dict:
    args = [
        str(LIGHTHOUSE),
        url,
        f"--port={port}",
        "--only-categories=performance,accessibility",
        "--disable-storage-reset",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        "--max-wait-for-load=60000",
    ]
    if form_factor == "desktop":
        args.append("--preset=desktop")
    subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    failing = [
        {"id": key, "title": a["title"]}
        for key, a in report["audits"].items()
        if a.get("score") is not None
        and a["score"] < 1
        and key in {r["id"] for r in report["categories"]["accessibility"]["auditRefs"]}
        and a.get("scoreDisplayMode") == "binary"
    ]
    metrics = {
        key: report["audits"][key].get("displayValue", "")
        for key in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
            "speed-index",
        )
    }
    return {
        "url": report["finalDisplayedUrl"],
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "metrics": metrics,
        "accessibility_failures": failing,
    }


def run(form_factor: str, locale: str) -> dict:
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: `make bench` installs it into .tools")
    workdir = Path(tempfile.mkdtemp(prefix="certportal-lighthouse-"))
    database_url = f"sqlite:///{workdir / 'lighthouse.db'}"
    harness.prepare_database(database_url)
    app = harness.start_scaled(workdir, database_url, workers=1, redis_url=None)
    results: dict[str, dict] = {}
    REPORTS.mkdir(parents=True, exist_ok=True)
    try:
        # each page audited in a browser of its own (a page audited earlier in the same browser
        # leaves work behind that Lighthouse then blames on the next one)
        for name in ("wizard", "team"):
            browser, port = start_browser(workdir / f"profile-{name}")
            try:
                wizard = sign_in_and_start_a_diagnosis(app.url, port, locale)
                url = app.url + (wizard if name == "wizard" else "/team")
                results[name] = audit(url, port, form_factor, REPORTS / f"{name}-{locale}.json")
            finally:
                browser.terminate()
                browser.wait(timeout=10)
    finally:
        app.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "lighthouse": subprocess.run(
            [str(LIGHTHOUSE), "--version"], capture_output=True, text=True, check=True
        ).stdout.strip(),
        "chromium": subprocess.run(
            [CHROMIUM, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip(),
        "form_factor": form_factor,
        "locale": locale,
        "pages": results,
        "targets": TARGETS,
        "met": all(r[k] >= v for r in results.values() for k, v in TARGETS.items()),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def table(out: dict) -> str:
    lines = [
        f"lighthouse {out['lighthouse']} on {out['chromium']} — {out['form_factor']}, "
        f"{out['locale']}",
        f"{'page':<8}{'perf':>6}{'a11y':>6}  FCP / LCP / TBT / CLS",
    ]
    for name, r in out["pages"].items():
        m = r["metrics"]
        lines.append(
            f"{name:<8}{r['performance']:>6}{r['accessibility']:>6}  "
            f"{m['first-contentful-paint']} / {m['largest-contentful-paint']} / "
            f"{m['total-blocking-time']} / {m['cumulative-layout-shift']}"
        )
        for failure in r["accessibility_failures"]:
            lines.append(f"        a11y: {failure['id']} — {failure['title']}")
    lines.append(
        f"targets: performance ≥ 90, accessibility 100 — {'met' if out['met'] else 'MISSED'}"
    )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--form-factor", choices=("desktop", "mobile"), default="desktop")
    parser.add_argument("--locale", choices=("ja", "en"), default="ja")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    out = run(args.form_factor, args.locale)
    print(table(out))
    print(json.dumps(out, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
