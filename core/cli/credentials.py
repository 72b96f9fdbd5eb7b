"""Who runs a writing command, proven: the user's PIN or a station token (docs/interchange.md, "Credentials").

In order: a station token (JOBFLOOR_TOKEN, or the file JOBFLOOR_TOKEN_FILE names), else `--user` with its PIN
(the file JOBFLOOR_PIN_FILE names, JOBFLOOR_PIN, else asked on the terminal). A wrong PIN counts towards the
lockout as on a screen. The way in is kept on the actor (Actor.via) and so in every audit event the command writes.
"""
from __future__ import annotations

import os
import stat
import sys

from core.errors import AuthError, UserInputError
from core.site.actor import Actor


def _secret_file(variable: str, what: str) -> str:
    path = os.environ[variable]
    try:
        st = os.stat(path)
        if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            # as ssh does with a private key: a secret others can read is no longer a secret
            raise AuthError(f"{variable} names {path}, which other users can read: make it private "
                            f"(chmod 600 {path}) or use another way to give the {what}")
        with open(path, encoding="utf-8") as fh:
            secret = fh.readline().strip()
    except OSError as exc:
        raise AuthError(f"{variable} names {path}, which cannot be read ({exc.strerror}): give the {what} "
                        "another way") from None
    if not secret:
        raise AuthError(f"{variable} names {path}, which is empty: put the {what} on its first line")
    return secret


def _token() -> str | None:
    if os.environ.get("JOBFLOOR_TOKEN_FILE"):
        return _secret_file("JOBFLOOR_TOKEN_FILE", "station token")
    return os.environ.get("JOBFLOOR_TOKEN") or None


def _pin(code: str) -> tuple[str, str]:
    if os.environ.get("JOBFLOOR_PIN_FILE"):
        return _secret_file("JOBFLOOR_PIN_FILE", "PIN"), "pin:file"
    if os.environ.get("JOBFLOOR_PIN") is not None:
        return os.environ["JOBFLOOR_PIN"], "pin:env"
    if not sys.stdin.isatty():
        raise AuthError(f"{code}'s PIN is needed: run this at a terminal to be asked, or set JOBFLOOR_PIN or "
                        "JOBFLOOR_PIN_FILE (an automated station: a station token, JOBFLOOR_TOKEN)")
    import getpass

    return getpass.getpass(f"PIN for {code}: "), "pin:tty"


def _from(via: str) -> str:
    """The way in, and the SSH client's address when the command came over SSH (where, for the audit trail)."""
    client = (os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT") or "").split()
    return f"{via}@{client[0]}" if client else via


def authenticate(user: str | None, station: str | None) -> Actor:
    """The acting user of a writing command, or AuthError / UserInputError saying what to give."""
    token = _token()
    if token is not None:
        from core.site.tokens import token_actor

        return token_actor(token, station=station, user=user)
    if not user:
        raise UserInputError("this command changes the site, so it needs --user CODE (your PIN is asked, or taken "
                             "from JOBFLOOR_PIN / JOBFLOOR_PIN_FILE) or a station token in JOBFLOOR_TOKEN")
    from core.site.auth import login

    pin, via = _pin(user)
    return login(user, pin, station, via=_from(via))
