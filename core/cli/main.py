"""The `jobfloor` command line (docs/interchange.md). Exit 0 done, 1 business exception, 2 bad usage or input.

Each command imports what it needs when it runs, so `jobfloor --help` and the app start quickly.
"""
from __future__ import annotations

import argparse
import json
import sys

from core.errors import JobfloorError

EXIT_OK, EXIT_BUSINESS, EXIT_BAD = 0, 1, 2
MODULE_COMMANDS: dict = {}


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's own exit code is 2 as well; keep its message short and clear
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD, f"jobfloor: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="jobfloor", description="Shop-floor terminal for SYSPRO jobs. Without a command: the app.")
    p.add_argument("--db", help="sqlite:///path.db or postgresql://user@host/db (default: $JOBFLOOR_DB, "
                                "else an SQLite file in your data directory)")
    p.add_argument("--station", help="this terminal's station code (default: $JOBFLOOR_STATION or by SSH address)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    s = sub.add_parser("init", help="create or upgrade the schema")
    s.add_argument("--demo", action="store_true", help="also load the demo site from fixtures/")
    s.add_argument("--if-new", action="store_true", help="load the demo only into a database that had no schema")

    s = sub.add_parser("user", help="manage users")
    us = s.add_subparsers(dest="user_command", parser_class=_Parser, required=True, metavar="ACTION")
    a = us.add_parser("add", help="add or update a user")
    a.add_argument("code")
    a.add_argument("--role", required=True, choices=("operator", "picker", "supervisor", "planner", "admin"))
    a.add_argument("--pin", required=True)
    a.add_argument("--name")
    a.add_argument("--badge")

    s = sub.add_parser("import", help="import an ERP file (atomic)")
    s.add_argument("kind", choices=("items", "locations", "stock", "jobs"))
    s.add_argument("file")

    s = sub.add_parser("stock", help="stock units with on-hand and reserved quantities")
    s.add_argument("--item")
    s.add_argument("--track-id")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("postings", help="ERP postings")
    ps = s.add_subparsers(dest="postings_command", parser_class=_Parser, required=True, metavar="ACTION")
    e = ps.add_parser("export", help="write each pending posting as DIR/<key>.xml, exactly once")
    e.add_argument("dir")

    # Run by tui.serve (tui.entry routes it there); only the arguments live here, so core stays free of Textual.
    s = sub.add_parser("serve", help="serve the app to browsers (thin clients) with textual-serve")
    s.add_argument("--web", action="store_true", help="serve over HTTP to browsers (SSH needs no server: "
                                                      "see docs/ssh.md)")
    s.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    s.add_argument("--public-url", help="the address browsers use, when behind a proxy (default http://HOST:PORT)")

    from core.cli.registry import register_all

    MODULE_COMMANDS.update(register_all(sub))
    return p


def open_database(args) -> None:
    from core.config import db_url
    from core.data.db import connect

    connect(db_url(args.db))


def _schema_ready() -> None:
    from core.data.schema import current_version
    from core.errors import UserInputError

    if current_version() is None:
        raise UserInputError("this database has no jobfloor schema yet: run `jobfloor init` (or `jobfloor init --demo`)")


def cmd_init(args) -> int:
    import time

    from core.data.schema import init_schema

    t0 = time.perf_counter()
    before, after = init_schema()
    msg = "created" if before is None else ("upgraded from version %d" % before if before != after else "up to date")
    print(f"schema {msg} (version {after})")
    if args.demo and not (args.if_new and before is not None):
        from core.erp.demo import load_demo

        for line in load_demo():
            print(line)
    print(f"done in {time.perf_counter() - t0:.2f} s")
    return EXIT_OK


def cmd_user(args) -> int:
    from core.site.auth import add_user

    user = add_user(args.code, args.role, args.pin, name=args.name, badge=args.badge)
    print(f"user {user.code} ({user.role}) saved")
    return EXIT_OK


def cmd_import(args) -> int:
    from core.cli.progress import progress_line
    from core.erp.imports import ImportFileError, run_import

    progress = progress_line(f"import {args.kind}")
    try:
        result = run_import(args.kind, args.file, progress=progress)
    except ImportFileError as exc:
        if progress:
            progress.close()
        print("jobfloor: " + str(exc), file=sys.stderr)
        for line in exc.lines()[1:20]:
            print("  " + line, file=sys.stderr)
        return EXIT_BAD
    if progress:
        progress.close()
    print(result.summary())
    return EXIT_OK


def cmd_stock(args) -> int:
    from core.qty import fmt_qty
    from core.stock.inquiry import list_units

    rows = list_units(item=args.item, track_id=args.track_id)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=1))
        return EXIT_OK
    print(f"{'TrackID':<12} {'Item':<16} {'Lot':<12} {'Location':<10} {'On hand':>11} {'Reserved':>11} Status")
    for r in rows:
        print(f"{r.track_id:<12} {r.item:<16} {r.lot or '':<12} {r.location:<10} {fmt_qty(r.on_hand):>11} "
              f"{fmt_qty(r.reserved):>11} {r.status}")
    print(f"{len(rows)} unit(s)")
    return EXIT_OK


def cmd_postings(args) -> int:
    from core.erp.postings import export_pending

    written = export_pending(args.dir)
    print(f"{len(written)} posting(s) written to {args.dir}")
    return EXIT_OK


COMMANDS = {"init": cmd_init, "user": cmd_user, "import": cmd_import, "stock": cmd_stock, "postings": cmd_postings}


def dispatch(args) -> int:
    from core.cli.registry import NO_DATABASE

    handler = COMMANDS.get(args.command) or MODULE_COMMANDS.get(args.command)
    if handler is None:
        print(f"jobfloor: unknown command {args.command}", file=sys.stderr)
        return EXIT_BAD
    try:
        if args.command not in NO_DATABASE:
            open_database(args)
            if args.command != "init":
                _schema_ready()
        return handler(args)
    except JobfloorError as exc:
        print(f"jobfloor: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a database that is down or a URL that is wrong: say so, no traceback
        import peewee

        if isinstance(exc, (peewee.OperationalError, peewee.InterfaceError, ValueError)):
            print(f"jobfloor: cannot use the database: {str(exc).strip()}", file=sys.stderr)
            return EXIT_BAD
        from core.crashlog import log_exception

        where = log_exception(exc)
        print(f"jobfloor: something went wrong inside jobfloor ({type(exc).__name__}); nothing half-done was "
              f"kept. The details are in {where}: send them to support.", file=sys.stderr)
        return EXIT_BAD


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_BAD
    return dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
