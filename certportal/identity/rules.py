"""Identity map rules: cleaning the form, the warnings it shows, and the wizard's suggestions. Pure.

A person records the accounts that decide where a certification appears: work account, personal
Microsoft account(s), Learn profile(s), MCID, the account that owns the certification profile,
the Certiport user name, the Partner Center user and the MCID associated there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from certportal.auth.rules import normalize_email
from certportal.errors import CertportalError, InvalidInput

FIELDS = (
    "work_account",
    "personal_accounts",
    "learn_profiles",
    "mcid",
    "cert_profile_account",
    "certiport_username",
    "pc_user",
    "pc_mcid",
)
LIST_FIELDS = ("personal_accounts", "learn_profiles")
EMAIL_FIELDS = ("work_account", "cert_profile_account", "pc_user")
MAX_ITEMS = 6
_MCID = re.compile(r"^[0-9]{4,20}$")
_USERNAME = re.compile(r"^[\w.\-@+]{1,100}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Identity:
    work_account: str = ""
    personal_accounts: tuple[str, ...] = ()
    learn_profiles: tuple[str, ...] = ()
    mcid: str = ""
    cert_profile_account: str = ""
    certiport_username: str = ""
    pc_user: str = ""
    pc_mcid: str = ""
    private: frozenset[str] = field(default_factory=frozenset)

    def shared(self) -> Identity:
        """The identity with every field the person marked private left out."""

        def keep(name: str, value: str) -> str:
            return "" if name in self.private else value

        def keep_all(name: str, values: tuple[str, ...]) -> tuple[str, ...]:
            return () if name in self.private else values

        return Identity(
            work_account=keep("work_account", self.work_account),
            personal_accounts=keep_all("personal_accounts", self.personal_accounts),
            learn_profiles=keep_all("learn_profiles", self.learn_profiles),
            mcid=keep("mcid", self.mcid),
            cert_profile_account=keep("cert_profile_account", self.cert_profile_account),
            certiport_username=keep("certiport_username", self.certiport_username),
            pc_user=keep("pc_user", self.pc_user),
            pc_mcid=keep("pc_mcid", self.pc_mcid),
        )


def _lines(value: str | Iterable[str]) -> tuple[str, ...]:
    items = value.replace(",", "\n").splitlines() if isinstance(value, str) else list(value)
    items = [i for i in items if isinstance(i, str)]  # a list from a document may hold anything
    seen: list[str] = []
    for item in (i.strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return tuple(seen)


def _email(name: str, value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return normalize_email(value)
    except CertportalError:
        raise InvalidInput("identity.error.email", field=name) from None


def clean(form: Mapping[str, object]) -> Identity:
    """The identity from form values; :class:`InvalidInput` names the first bad field."""

    def text(name: str) -> str:
        return str(form.get(name, "") or "").strip()[:400]

    values: dict[str, object] = {}
    for name in EMAIL_FIELDS:
        values[name] = _email(name, text(name))
    personal = _lines(text("personal_accounts"))
    if len(personal) > MAX_ITEMS:
        raise InvalidInput("identity.error.too_many", field="personal_accounts")
    values["personal_accounts"] = tuple(_email("personal_accounts", p) for p in personal)
    profiles = _lines(text("learn_profiles"))
    if len(profiles) > MAX_ITEMS:
        raise InvalidInput("identity.error.too_many", field="learn_profiles")
    if any(len(p) > 200 for p in profiles):
        raise InvalidInput("identity.error.too_long", field="learn_profiles")
    if any(_CONTROL.search(p) for p in profiles):
        raise InvalidInput("identity.error.control", field="learn_profiles")
    values["learn_profiles"] = profiles
    for name in ("mcid", "pc_mcid"):
        mcid = re.sub(r"[\s\-]", "", text(name))
        if mcid and not _MCID.match(mcid):
            raise InvalidInput("identity.error.mcid", field=name)
        values[name] = mcid
    username = text("certiport_username")
    if username and not _USERNAME.match(username):
        raise InvalidInput("identity.error.username", field="certiport_username")
    values["certiport_username"] = username
    private = form.get("private", ())
    names = _lines(private) if isinstance(private, (str, list, tuple)) else ()
    values["private"] = frozenset(n for n in names if n in FIELDS)
    return Identity(**values)  # type: ignore[arg-type]


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[-1] if "@" in email else ""


def warnings(identity: Identity) -> list[str]:
    """Message keys of the mismatches worth a warning, most serious first."""
    found: list[str] = []
    if identity.pc_mcid and identity.mcid and identity.pc_mcid != identity.mcid:
        found.append("identity.warn.pc_other_mcid")
    if len(identity.learn_profiles) >= 2:
        found.append("identity.warn.two_learn_profiles")
    owner = identity.cert_profile_account
    if owner and identity.work_account and _domain(owner) == _domain(identity.work_account):
        found.append("identity.warn.cert_on_work_address")
    if identity.pc_user and identity.work_account and identity.pc_user != identity.work_account:
        found.append("identity.warn.pc_user_not_work")
    if identity.pc_user and not identity.pc_mcid:
        found.append("identity.warn.pc_not_associated")
    return found


def suggestions(identity: Identity) -> dict[str, str]:
    """Answers the wizard can pre-fill from the identity map (it asks to confirm them)."""
    found: dict[str, str] = {}
    if identity.pc_user:
        found["pc_user"] = "yes"
        if identity.pc_mcid and identity.mcid:
            found["pc_associated"] = "same" if identity.pc_mcid == identity.mcid else "other"
        elif not identity.pc_mcid:
            found["pc_associated"] = "none"
    if len(identity.learn_profiles) >= 2:
        found["other_profile"] = "yes"
    return found
