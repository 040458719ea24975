"""The dependency rule: pure modules import neither reflex nor sqlmodel (nor the database layer);
services never import reflex; only state/pages/ui modules may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "certportal"

PURE = [
    "auth/rules.py",
    "auth/policy.py",
    "auth/claims.py",
    "errors.py",
    "clock.py",
    "settings.py",
    "i18n/catalog.py",
    "i18n/formatting.py",
    "credentials/expiry.py",
    "credentials/rules.py",
    "credentials/matching.py",
    "credentials/present.py",
    "credentials/csvio.py",
    "learn/links.py",
    "learn/transcript.py",
    "identity/rules.py",
    "knowledge/schema.py",
    "knowledge/loader.py",
    "knowledge/diff.py",
    "knowledge/browse.py",
    "knowledge/eligibility.py",
    "wizard/engine.py",
    "wizard/present.py",
    "wizard/support_text.py",
    "cases/transitions.py",
    "cases/attachments.py",
    "cases/evidence.py",
    "cases/present.py",
    "timeline/merge.py",
    "skilling/scoring.py",
    "skilling/settings.py",
    "skilling/models_view.py",
    "team/rows.py",
    "team/present.py",
    "ops/envdoc.py",
]
FORBIDDEN_IN_PURE = ("reflex", "sqlmodel", "sqlalchemy", "httpx", "authlib", "certportal.db")
REFLEX_ALLOWED = ("state.py", "pages.py", "ui/", "certportal.py")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("relative", PURE)
def test_pure_modules_import_no_framework_or_database(relative: str) -> None:
    bad = {
        name
        for name in _imports(PKG / relative)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_PURE)
    }
    assert not bad, f"{relative} imports {sorted(bad)}"


def test_only_state_pages_and_ui_import_reflex() -> None:
    offenders = []
    for path in PKG.rglob("*.py"):
        relative = path.relative_to(PKG).as_posix()
        if relative.endswith(REFLEX_ALLOWED) or relative.startswith("ui/"):
            continue
        if any(name == "reflex" or name.startswith("reflex.") for name in _imports(path)):
            offenders.append(relative)
    assert offenders == [], f"reflex imported outside state/pages/ui: {offenders}"


def test_state_modules_run_no_sql() -> None:
    """State glues: it may open a session to hand to services, but builds no queries itself."""
    for path in PKG.rglob("state.py"):
        names = _imports(path)
        assert "sqlalchemy" not in names and not any(n.startswith("sqlalchemy.") for n in names)
        source = path.read_text(encoding="utf-8")
        assert "select(" not in source and ".exec(" not in source, path
