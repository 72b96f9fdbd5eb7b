"""Errors a user can act on. Their text is shown as it is: floor language, what happened and what to do."""
from __future__ import annotations


class JobfloorError(Exception):
    """Base: a clear message, no traceback on anyone's screen."""

    exit_code = 2


class UserInputError(JobfloorError):
    """Bad input: nothing was changed."""


class AuthError(JobfloorError):
    pass


class PermissionDenied(JobfloorError):
    pass


class NotFound(UserInputError):
    pass


class BusinessRefusal(JobfloorError):
    """The input was well formed but the floor's rules say no (a unit on hold, a return bigger than issued)."""


def shown(text: str, limit: int = 40) -> str:
    """Text that came from outside (an environment variable, a scan), safe to put in a message: control
    characters and undecodable bytes written out instead of reaching a terminal, and cut short."""
    safe = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return safe if len(safe) <= limit else safe[:limit] + "..."


def clean(text: str, limit: int) -> bool:
    """Whether outside text can be a key as it stands: printable, encodable, at most `limit` characters."""
    return 0 < len(text) <= limit and text.isprintable()
