"""`jobfloor serve --web`: one server for every browser terminal of a site (tui.web has the parts).

Each browser terminal is its own app process with its own login, kept while the browser is away (a reload, a
dropped network, a restarted browser) for the site's idle-logout time. `/` is a terminal with no station; a
station's kiosk link (`jobfloor station link CODE`) makes a browser that station, with its scale and printer.
"""
from __future__ import annotations

import sys

from core.config import db_url as resolve_url
from core.data.db import connect
from core.data.models import SCHEMA_VERSION
from core.data.schema import current_version
from core.data.setting_store import setting
from core.site.kiosk import remember_public_url
from tui.web.server import WebServer, run

LOOPBACK = "127.0.0.1"
NO_IDLE_LOGOUT_KEEP_S = 8 * 3600  # a site without idle logout: a closed browser's session is kept for a shift
AFTER_IDLE_LOGOUT_S = 60  # kept this much longer than the idle logout, so the app logs out (saving) first


def _check_database(db_url: str) -> str | None:
    """Say what is wrong before serving, rather than in every browser that connects."""
    try:
        connect(db_url)
        version = current_version()
        if version is None:
            return "this database has no jobfloor schema yet: run `jobfloor init --demo` first"
        if version < SCHEMA_VERSION:
            return f"this database is at schema version {version}: run `jobfloor init` to upgrade it first"
    except Exception as exc:  # a driver error for a database that is down or a URL that is wrong
        return str(exc).strip() or type(exc).__name__
    return None


def detached_lifetime_s() -> float:
    try:
        minutes = float(setting("idle_logout_minutes") or 0)
    except ValueError:
        minutes = 0
    return minutes * 60 + AFTER_IDLE_LOGOUT_S if minutes > 0 else NO_IDLE_LOGOUT_KEEP_S


def serve(args) -> int:
    if not args.web:
        print("jobfloor: serve needs --web (terminals connect over SSH: see docs/ssh.md)", file=sys.stderr)
        return 2
    if args.station:
        print("jobfloor: serve --web serves every station of the site: give each kiosk its station's link "
              "(`jobfloor station link CODE --user YOU`) instead of --station", file=sys.stderr)
        return 2
    url = resolve_url(args.db)
    problem = _check_database(url)
    if problem:
        print(f"jobfloor: cannot serve: {problem}", file=sys.stderr)
        return 2


    public = (args.public_url or f"http://{args.host}:{args.port}").rstrip("/")
    remember_public_url(public)  # `jobfloor station link` and the Stations screen print links to this address
    server = WebServer(url, public, detached_lifetime_s())
    if args.host not in (LOOPBACK, "localhost", "::1"):
        # Anyone who can reach the port gets a login screen; a site puts TLS and its own access rules in front.
        print(f"jobfloor: serving on {args.host}, not only this machine: put it behind a TLS proxy "
              "(docs/thin-clients.md)", file=sys.stderr)
    print(f"jobfloor: serving browser terminals on {public} (station links: jobfloor station link CODE)",
          file=sys.stderr, flush=True)
    try:
        run(server, args.host, args.port)
    except OSError as exc:  # the port is taken, or the address is not this machine's
        print(f"jobfloor: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
