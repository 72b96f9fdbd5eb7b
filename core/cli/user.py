"""`jobfloor user add|unlock|locked`: users of the site, and a locked-out user let back in (with a reason)."""
from __future__ import annotations

import json

from core.data.models import ROLES


def register(sub) -> dict:
    s = sub.add_parser("user", help="users: add or change one, unlock one locked out, who is locked out")
    us = s.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    a = us.add_parser("add", help="add or update a user")
    a.add_argument("code")
    a.add_argument("--role", required=True, choices=ROLES)
    a.add_argument("--pin", required=True)
    a.add_argument("--name")
    a.add_argument("--badge")
    u = us.add_parser("unlock", help="let a user locked out by wrong PINs log in again (supervisor or admin)")
    u.add_argument("code", metavar="CODE", help="the locked-out user's code")
    u.add_argument("--reason", required=True, help="why, for the audit trail")
    u.add_argument("--user", help="your user code (a supervisor or an admin)")
    k = us.add_parser("locked", help="the users locked out right now")
    k.add_argument("--json", action="store_true")
    return {"user": run}


def run(args) -> int:
    return {"add": _add, "unlock": _unlock, "locked": _locked}[args.user_command](args)


def _add(args) -> int:
    from core.site.auth import add_user

    user = add_user(args.code, args.role, args.pin, name=args.name, badge=args.badge)
    print(f"user {user.code} ({user.role}) saved")
    return 0


def _unlock(args) -> int:
    from core.site.auth import unlock_user

    user = unlock_user(args.actor, args.code, args.reason)
    print(f"user {user.code} is unlocked: they can log in with their PIN now")
    return 0


def _locked(args) -> int:
    from core.site.auth import locked_users

    users = locked_users()
    if args.json:
        print(json.dumps([{"user": u.code, "role": u.role, "locked_until": u.locked_until.isoformat(timespec="seconds")}
                          for u in users], indent=1))
        return 0
    for u in users:
        print(f"{u.code:<10} {u.role:<10} locked until {u.locked_until:%Y-%m-%d %H:%M} UTC")
    print(f"{len(users)} user(s) locked out")
    return 0
