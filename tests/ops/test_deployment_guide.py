"""docs/deployment.md stays in step with the code: every setting in its table (generated from
certportal/settings.py), proxy limits that let the largest upload through, a README link."""

from __future__ import annotations

import re

from certportal.cases import attachments
from certportal.mydata import service as mydata
from certportal.ops import envdoc
from certportal.settings import PROJECT_ROOT, Settings

GUIDE = PROJECT_ROOT / "docs" / "deployment.md"
REGENERATE = "regenerate it: python -m certportal.ops.envdoc --write docs/deployment.md"


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def test_every_setting_has_a_row_in_the_guide_and_no_row_is_stale() -> None:
    text = guide()
    table = text[text.index(envdoc.START) : text.index(envdoc.END)]
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", table, flags=re.MULTILINE))
    settings = {name.upper() for name in Settings.model_fields}
    assert not settings - documented, (
        f"missing from the guide: {settings - documented}; {REGENERATE}"
    )
    assert not documented - settings, f"no such setting: {documented - settings}; {REGENERATE}"


def test_the_guide_s_settings_table_is_the_generated_one() -> None:
    assert envdoc.block() in guide(), f"the settings table is out of date; {REGENERATE}"


def test_regenerating_replaces_only_the_table() -> None:
    stale = f"before\n{envdoc.START}\n| old |\n{envdoc.END}\nafter\n"
    assert envdoc.replace_block(stale) == f"before\n{envdoc.block()}\nafter\n"


def _block(text: str, opening: str) -> str:
    start = text.index(opening)
    return text[start : text.index("\n    }\n", start)]


def test_the_proxy_examples_let_the_largest_upload_and_the_websocket_through() -> None:
    text = guide()
    largest = max(attachments.MAX_BYTES, mydata.MAX_BYTES)
    nginx = re.search(r"client_max_body_size (\d+)m;", text)
    caddy = re.search(r"max_size (\d+)MiB", text)
    assert nginx and int(nginx.group(1)) * 1024 * 1024 > largest
    assert caddy and int(caddy.group(1)) * 1024 * 1024 > largest
    event = _block(text, "    location /_event {")
    assert "proxy_set_header Upgrade $http_upgrade;" in event
    assert "proxy_set_header Connection $connection_upgrade;" in event
    assert "proxy_read_timeout 1h;" in event
    for location in (event, _block(text, "    location / {\n        proxy_pass")):
        for header in ("Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host"):
            assert f"proxy_set_header {header} " in location, (header, location[:40])
    assert "return 301 https://$host$request_uri;" in text
    assert text.count('Strict-Transport-Security "max-age=31536000; includeSubDomains"') == 2


def test_the_readme_points_at_the_guide() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Deploying" in readme and "(docs/deployment.md)" in readme
