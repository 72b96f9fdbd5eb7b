"""The ERP's files in: items, locations, stock (opening balances) and jobs. Each import is atomic."""
from __future__ import annotations

from core.erp.imports.common import ImportFileError, ImportResult
from core.erp.imports.items import import_items
from core.erp.imports.jobs import import_jobs
from core.erp.imports.locations import import_locations
from core.erp.imports.stock import import_stock

KINDS = ("items", "locations", "stock", "jobs")


def run_import(kind: str, path: str, progress=None) -> ImportResult:
    """`progress(done, total, what)`, when given, hears how a long import goes (the stock and jobs files)."""
    if kind == "items":
        return import_items(path)
    if kind == "locations":
        return import_locations(path)
    if kind == "stock":
        return import_stock(path, progress)
    if kind == "jobs":
        return import_jobs(path, progress)
    raise ValueError(kind)


__all__ = ["KINDS", "ImportFileError", "ImportResult", "run_import"]
