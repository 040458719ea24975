"""The Reflex app: theme, pages and the plain HTTP API."""

from __future__ import annotations

import reflex as rx

from certportal.api.health import build_api
from certportal.audit import pages as audit_pages
from certportal.auth import pages as auth_pages
from certportal.credentials import pages as credential_pages
from certportal.identity import pages as identity_pages
from certportal.knowledge import pages as knowledge_pages
from certportal.teams import pages as team_pages
from certportal.ui import styles
from certportal.ui.layout import add_pages
from certportal.wizard import pages as wizard_pages

app = rx.App(
    style=styles.BASE_STYLE,
    stylesheets=["/styles.css"],
    head_components=[
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
        rx.el.meta(name="description", content="certportal — get Microsoft certifications counted"),
    ],
    api_transformer=build_api(),
)

# Importing the page modules declares their pages (@page); add them once, here.
PAGE_MODULES = (
    auth_pages,
    team_pages,
    credential_pages,
    wizard_pages,
    identity_pages,
    knowledge_pages,
    audit_pages,
)
add_pages(app)
