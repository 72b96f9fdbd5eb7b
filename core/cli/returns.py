"""`jobfloor return --track-id ID --qty Q --location LOC --user CODE`: the Return screen's service, headless."""
from __future__ import annotations


def register(sub) -> dict:
    s = sub.add_parser("return", help="a job return headlessly (quantity net, as weighed)")
    s.add_argument("--track-id", required=True)
    s.add_argument("--qty", required=True)
    s.add_argument("--location", required=True)
    s.add_argument("--user", required=True)
    s.add_argument("--tare", help="kg: the tare of the container it comes back in, recorded on the unit")
    s.add_argument("--request-id", help="makes a retried call do nothing twice")
    return {"return": run}


def run(args) -> int:
    from core.jobs.returns import return_unit
    from core.qty import fmt_short, parse_qty

    r = return_unit(args.actor, args.track_id, parse_qty(args.qty), args.location, request_id=args.request_id,
                    tare=None if args.tare is None else parse_qty(args.tare))
    print(f"Returned {fmt_short(r.qty)} of {r.track_id} from job {r.job} to {r.location}"
          + (" (already recorded)" if r.repeated else ""))
    return 0
