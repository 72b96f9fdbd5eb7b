"""The scale protocols by the names used in settings and on the command line."""

from __future__ import annotations

from .mtsics_session import MtSicsSession
from .session import Session
from .sma_session import SmaSession
from .toledo_session import ToledoSession

PROTOCOLS: dict[str, type[Session]] = {
    "mt-sics": MtSicsSession,
    "sma": SmaSession,
    "toledo": ToledoSession,
}
PROTOCOL_NAMES = tuple(PROTOCOLS)
# The names as a sentence says them: "mt-sics, sma or toledo".
PROTOCOLS_SAID = f"{', '.join(PROTOCOL_NAMES[:-1])} or {PROTOCOL_NAMES[-1]}"


def session_class(name: str) -> type[Session]:
    try:
        return PROTOCOLS[name.strip().lower()]
    except KeyError:
        raise ValueError(f"unknown scale protocol {name!r}: use one of {', '.join(PROTOCOL_NAMES)}") from None
