"""Unexpected errors go to a log file for support, never as a traceback on a user's screen."""
from __future__ import annotations

import traceback

from core import clock
from core.config import data_dir


def log_exception(exc: BaseException) -> str:
    path = data_dir() / "jobfloor-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"--- {clock.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(exc)))
    except OSError:
        return "(the log could not be written)"
    return str(path)
