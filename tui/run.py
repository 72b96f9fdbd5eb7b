"""Start the full-screen app on the chosen database."""
from __future__ import annotations

import os
import sys

from core.cli.errors import explain
from core.config import db_url as resolve_url
from core.data.db import connect
from core.data.schema import current_version
from core.data.setting_store import setting
from core.errors import UserInputError
from core.site.stations import resolve_station
from tui.app import JobfloorApp


def build_app(db_url: str | None = None, station_code: str | None = None, environ=None):
    url = resolve_url(db_url)
    connect(url)
    if current_version() is None:
        raise UserInputError("this database has no jobfloor schema yet: run `jobfloor init --demo` (or `make run`)")
    station = resolve_station(station_code, environ if environ is not None else os.environ)
    idle = float(setting("idle_logout_minutes")) * 60
    app = JobfloorApp(station=station, idle_logout_s=idle or None, site_name=setting("site_name"))
    app.db_url = url
    return app


def run_app(args) -> int:
    try:
        app = build_app(args.db, args.station)
    except Exception as exc:  # noqa: BLE001  the same sentences and statuses as the commands (75: try later)
        said = explain(exc)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"jobfloor: {said[0] if said else 'cannot open the database: ' + first}", file=sys.stderr)
        return said[1] if said else 2
    app.guard_errors = True
    app.run()
    return 0
