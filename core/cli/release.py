"""`jobfloor release (JOB... | --all) [--json]`"""
from __future__ import annotations

import json
import sys

from core.qty import fmt_qty


def register(sub) -> dict:
    s = sub.add_parser("release", help="allocate and release jobs (exit 1 when a shortage remains)")
    s.add_argument("jobs", nargs="*", metavar="JOB")
    s.add_argument("--all", action="store_true", help="every imported job not yet released")
    s.add_argument("--json", action="store_true")
    s.add_argument("--user", help="acting user code")
    return {"release": run}


def run(args) -> int:
    from core.errors import UserInputError
    from core.jobs.release import release

    if args.all and args.jobs:
        raise UserInputError("give job numbers or --all, not both")
    result = release(args.actor, args.jobs, all_imported=args.all)
    if args.json:
        print(json.dumps(result.as_json()))  # compact: the C encoder, 10x faster on big releases
    else:
        print(f"released {len(result.released)} job(s), {len(result.allocations)} reservation(s)")
        for s in result.shortages:
            print(f"  short: job {s.job} line {s.line} {s.item}: {fmt_qty(s.allocated)} of {fmt_qty(s.required)}"
                  f" ({s.reason})", file=sys.stdout)
    return 1 if result.shortages else 0
