"""`jobfloor assign JOB (--to USER|team:NAME|station:CODE | --free) --user CODE` and `jobfloor take JOB --user CODE`."""
from __future__ import annotations


def register(sub) -> dict:
    s = sub.add_parser("assign", help="assign a released job to a picker, a team or a station")
    s.add_argument("job")
    who = s.add_mutually_exclusive_group(required=True)
    who.add_argument("--to", help="a user code, team:NAME or station:CODE")
    who.add_argument("--free", action="store_true", help="make the job free for anyone")
    s.add_argument("--user", required=True, help="the supervisor or planner doing it")
    t = sub.add_parser("take", help="take a free job for yourself (as the Pick screen does)")
    t.add_argument("job")
    t.add_argument("--user", required=True)
    return {"assign": run_assign, "take": run_take}


def run_assign(args) -> int:
    from core.jobs.assignment import assign

    assign(args.actor, args.job, None if args.free else args.to)
    print(f"job {args.job} " + ("is free" if args.free else f"assigned to {args.to}"))
    return 0


def run_take(args) -> int:
    from core.jobs.assignment import take

    take(args.actor, args.job)
    print(f"job {args.job} is {args.user}'s")
    return 0
