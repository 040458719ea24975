"""Reflex configuration. Values come from certportal's settings (the one place that reads env)."""

import reflex as rx

from certportal.settings import get_settings
from certportal.ui.styles import ACCENT, GRAY, RADIUS

settings = get_settings()

config = rx.Config(
    app_name="certportal",
    db_url=settings.database_url,
    redis_url=settings.redis_url,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    frontend_port=3000,
    backend_port=3000,
    backend_host="127.0.0.1",
    # only our own pages may open the event websocket: the session cookie rides its handshake
    cors_allowed_origins=settings.allowed_origins,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color=ACCENT, gray_color=GRAY, radius=RADIUS, scaling="100%")
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
