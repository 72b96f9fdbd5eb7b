"""`jobfloor trace LOT [--item ITEM] [--json] [--export DIR]`: backward and forward genealogy of a lot."""
from __future__ import annotations

import json
import sys


def register(sub) -> dict:
    s = sub.add_parser("trace", help="backward and forward genealogy of a lot (or of a TrackID's or SSCC's lot)")
    s.add_argument("lot", metavar="LOT", help="a lot code; a TrackID or a pallet SSCC finds its lot")
    s.add_argument("--item", help="the item, when the lot code is used by more than one item")
    s.add_argument("--json", action="store_true", help="the trace object of docs/interchange.md instead of a tree")
    s.add_argument("--export", metavar="DIR", help="also write the recall report (CSV and text) into DIR")
    return {"trace": run}


def run(args) -> int:
    from core.trace.genealogy import trace
    from core.trace.report import export_recall, tree_lines

    result = trace(args.lot, args.item, where=not args.json or bool(args.export))
    if args.json:
        print(json.dumps(result.as_json(), indent=1))
    else:
        print("\n".join(tree_lines(result)))
    if args.export:
        csv_path, txt_path = export_recall(result, args.export)
        # stdout stays one JSON object under --json: the paths go to stderr there
        print(f"recall report: {csv_path} and {txt_path}", file=sys.stderr if args.json else sys.stdout)
    return 0
