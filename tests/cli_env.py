"""The demo users' PINs for tests that run writing commands (every writing command asks for one)."""
from __future__ import annotations

import os

PINS = {"OP1": "1111", "PK1": "2222", "PK2": "2223", "SV1": "3333", "PL1": "4444", "AD1": "9999"}


def pin_env(user: str, base: dict | None = None) -> dict:
    """The environment of a command run as `user` with its PIN in JOBFLOOR_PIN (as an automated station may)."""
    env = dict(os.environ if base is None else base)
    env.pop("JOBFLOOR_PIN_FILE", None)
    env.pop("JOBFLOOR_TOKEN", None)
    env.pop("JOBFLOOR_TOKEN_FILE", None)
    env["JOBFLOOR_PIN"] = PINS[user]
    return env


def jobfloor_as(monkeypatch, *argv: str) -> int:
    """`jobfloor ARGV` in this process, with the PIN of the user its --user names."""
    from core.cli.main import main

    monkeypatch.setenv("JOBFLOOR_PIN", PINS[argv[argv.index("--user") + 1]])
    return main(list(argv))
