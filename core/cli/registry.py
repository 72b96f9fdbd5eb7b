"""Module subcommands of `jobfloor`, one file per module. Each exposes `register(sub) -> {name: handler}`."""
from __future__ import annotations

import importlib

MODULES = ("release", "pick", "returns", "scale", "labels", "assign", "complete", "kitbins", "trace", "station",
           "settings")
NO_DATABASE = {"scale", "bench"}


def register_all(sub) -> dict:
    handlers = {}
    for name in MODULES:
        handlers.update(importlib.import_module(f"core.cli.{name}").register(sub))
    return handlers
