"""Who is acting, where: every stock-changing service takes one."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: str
    role: str
    station: str | None = None
    #: How the user proved who they are, for the audit trail: None on a screen's login; on the command line
    #: "pin:tty", "pin:env", "pin:file" or "token:<id>" (core.cli.credentials).
    via: str | None = None
