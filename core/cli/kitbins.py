"""`jobfloor kitbins [--json]`: kit-bin levels against min and max."""
from __future__ import annotations

import json


def register(sub) -> dict:
    s = sub.add_parser("kitbins", help="kit-bin levels against min and max")
    s.add_argument("--json", action="store_true", help="the kitbins list of docs/interchange.md instead of a table")
    return {"kitbins": run}


def run(args) -> int:
    from core.kitbins.bins import kitbins

    rows = kitbins()
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{'Bin':<14} {'Item':<16} {'Level':>11} {'Min':>11} {'Max':>11}  Refill")
    for r in rows:
        flag = f"BELOW MIN: {r['replenish_qty']}" if r["below_min"] else ""
        print(f"{r['location']:<14} {r['item'] or '':<16} {r['level']:>11} {r['min']:>11} {r['max']:>11}  {flag}")
    low = sum(1 for r in rows if r["below_min"])
    print(f"{len(rows)} bin(s), {low} below min")
    return 0
