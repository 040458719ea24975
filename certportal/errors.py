"""Domain errors. Each carries a message-catalog key so the UI can say it in either language.

CertportalError
├── PermissionDenied   the acting principal may not do this
├── NotFound           the thing does not exist (or is not visible to the actor)
├── InvalidInput       a field's value is refused (``field`` names it)
├── Conflict           the change collides with existing data (e.g. e-mail taken)
├── AuthError          sign-in or session problems (wrong credentials, expired session, throttled)
└── Unavailable        a part the app needs (the database) cannot be reached right now
"""

from __future__ import annotations

from typing import Any


class CertportalError(Exception):
    """Base of all expected, user-facing errors."""

    def __init__(self, key: str, /, field: str | None = None, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.field = field
        self.params: dict[str, Any] = params

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{type(self).__name__}({self.key!r}, field={self.field!r}, {self.params!r})"


class PermissionDenied(CertportalError):
    def __init__(self, key: str = "error.forbidden", /, **params: Any) -> None:
        super().__init__(key, **params)


class NotFound(CertportalError):
    def __init__(self, key: str = "error.not_found", /, **params: Any) -> None:
        super().__init__(key, **params)


class InvalidInput(CertportalError):
    pass


class Conflict(CertportalError):
    pass


class AuthError(CertportalError):
    pass


class Unavailable(CertportalError):
    """The database (or another part we need) did not answer: try again later. A change that was
    being saved may or may not have been written (the connection broke during the commit)."""

    def __init__(self, key: str = "error.unavailable", /, **params: Any) -> None:
        super().__init__(key, **params)
