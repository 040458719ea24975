"""Reading and saving a person's identity map. Only the person may read or change their own map;
a concurrent save (someone else saved since the form was loaded) is refused, nothing is lost."""

from __future__ import annotations

import json
from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from certportal.auth.policy import Principal
from certportal.clock import utcnow
from certportal.errors import Conflict
from certportal.identity import rules
from certportal.identity.models import IdentityMap


def _row(session: Session, user_id: int) -> IdentityMap | None:
    return session.exec(select(IdentityMap).where(IdentityMap.user_id == user_id)).first()


def to_identity(row: IdentityMap | None) -> rules.Identity:
    if row is None:
        return rules.Identity()
    return rules.Identity(
        work_account=row.work_account,
        personal_accounts=tuple(json.loads(row.personal_accounts)),
        learn_profiles=tuple(json.loads(row.learn_profiles)),
        mcid=row.mcid,
        cert_profile_account=row.cert_profile_account,
        certiport_username=row.certiport_username,
        pc_user=row.pc_user,
        pc_mcid=row.pc_mcid,
        private=frozenset(json.loads(row.private_fields)),
    )


def identity_of(row: IdentityMap | None, actor: Principal) -> rules.Identity:
    """My identity map as read (``row``), or — never saved — pre-filled with my work e-mail."""
    return to_identity(row) if row is not None else rules.Identity(work_account=actor.email)


def get(session: Session, *, actor: Principal) -> tuple[rules.Identity, int]:
    """My identity map and its version (0 when never saved); pre-filled with my work e-mail."""
    row = _row(session, actor.user_id)
    return identity_of(row, actor), (row.version if row is not None else 0)


def save(
    session: Session, *, actor: Principal, form: Mapping[str, object], version: int
) -> tuple[rules.Identity, int]:
    identity = rules.clean(form)
    row = _row(session, actor.user_id)
    current = row.version if row is not None else 0
    if version != current:
        raise Conflict("identity.error.conflict")
    if row is None:
        row = IdentityMap(user_id=actor.user_id, version=0)
    row.work_account = identity.work_account
    row.personal_accounts = json.dumps(list(identity.personal_accounts), ensure_ascii=False)
    row.learn_profiles = json.dumps(list(identity.learn_profiles), ensure_ascii=False)
    row.mcid = identity.mcid
    row.cert_profile_account = identity.cert_profile_account
    row.certiport_username = identity.certiport_username
    row.pc_user = identity.pc_user
    row.pc_mcid = identity.pc_mcid
    row.private_fields = json.dumps(sorted(identity.private))
    row.version = current + 1
    row.updated_at = utcnow()
    session.add(row)
    try:
        session.flush()
    except IntegrityError:  # two first saves at once: the other one won
        raise Conflict("identity.error.conflict") from None
    return identity, row.version
