"""Who is acting, where: every stock-changing service takes one."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: str
    role: str
    station: str | None = None
