"""`jobfloor token add|revoke|list`: station tokens for automated stations' headless commands (admin).

The secret goes to standard output alone, once (a script stores it as it is); jobfloor keeps only its hash.
"""
from __future__ import annotations

import json
import sys


def register(sub) -> dict:
    s = sub.add_parser("token", help="station tokens for automated stations (admin)")
    ts = s.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    a = ts.add_parser("add", help="a new token for a station, acting as a user (printed once)",
                      description="The station's scripts then set JOBFLOOR_TOKEN (or JOBFLOOR_TOKEN_FILE) instead "
                                  "of a PIN. The token acts as --as with that user's role, from that station only.")
    a.add_argument("station", metavar="STATION", help="the station's code, as on the Stations screen")
    a.add_argument("--as", dest="as_user", required=True, metavar="CODE", help="the user the token acts as")
    a.add_argument("--note", default="", help="what it is for, for the list and the audit trail")
    r = ts.add_parser("revoke", help="a token stops working at once")
    r.add_argument("id", type=int, metavar="ID", help="the token's number, from `jobfloor token list`")
    ls = ts.add_parser("list", help="every token: number, station, user, made, last used, revoked")
    ls.add_argument("--json", action="store_true")
    return {"token": run}


def run(args) -> int:
    from core.site.tokens import add_token, list_tokens, revoke_token

    if args.token_command == "add":
        number, secret = add_token(args.actor, args.station, args.as_user, args.note)
        print(secret)
        print(f"jobfloor: token {number} for station {args.station} acting as {args.as_user}. It is shown only "
              "now: put it in the station's JOBFLOOR_TOKEN_FILE (chmod 600).", file=sys.stderr)
        return 0
    if args.token_command == "revoke":
        row = revoke_token(args.actor, args.id)
        print(f"token {row.id} (station {row.station}, {row.user}) revoked by {args.actor.user}")
        return 0
    rows = list_tokens(args.actor)
    if args.json:
        print(json.dumps([{"id": r.id, "station": r.station, "user": r.user, "note": r.note,
                           "created_at": r.created_at.isoformat(), "created_by": r.created_by,
                           "last_used_at": r.last_used_at.isoformat() if r.last_used_at else None,
                           "revoked_at": r.revoked_at.isoformat() if r.revoked_at else None} for r in rows],
                         indent=1))
        return 0
    for r in rows:
        state = f"revoked {r.revoked_at:%Y-%m-%d %H:%M}" if r.revoked_at else (
            f"last used {r.last_used_at:%Y-%m-%d %H:%M}" if r.last_used_at else "never used")
        print(f"{r.id:>5} {r.station:<12} {r.user:<10} made {r.created_at:%Y-%m-%d} by {r.created_by:<8} {state}"
              f"  {r.note}")
    print(f"{len(rows)} token(s)")
    return 0
