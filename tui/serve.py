"""`jobfloor serve --web`: the same app, one process per browser tab, through textual-serve.

Each browser connection starts its own `python -m tui.entry` with the web driver, so a browser thin client is a
terminal like any other: its own login, its own session, its own idle logout.
"""
from __future__ import annotations

import shlex
import sys

LOOPBACK = "127.0.0.1"


def app_command(db_url: str, station: str | None = None) -> str:
    """The shell command textual-serve runs per connection (it starts it with a shell, hence the quoting)."""
    parts = [sys.executable, "-m", "tui.entry", "--db", db_url]
    if station:
        parts += ["--station", station]
    return shlex.join(parts)


def _check_database(db_url: str, station: str | None) -> str | None:
    """Say what is wrong before serving, rather than in every browser that connects."""
    from core.data.db import connect
    from core.data.schema import current_version
    from core.site.stations import resolve_station

    try:
        connect(db_url)
        if current_version() is None:
            return "this database has no jobfloor schema yet: run `jobfloor init --demo` first"
        if station:
            resolve_station(station, {})
    except Exception as exc:  # UserInputError for a station, a driver error for a database that is down
        return str(exc).strip() or type(exc).__name__
    return None


def serve(args) -> int:
    from core.config import db_url as resolve_url

    if not args.web:
        print("jobfloor: serve needs --web (terminals connect over SSH: see docs/ssh.md)", file=sys.stderr)
        return 2
    url = resolve_url(args.db)
    problem = _check_database(url, args.station)
    if problem:
        print(f"jobfloor: cannot serve: {problem}", file=sys.stderr)
        return 2

    import os

    from textual_serve.server import Server

    # Each browser's app inherits this environment: an SSH address here is the admin's, not the browser's station.
    for var in ("SSH_CLIENT", "SSH_CONNECTION"):
        os.environ.pop(var, None)

    public = args.public_url or f"http://{args.host}:{args.port}"
    server = Server(app_command(url, args.station), host=args.host, port=args.port, title="jobfloor",
                    public_url=public)
    if args.host not in (LOOPBACK, "localhost", "::1"):
        # Anyone who can reach the port gets a login screen; a site puts TLS and its own access rules in front.
        print(f"jobfloor: serving on {args.host}, not only this machine: put it behind a TLS proxy",
              file=sys.stderr)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        print(f"jobfloor: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
