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
