"""What a site names when it sets up a label printer, as the drivers understand it: the printer languages, the
address forms, the model a Brother QL is taken to be when none is named, a Zebra's resolution.

The other layers import these facts rather than spell them again. This module imports nothing heavy, so a
command line or a settings screen can use it without loading the renderers.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

QL = "ql"
ZPL = "zpl"
LANGUAGES = (QL, ZPL)
LANGUAGE_NAMES = {QL: "Brother QL raster", ZPL: "Zebra ZPL II"}
#: The Brother QL model taken when none is named, so a stored label and the sender agree on it.
DEFAULT_QL_MODEL = "QL-820NWB"
#: A QL with the wide head, which takes every label size: what a preview shows labels on without a printer.
WIDE_QL_MODEL = "QL-1100"
#: A Zebra's resolution is named in its model, e.g. "ZD421-300dpi"; without one it is taken as 203 dpi.
ZPL_DPIS = (203, 300)

TCP = "tcp"
FILE = "file"
#: pyserial's URL handlers: a local port or a serial device server on the network.
SERIAL_SCHEMES = ("socket", "rfc2217", "loop", "spy", "alt", "hwgrep")
ADDRESS_FORMS = ("tcp://host:9100, file:///path, a serial port such as /dev/ttyUSB0, or socket://host:port for a "
                 "serial device server")


def is_serial(url: str) -> bool:
    scheme = urlsplit(url).scheme.lower()
    return scheme in SERIAL_SCHEMES or (not scheme and url.startswith("/dev/"))


def address_problem(url: str) -> str | None:
    """Why `url` is not a printer address this app can use, or None when its form is right."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == TCP:
        try:
            parts.port  # noqa: B018  (raises on a port that is not a number)
        except ValueError:
            return f"'{url}' has a port that is not a number"
        return None if parts.hostname else f"'{url}' has no host name"
    if scheme == FILE:
        if parts.netloc not in ("", "localhost") or parts.path in ("", "/"):
            return f"'{url}': a file address names a local path, file:///path"
        return None
    if is_serial(url):
        return None
    return f"printer address '{url}' is not one this app can use: give {ADDRESS_FORMS}"


def zpl_dpi(model: str | None) -> int:
    """A Zebra's resolution from its model as the site names it ("ZD421-300dpi", "ZT411 300 dpi")."""
    found = re.search(r"(\d{3})\s*dpi", model or "", re.IGNORECASE)
    return int(found.group(1)) if found and int(found.group(1)) in ZPL_DPIS else ZPL_DPIS[0]
