"""State for the "my data" page: download everything about me."""

from __future__ import annotations

from typing import Any

import reflex as rx

from certportal.auth.state import AppState, page_load, to_provider
from certportal.errors import AuthError, CertportalError
from certportal.i18n.formatting import local_today
from certportal.mydata import erase, service


class MyDataState(AppState):
    message: str = ""
    confirm_delete: bool = False
    typed_email: str = ""
    delete_error: str = ""
    microsoft: bool = False  # sign-in with Microsoft is configured
    linked_as: str = ""  # the linked Microsoft account, if any
    link_error: str = ""

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        from certportal.auth import oidc
        from certportal.settings import get_settings

        self.message = ""
        self.confirm_delete = False
        self.typed_email = ""
        self.delete_error = ""
        self.link_error = ""
        self.microsoft = get_settings().oidc_enabled
        if self.router.url.query_parameters.get("linked") == "1":
            self.message = self._tr("mydata.microsoft.linked")
        if not self.signed_in:
            return None
        try:
            with self._acting() as (session, actor):
                found = oidc.linked(session, actor=actor)
        except AuthError:
            return self._on_auth_error()
        self.linked_as = (found.username or found.object_id) if found else ""
        return None

    @rx.event
    def link_microsoft(self) -> rx.event.EventSpec | None:
        """Link my Microsoft work account: off to the provider, back to this page."""
        from certportal.auth import oidc

        self.link_error = ""
        try:
            with self._acting() as (session, actor):
                started = oidc.begin(session, purpose="link", actor=actor, next_path="/me/data")
        except AuthError as exc:
            if exc.key == "error.session_expired":
                return self._on_auth_error()
            self.link_error = self._error_text(exc)
            return None
        return to_provider(started)

    @rx.event
    def ask_delete(self, form: dict[str, Any]) -> None:
        """First step: the typed address is kept; the dialog asks once more."""
        self.typed_email = str(form.get("confirm_email", "") or "")[:254]
        self.delete_error = ""
        self.confirm_delete = True

    @rx.event
    def cancel_delete(self) -> None:
        self.confirm_delete = False

    @rx.event
    def delete_account(self) -> rx.event.EventSpec | None:
        self.confirm_delete = False
        try:
            with self._acting() as (session, actor):
                erase.delete_account(session, actor=actor, confirm_email=self.typed_email)
        except AuthError:
            return self._on_auth_error()
        except CertportalError as exc:
            self.delete_error = self._error_text(exc)
            return None
        # the session rows are gone with the account; the tab forgets every page, then out
        return AppState.leave_deleted_account

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
