"""The `jobfloor` command line (docs/interchange.md). Exit 0 done, 1 business exception, 2 bad usage or input,
75 the database busy or unavailable (core.cli.errors).

Each command imports what it needs when it runs, so `jobfloor --help` and the app start quickly.
"""
from __future__ import annotations

import argparse
import sys

from core.cli.errors import EXIT_BAD


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

    # Run by tui.serve (tui.entry routes it there); only the arguments live here, so core stays free of Textual.
    s = sub.add_parser("serve", help="serve the app to browsers (thin clients) with textual-serve")
    s.add_argument("--web", action="store_true", help="serve over HTTP to browsers (SSH needs no server: "
                                                      "see docs/ssh.md)")
    s.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    s.add_argument("--public-url", help="the address browsers use, when behind a proxy (default http://HOST:PORT)")

    from core.cli.registry import register_all

    register_all(sub)
    return p


def dispatch(args) -> int:
    from core.cli.registry import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_BAD
    return dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
