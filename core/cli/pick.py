"""`jobfloor pick JOB LINE --track-id ID --qty Q --user CODE`: the Pick screen's service, headless."""
from __future__ import annotations

import json


def register(sub) -> dict:
    s = sub.add_parser("pick", help="confirm a pick headlessly (quantity taken as already weighed)")
    s.add_argument("job")
    s.add_argument("line", type=int)
    s.add_argument("--track-id", required=True)
    s.add_argument("--qty", required=True)
    s.add_argument("--user", required=True)
    s.add_argument("--reason", help="reason code when the TrackID is not the suggested one")
    s.add_argument("--request-id", help="makes a retried call do nothing twice")
    s.add_argument("--json", action="store_true")
    return {"pick": run}


def run(args) -> int:
    from core.jobs.picking import confirm_pick
    from core.qty import fmt_qty, parse_qty

    result = confirm_pick(args.actor, args.job, args.line, args.track_id, parse_qty(args.qty), reason=args.reason,
                          request_id=args.request_id, label=False)
    if args.json:
        print(json.dumps({"job": result.job, "line": result.line, "track_id": result.source,
                          "portion": result.portion, "qty": fmt_qty(result.qty), "posting": result.posting,
                          "line_done": result.line_done}))
    else:
        print(result.text() + (" (already recorded)" if result.repeated else ""))
    return 0
