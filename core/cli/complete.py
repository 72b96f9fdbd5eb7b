"""`jobfloor complete JOB --user CODE [--qty Q] [--close-short REASON]`: receive a job's output and draw its kit
lines from the bins. A job with lines not picked in full is refused, or closed short with a supervisor's reason."""
from __future__ import annotations

import json


def register(sub) -> dict:
    s = sub.add_parser("complete", help="complete a job: receive its output lot, consume its kit-issue lines")
    s.add_argument("job", metavar="JOB", help="the job number, as in jobs.xml")
    s.add_argument("--user", required=True, help="acting user code")
    s.add_argument("--qty", help="quantity made (default: the job's QtyToMake)")
    s.add_argument("--close-short", metavar="REASON",
                   help="complete a job whose lines are not all picked, for this reason (a supervisor)")
    s.add_argument("--json", action="store_true", help="the result as one JSON object")
    return {"complete": run}


def run(args) -> int:
    from core.errors import UserInputError
    from core.jobs.completion import complete_job
    from core.qty import QtyError, fmt_qty, parse_qty

    try:
        qty = parse_qty(args.qty) if args.qty is not None else None
    except QtyError as exc:
        raise UserInputError(f"--qty: {exc}") from None
    result = complete_job(args.actor, args.job, qty, close_short=args.close_short)
    if args.json:
        print(json.dumps({
            "job": result.job, "item": result.item, "lot": result.lot, "qty": fmt_qty(result.qty),
            "track_id": result.track_id, "location": result.location,
            "kit": [{"line": k.line, "item": k.item, "required": fmt_qty(k.required),
                     "consumed": fmt_qty(k.consumed), "short": fmt_qty(max(0, k.short))} for k in result.kit],
            "tasks": result.tasks, "task_bins": result.task_bins,
            "closed_short": None if not result.closed_short else {
                "reason": result.short_reason,
                "lines": [{"line": s.line, "item": s.item, "required": fmt_qty(s.required),
                           "picked": fmt_qty(s.picked)} for s in result.closed_short]}}, indent=1))
    else:
        print("\n".join(result.lines()))
    return 0
