"""`jobfloor settings list [--json]` and `jobfloor settings set KEY VALUE`: the site settings (docs/interchange.md)."""
from __future__ import annotations

import json


def register(sub) -> dict:
    s = sub.add_parser("settings", help="list or change the site settings (SYSPRO postings, GS1, lockout...)")
    ss = s.add_subparsers(dest="settings_command", required=True, metavar="ACTION")
    a = ss.add_parser("list", help="every setting with its value and what it means")
    a.add_argument("--json", action="store_true", help="a JSON object {key: value} instead of a table")
    a = ss.add_parser("set", help="change one setting (checked first; audited)")
    a.add_argument("key", metavar="KEY")
    a.add_argument("value", metavar="VALUE")
    return {"settings": run}


def run(args) -> int:
    from core.site.settings import all_settings, change

    if args.settings_command == "set":
        before, now = change(args.actor, args.key, args.value)
        print(f"{args.key}: {before if before is not None else '(not set)'} -> {now}")
        return 0
    rows = all_settings()
    if args.json:
        print(json.dumps({key: value for key, value, _ in rows}, indent=1))
        return 0
    width = max(len(key) for key, _, _ in rows)
    for key, value, meaning in rows:
        print(f"{key:<{width}}  {value:<10} {meaning}")
    return 0
