"""A station token for the benchmarks' headless commands: every writing command needs a credential, and an
automated job uses a station token (core.site.tokens), which costs a lookup instead of a PIN's scrypt."""
from __future__ import annotations

import os

#: the secret each database got (its copies share it: a copy of the template holds the same token row)
_TOKENS: dict[str, str] = {}


def make_token(role: str = "admin", code: str = "BENCH") -> str:
    """On the connected database: a user `code` with `role`, a station BENCH and a token for them."""
    from core.data.models import Station
    from core.site.actor import Actor
    from core.site.auth import add_user
    from core.site.tokens import add_token

    add_user(code, role, "000000")
    Station.get_or_create(code="BENCH")
    return add_token(Actor(code, "admin", "BENCH"), "BENCH", code, note="benchmarks")[1]


def token_env(secret: str, base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    for key in ("JOBFLOOR_PIN", "JOBFLOOR_PIN_FILE", "JOBFLOOR_TOKEN_FILE"):
        env.pop(key, None)
    env["JOBFLOOR_TOKEN"] = secret
    return env
