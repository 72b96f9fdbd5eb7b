"""Where a scale can be: the addresses a station's scale setting may hold.

A device path (`/dev/ttyUSB0`, better the stable `/dev/serial/by-id/...` name udev keeps across replugs; `COM3`
on Windows), one of pyserial's URL handlers for a serial device server (`socket://host:port`,
`rfc2217://host:port`; `loop://` for tests), or `sim://PROTOCOL`: the demo's emulated scale.
"""

from __future__ import annotations

SIMULATED_SCHEME = "sim"
URL_SCHEMES = ("rfc2217", "socket", "loop")


def scheme(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def is_simulated(url: str | None) -> bool:
    return bool(url) and scheme(url) == SIMULATED_SCHEME


def simulated_url(protocol: str) -> str:
    return f"{SIMULATED_SCHEME}://{protocol}"


def is_scale_address(url: str) -> bool:
    """Whether `url` is a kind of address a scale can have (not whether anything answers there)."""
    return (url.startswith("/dev/") or url.upper().startswith("COM")
            or scheme(url) in (*URL_SCHEMES, SIMULATED_SCHEME))
