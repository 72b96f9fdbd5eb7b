"""The demo site, a bakery and a brake-kit line, loaded the way a real site starts: its ERP files imported
(fixtures/demo), then its users, stations and settings.

The fixture files are dated around DEMO_BASE; the loader moves every date by (today - DEMO_BASE) so the demo
stays alive (yeast that expires next week, jobs that start tomorrow) whenever it is loaded.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from core import clock
from core.config import data_dir, fixtures_dir
from core.data.db import write_txn
from core.data.models import Station
from core.data.setting_store import set_setting
from core.erp.imports import run_import
from core.site.auth import add_user

DEMO_BASE = dt.date(2026, 11, 25)
DEMO_SETTINGS = {"site_name": "Demo bakery and brake line", "wip_location.FP": "WIP-BAKERY",
                 "wip_location.BK": "WIP-BRAKE", "wip_location.SF": "WIP-BAKERY",
                 "receipt_location.SF": "C-COLD-01", "receipt_location.FP": "DISPATCH-1",
                 "receipt_location.BK": "DISPATCH-1"}
_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")


def _shift_text(text: str, days: int) -> str:
    if not days:
        return text
    return _DATE.sub(lambda m: (dt.date.fromisoformat(m.group(1)) + dt.timedelta(days=days)).isoformat(), text)


def load_stations(path: Path, data: Path) -> int:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with write_txn():
        for r in rows:
            fields = {k: (v.replace("{data}", str(data)) or None) for k, v in r.items() if k != "code"}
            fields = {k: v for k, v in fields.items() if v is not None or k in ("ssh_address", "scale_url")}
            _make_room_for(fields.get("printer_url"))
            if Station.get_or_none(Station.code == r["code"]):
                Station.update(**fields).where(Station.code == r["code"]).execute()
            else:
                Station.create(code=r["code"], **fields)
    return len(rows)


def _make_room_for(printer_url: str | None) -> None:
    """A demo station's file printer writes into the data directory; on a fresh one that folder does not exist yet,
    and every label would wait in the queue with "printer OFFLINE" (issue 22.7)."""
    parts = urlsplit(printer_url or "")
    if parts.scheme == "file" and not parts.path.startswith("/dev/"):
        Path(unquote(parts.path)).parent.mkdir(parents=True, exist_ok=True)


def load_users(path: Path) -> int:
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        add_user(r["code"], r["role"], r["pin"], name=r["name"], badge=r["badge"] or None)
    return len(rows)


def load_demo(today: dt.date | None = None, source: Path | None = None) -> list[str]:
    source = source or fixtures_dir()
    days = ((today or clock.today()) - DEMO_BASE).days
    report = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, name in (("items", "items.csv"), ("locations", "locations.csv"), ("stock", "stock.csv"),
                           ("jobs", "jobs.xml")):
            shifted = Path(tmp) / name
            shifted.write_text(_shift_text((source / name).read_text(encoding="utf-8"), days), encoding="utf-8")
            result = run_import(kind, str(shifted))
            report.append(result.summary().replace(str(shifted), name))
    with write_txn():
        for key, value in DEMO_SETTINGS.items():
            set_setting(key, value)
    report.append(f"users: {load_users(source / 'users.csv')} demo user(s)")
    report.append(f"stations: {load_stations(source / 'stations.csv', data_dir())} station(s)")
    if days:
        report.append(f"demo dates moved by {days} day(s) to start from {today or clock.today()}")
    return report
