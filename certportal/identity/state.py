"""State for the identity map page. Glue only: rules clean and warn, the service stores."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import reflex as rx

from certportal.auth.state import AppState, page_load
from certportal.errors import AuthError, CertportalError
from certportal.identity import rules, service


@dataclasses.dataclass
class IdentityForm:
    work_account: str = ""
    personal_accounts: str = ""
    learn_profiles: str = ""
    mcid: str = ""
    cert_profile_account: str = ""
    certiport_username: str = ""
    pc_user: str = ""
    pc_mcid: str = ""
    private: list[str] = dataclasses.field(default_factory=list)


def _form(identity: rules.Identity) -> IdentityForm:
    return IdentityForm(
        work_account=identity.work_account,
        personal_accounts="\n".join(identity.personal_accounts),
        learn_profiles="\n".join(identity.learn_profiles),
        mcid=identity.mcid,
        cert_profile_account=identity.cert_profile_account,
        certiport_username=identity.certiport_username,
        pc_user=identity.pc_user,
        pc_mcid=identity.pc_mcid,
        private=sorted(identity.private),
    )


def _from_submitted(form: dict[str, Any]) -> dict[str, object]:
    values: dict[str, object] = {name: str(form.get(name, ""))[:2000] for name in rules.FIELDS}
    values["private"] = [name for name in rules.FIELDS if form.get(f"private_{name}")]
    return values


class IdentityState(AppState):
    form: IdentityForm = IdentityForm()
    version: int = 0
    warnings: list[str] = []
    error: str = ""
    field: str = ""
    saved: bool = False
    busy: bool = False
    loaded: bool = False
    form_key: int = 0

    def _apply(self, identity: rules.Identity, version: int) -> None:
        self.form = _form(identity)
        self.version = version
        self.warnings = rules.warnings(identity)
        self.form_key += 1
        self.loaded = True

    @rx.event
    @page_load
    def load(self) -> rx.event.EventSpec | None:
        if not self.signed_in:
            return None
        self.error = ""
        self.field = ""
        self.saved = False
        try:
            with self._acting() as (session, actor):
                identity, version = service.get(session, actor=actor)
        except AuthError:
            return self._on_auth_error()
        self._apply(identity, version)
        return None

    @rx.event
    def save(self, form: dict[str, Any]) -> Iterator[rx.event.EventSpec | None]:
        self.error = ""
        self.field = ""
        self.saved = False
        self.busy = True
        yield None
        submitted = _from_submitted(form)
        try:
            with self._acting() as (session, actor):
                identity, version = service.save(
                    session, actor=actor, form=submitted, version=self.version
                )
        except AuthError:
            self.busy = False
            yield self._on_auth_error()
            return
        except CertportalError as exc:
            # keep everything typed: the form shows it again with the message
            self.form = IdentityForm(
                **{k: str(v) for k, v in submitted.items() if k != "private"},
                private=list(submitted["private"]),  # type: ignore[call-overload]
            )
            self.form_key += 1
            self.error = self._error_text(exc)
            self.field = exc.field or ""
            self.busy = False
            return
        self._apply(identity, version)
        self.saved = True
        self.busy = False
