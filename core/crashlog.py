"""Unexpected errors go to a log file for support, never as a traceback on a user's screen."""
from __future__ import annotations

import traceback
from pathlib import Path

from core import clock
from core.config import data_dir
from core.data.db import sqlite_path

LOG_NAME = "jobfloor-errors.log"


def log_path(db_url: str | None = None) -> Path:
    """Beside the site's database file when it is an SQLite file (the site support is asked about), else in the
    user's data directory."""
    if db_url and db_url.startswith("sqlite:"):
        try:
            path = sqlite_path(db_url)
        except ValueError:
            path = ":memory:"
        if path != ":memory:":
            return Path(path).resolve().parent / LOG_NAME
    return data_dir() / LOG_NAME


def log_exception(exc: BaseException, db_url: str | None = None) -> str:
    """Append the traceback; returns where it went (said to the user, so support can be sent it)."""
    for path in dict.fromkeys([log_path(db_url), data_dir() / LOG_NAME]):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"--- {clock.now().isoformat(timespec='seconds')}\n")
                fh.write("".join(traceback.format_exception(exc)))
        except OSError:
            continue  # a site folder we may not write to: the user's own data directory instead
        return str(path)
    return "(the log could not be written)"
