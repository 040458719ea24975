"""``make bench``: every benchmark in bench/, then one table and one JSON document.

Runs, each in its own process: the transcript import (bench/import_transcript.py), the team page
against raw SQL (bench/team_page.py), event latency over websockets on the production server
(bench/event_latency.py) and Lighthouse on the wizard and team pages (bench/lighthouse.py).
Writes the combined figures, with the machine's description, to test-artifacts/bench.json; the
figures recorded in docs/performance.md come from this output. Nothing here asserts a time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.event_latency import machine  # noqa: E402

BENCHES = ("import_transcript", "team_page", "event_latency", "lighthouse")


def run(name: str, folder: Path) -> dict:
    out = folder / f"{name}.json"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{name}.py"), "--json", str(out)], check=True
    )
    figures = json.loads(out.read_text())
    figures["_seconds"] = round(time.perf_counter() - started, 1)
    return figures


def table(results: dict) -> str:
    lines = ["", "=== certportal benchmarks ===", f"machine: {json.dumps(results['machine'])}"]
    lines.append(f"{'measure':<48}{'figure':>14}  target")
    imp = results["import_transcript"]
    lines.append(
        f"{'transcript import, 200 certifications (median)':<48}"
        f"{imp['total_first_import_ms']['median']:>11.1f} ms  ≤ 100 ms"
    )
    team = results["team_page"]
    for kind in ("sqlite", "postgresql"):
        figures = team.get(kind)
        if isinstance(figures, dict):
            lines.append(
                f"{'team page / raw SQL, 5,000 members, ' + kind:<48}{figures['ratio']:>12.2f}×  ≤ 2×"
            )
    ev = results["event_latency"]
    t = ev["targets"]
    lines.append(
        f"{'wizard next p95 / floor p95, 1 client':<48}{t['next_p95_vs_floor_1_client']:>12.2f}×  ≤ 1.3×"
    )
    lines.append(
        f"{'wizard next p95 / floor p95, 50 clients':<48}{t['next_p95_vs_floor_50_clients']:>12.2f}×  ≤ 1.3×"
    )
    s = ev["sessions"]
    lines.append(
        f"{'CPU stolen by the hypervisor: 1 client / 200':<48}"
        f"{ev['one_client']['stolen_pct']:>7} / {s['cpu']['stolen_pct']} %"
    )
    lines.append(f"{'200 sessions: errors':<48}{s['errors']:>14}  0")
    lines.append(
        f"{'200 sessions: p95 / floor p95 (same load)':<48}"
        f"{t['sessions_p95_vs_floor_under_load']:>12.2f}×  ≤ 3×"
    )
    lines.append(
        f"{'200 sessions: p95 / floor p95 (1 client, idle)':<48}"
        f"{t['sessions_p95_vs_floor']:>12.2f}×  (for comparison)"
    )
    for page, r in results["lighthouse"]["pages"].items():
        lines.append(f"{'lighthouse ' + page + ' performance':<48}{r['performance']:>14}  ≥ 90")
        lines.append(f"{'lighthouse ' + page + ' accessibility':<48}{r['accessibility']:>14}  100")
    return "\n".join(lines)


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="certportal-bench-all-"))
    results: dict = {"machine": machine(), "date": time.strftime("%Y-%m-%d")}
    for name in BENCHES:
        print(f"--- bench/{name}.py", flush=True)
        results[name] = run(name, folder)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    print(table(results))
    target = ROOT / "test-artifacts" / "bench.json"
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
