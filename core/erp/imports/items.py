"""items.csv: the item master."""
from __future__ import annotations

from core.data.db import write_txn
from core.data.models import Item
from core.erp.imports.common import CellError, ImportResult, RowChecker, code, qty, read_csv, whole, yes_no
from core.gs1.keys import GS1Error, normalize_gtin

COLUMNS = ("item", "description", "uom", "lot_tracked", "weighed", "tolerance_pct", "shelf_life_days",
           "min_remaining_days", "single_lot", "gtin")


def _gtin(text: str) -> str | None:
    if not text.strip():
        return None
    try:
        return normalize_gtin(text.strip())
    except GS1Error as exc:
        raise CellError(str(exc)) from None


def parse_rows(path: str) -> list[dict]:
    rows = read_csv(path, COLUMNS)
    check = RowChecker(path)
    out, seen = [], {}
    for line, r in rows:
        item = check.cell(line, "item", code, r["item"], "item")
        uom = check.cell(line, "uom", code, r["uom"], "uom", 10)
        lot_tracked = check.cell(line, "lot_tracked", yes_no, r["lot_tracked"])
        weighed = check.cell(line, "weighed", yes_no, r["weighed"])
        single_lot = check.cell(line, "single_lot", yes_no, r["single_lot"])
        tol = check.cell(line, "tolerance_pct", qty, r["tolerance_pct"], required=False)
        shelf = check.cell(line, "shelf_life_days", whole, r["shelf_life_days"])
        min_rem = check.cell(line, "min_remaining_days", whole, r["min_remaining_days"], default=0)
        gtin = check.cell(line, "gtin", _gtin, r["gtin"])
        if len(r["description"]) > 200:
            check.add(line, "description", "the description is longer than 200 characters")
        if weighed and uom is not None and uom.upper() != "KG":
            check.add(line, "uom", f"a weighed item is picked by mass: its uom must be KG, not {uom}")
        if weighed and tol is None and not check.problems:
            check.add(line, "tolerance_pct", "a weighed item needs a tolerance_pct (e.g. 1.0)")
        if single_lot and lot_tracked is False:
            check.add(line, "single_lot", "single_lot Y needs lot_tracked Y: an item without lots cannot be single-lot")
        if item is not None:
            if item in seen:
                check.add(line, "item", f"item {item} is already on line {seen[item]}")
            seen[item] = line
        out.append(dict(code=item, description=r["description"], uom=(uom or "").upper(), lot_tracked=lot_tracked,
                        weighed=weighed, tolerance_milli_pct=tol or 0, shelf_life_days=shelf,
                        min_remaining_days=min_rem or 0, single_lot=single_lot, gtin=gtin))
    check.raise_if_any()
    return out


def import_items(path: str) -> ImportResult:
    rows = parse_rows(path)
    result = ImportResult("items", path, rows=len(rows))
    with write_txn():
        existing = {i.code: i for i in Item.select().where(Item.code.in_([r["code"] for r in rows]))} if rows else {}
        for r in rows:
            old = existing.get(r["code"])
            if old is None:
                Item.create(**r)
                result.created += 1
            elif any(getattr(old, k) != v for k, v in r.items()):
                Item.update(**{k: v for k, v in r.items() if k != "code"}).where(Item.code == r["code"]).execute()
                result.updated += 1
            else:
                result.unchanged += 1
    return result
