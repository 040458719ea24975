"""The home page's one load handler.

The home page shows four cards from four states (my teams, the diagnosis to continue, renewal
alerts, follow-ups). Each used to be an on_load event of its own after a guard event — five
events, each taking the state lock and reading and writing the page state, and four
authentications. Now one event checks the session once and fills every card.
"""

from __future__ import annotations

import reflex as rx

from certportal.auth.state import AppState, checked_as, checks_session
from certportal.cases.state import CasesState
from certportal.credentials.state import CredentialsState
from certportal.teams.state import MyTeamsState
from certportal.wizard.state import WizardListState

CARDS: tuple[type[MyTeamsState | WizardListState | CredentialsState | CasesState], ...] = (
    MyTeamsState,
    WizardListState,
    CredentialsState,
    CasesState,
)


class HomeState(AppState):
    @rx.event
    @checks_session
    async def load(self) -> rx.event.EventSpec | None:
        actor, elsewhere = self._guard_in_load()
        if actor is None:
            return elsewhere
        with checked_as(actor):
            for card in CARDS:
                state = await self.get_state(card)
                elsewhere = state._home()
                if elsewhere is not None:  # the session ended meanwhile: to sign-in
                    return elsewhere
        return None
