"""Module commands (release, pick, return, trace, kit bins, labels, scale), added as each module lands."""
from __future__ import annotations

NO_DATABASE = {"scale"}
COMMANDS: dict = {}


def add_commands(sub) -> None:
    return None
