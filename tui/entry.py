"""The `jobfloor` entry point: a command from the command line, or, with none, the full-screen app."""
from __future__ import annotations

import sys

from core.cli.main import build_parser, dispatch


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Textual (and aiohttp for serve) load only for the app: a command line run never pays for them.
    if args.command is None:
        from tui.run import run_app

        return run_app(args)
    if args.command == "serve":
        from tui.serve import serve

        return serve(args)
    return dispatch(args)


if __name__ == "__main__":
    sys.exit(main())
