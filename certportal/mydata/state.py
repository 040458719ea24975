"""State for the "my data" page: download everything about me."""

from __future__ import annotations

import reflex as rx

from certportal.auth.state import AppState
from certportal.errors import AuthError
from certportal.i18n.formatting import local_today
from certportal.mydata import service


class MyDataState(AppState):
    message: str = ""

    @rx.event
    def load(self) -> None:
        self.message = ""

    @rx.event
    def download(self) -> rx.event.EventSpec | None:
        try:
            with self._acting() as (session, actor):
                text = service.export_json(session, actor=actor)
        except AuthError:
            return self._on_auth_error()
        self.message = self._tr("mydata.downloaded")
        name = f"certportal-my-data-{local_today(self.locale).isoformat()}.json"
        return rx.download(data=text, filename=name, mime_type="application/json")
