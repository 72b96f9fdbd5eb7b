"""`jobfloor user add`: users of the site."""
from __future__ import annotations


def register(sub) -> dict:
    s = sub.add_parser("user", help="manage users")
    us = s.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    a = us.add_parser("add", help="add or update a user")
    a.add_argument("code")
    a.add_argument("--role", required=True, choices=("operator", "picker", "supervisor", "planner", "admin"))
    a.add_argument("--pin", required=True)
    a.add_argument("--name")
    a.add_argument("--badge")
    return {"user": run}


def run(args) -> int:
    from core.site.auth import add_user

    user = add_user(args.code, args.role, args.pin, name=args.name, badge=args.badge)
    print(f"user {user.code} ({user.role}) saved")
    return 0
