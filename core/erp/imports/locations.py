"""locations.csv: store, WIP, kit-bin, quarantine and dispatch locations."""
from __future__ import annotations

from core.data.db import write_txn
from core.data.models import ZONES, Item, Location
from core.erp.imports.common import IMPORTER, ImportResult, RowChecker, code, qty, read_csv, whole
from core.kitbins.bins import ensure_task

COLUMNS = ("location", "zone", "pick_seq", "kit_item", "min_qty", "max_qty")


def parse_rows(path: str) -> list[dict]:
    rows = read_csv(path, COLUMNS)
    check = RowChecker(path)
    items = {i.code for i in Item.select(Item.code)}
    out, seen = [], {}
    for line, r in rows:
        loc = check.cell(line, "location", code, r["location"], "location")
        zone = r["zone"].strip().upper()
        if zone not in ZONES:
            check.add(line, "zone", f"'{r['zone']}' is not a zone: use one of {', '.join(ZONES)}")
        seq = check.cell(line, "pick_seq", whole, r["pick_seq"], default=0)
        kit_item = r["kit_item"].strip() or None
        min_q = check.cell(line, "min_qty", qty, r["min_qty"], required=False)
        max_q = check.cell(line, "max_qty", qty, r["max_qty"], required=False)
        if zone == "KITBIN":
            if not kit_item:
                check.add(line, "kit_item", "a KITBIN location needs the kit_item it holds")
            elif kit_item not in items:
                check.add(line, "kit_item", f"item {kit_item} is not in the items: import items.csv first")
            if min_q is None and not r["min_qty"].strip():
                check.add(line, "min_qty", "a KITBIN location needs min_qty")
            if max_q is None and not r["max_qty"].strip():
                check.add(line, "max_qty", "a KITBIN location needs max_qty")
            if min_q is not None and max_q is not None and min_q > max_q:
                check.add(line, "max_qty", "max_qty is below min_qty")
        elif zone in ZONES:
            for col in ("kit_item", "min_qty", "max_qty"):
                if r[col].strip():
                    check.add(line, col, f"{col} is only for KITBIN locations: leave it blank for {zone}")
        if loc is not None:
            if loc in seen:
                check.add(line, "location", f"location {loc} is already on line {seen[loc]}")
            seen[loc] = line
        out.append(dict(code=loc, zone=zone, pick_seq=seq or 0, kit_item=kit_item, min_qty=min_q, max_qty=max_q))
    check.raise_if_any()
    return out


def import_locations(path: str) -> ImportResult:
    rows = parse_rows(path)
    result = ImportResult("locations", path, rows=len(rows))
    with write_txn():
        existing = {loc.code: loc for loc in Location.select()}
        changed: list[str] = []
        for r in rows:
            old = existing.get(r["code"])
            if old is None:
                Location.create(**r)
                result.created += 1
                continue
            current = dict(code=old.code, zone=old.zone, pick_seq=old.pick_seq, kit_item=old.kit_item_id,
                           min_qty=old.min_qty, max_qty=old.max_qty)
            if current == r:
                result.unchanged += 1
            else:
                Location.update(**{k: v for k, v in r.items() if k != "code"}).where(Location.code == r["code"]).execute()
                result.updated += 1
                changed.append(r["code"])
        # A raised min can put a bin that holds stock below it. A new bin waits for the stock import, which
        # raises the tasks of the bins it leaves low: a site's first load is locations, then stock.
        for loc in changed:
            ensure_task(IMPORTER, loc, "below min after a locations import")
    return result
