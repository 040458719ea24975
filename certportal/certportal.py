"""The Reflex app: theme, pages and the plain HTTP API."""

from __future__ import annotations

import gc

import reflex as rx

from certportal.api.headers import security_headers
from certportal.api.health import build_api
from certportal.audit import pages as audit_pages
from certportal.auth import pages as auth_pages
from certportal.cases import pages as case_pages
from certportal.credentials import pages as credential_pages
from certportal.identity import pages as identity_pages
from certportal.knowledge import pages as knowledge_pages
from certportal.mydata import pages as mydata_pages
from certportal.settings import get_settings
from certportal.team import pages as lead_pages
from certportal.teams import pages as team_pages
from certportal.ui import styles
from certportal.ui.layout import add_pages
from certportal.wizard import pages as wizard_pages

app = rx.App(
    style=styles.BASE_STYLE,
    # the language of the page as built; the browser then follows the person's (DocumentLanguage)
    html_lang=get_settings().default_locale,
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(name="description", content="certportal — get Microsoft certifications counted"),
    ],
    # our HTTP routes, then security headers around everything (pages, files, API)
    api_transformer=[
        build_api(),
        lambda asgi: security_headers(asgi, https=get_settings().secure_cookies),
    ],
)

# Importing the page modules declares their pages (@page); add them once, here.
PAGE_MODULES = (
    auth_pages,
    team_pages,
    credential_pages,
    wizard_pages,
    case_pages,
    lead_pages,
    identity_pages,
    knowledge_pages,
    audit_pages,
    mydata_pages,
)
add_pages(app)

# Everything built so far — the framework, the compiled pages, the models, about 150,000 objects —
# lives as long as the process: out of the garbage collector's sight, its full collections no
# longer walk them (about 60 ms each, a pause every event of that moment waits through).
gc.freeze()
