"""The ERP's files in: items, locations, stock (opening balances) and jobs. Each import is atomic."""
from __future__ import annotations

from core.erp.imports.common import ImportFileError, ImportResult

KINDS = ("items", "locations", "stock", "jobs")


def run_import(kind: str, path: str, progress=None) -> ImportResult:
    """`progress(done, total, what)`, when given, hears how a long import goes (the stock and jobs files)."""
    if kind == "items":
        from core.erp.imports.items import import_items as fn
    elif kind == "locations":
        from core.erp.imports.locations import import_locations as fn
    elif kind == "stock":
        from core.erp.imports.stock import import_stock

        return import_stock(path, progress)
    elif kind == "jobs":
        from core.erp.imports.jobs import import_jobs

        return import_jobs(path, progress)
    else:
        raise ValueError(kind)
    return fn(path)


__all__ = ["KINDS", "ImportFileError", "ImportResult", "run_import"]
