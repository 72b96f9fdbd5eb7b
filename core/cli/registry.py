"""The one registry of `jobfloor` commands, and the one way they run (docs/interchange.md, "Command line").

Each module exposes `register(sub) -> {name: handler}`. A command is known by its path ("pick", "labels print").
Every command that is not named below as a read (or as setup) changes the site, so before it runs the dispatcher
proves who is acting (core.cli.credentials: PIN or station token, with the lockout), checks the role against
ACTIONS, hands the handler `args.actor`, and audits the command with who and from where. A new command is
therefore a write, open to admins only, until it is listed here: it cannot forget to authenticate.

Every command module is imported to build the parser, so the modules import the services they call inside their
handlers: `jobfloor stock` or `scale read` must not load the allocator (numpy, numba), the label renderer (PIL,
zint) or biip's GS1 tables that other commands need. That is the one reason for imports inside functions here.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from core.cli.errors import EXIT_BAD, EXIT_PIPE, EXIT_TEMPFAIL, explain

MODULES = ("builtin", "user", "release", "pick", "returns", "scale", "labels", "assign", "complete", "kitbins",
           "trace", "station", "settings", "token", "lot")

#: Commands that change nothing: no credential asked.
READS = frozenset({"stock", "kitbins", "trace", "scale read", "labels ledger", "labels queue", "settings list",
                   "user locked", "lot held"})
#: Creates or upgrades the schema: whoever may open the database may do that, and before it there are no users.
SETUP = frozenset({"init"})
#: Run by tui.entry itself, not here (the web server: each browser logs in).
ELSEWHERE = frozenset({"serve"})
#: Commands that need no database at all.
NO_DATABASE = frozenset({"scale read"})
#: The permission (core.site.auth.PERMISSIONS) each writing command needs. Not listed: admins only.
ACTIONS = {
    "user add": "users.edit", "import": "import", "postings export": "postings.export", "release": "release",
    "pick": "pick", "take": "pick", "return": "return", "complete": "complete", "assign": "jobs.assign",
    "labels print": "labels.print", "labels send": "labels.print", "labels again": "labels.print",
    "labels seen": "labels.print", "labels void": "labels.void", "station link": "stations.edit",
    "settings set": "settings.edit", "token add": "tokens.edit", "token revoke": "tokens.edit",
    "token list": "tokens.edit", "user unlock": "users.unlock", "station set": "stations.edit", "lot hold": "hold",
    "lot release-hold": "hold.release",
}
#: A new site has no users: its first one is added without a credential (there is nobody to ask).
OPEN_ON_A_NEW_SITE = frozenset({"user add"})

HANDLERS: dict = {}


def register_all(sub) -> dict:
    handlers = {}
    for name in MODULES:
        handlers.update(importlib.import_module(f"core.cli.{name}").register(sub))
    for path, parser in _leaves(sub):
        if path not in READS | SETUP | ELSEWHERE:
            _credential_options(parser)
    HANDLERS.update(handlers)
    return handlers


def _leaves(sub, prefix: str = ""):
    """(path, parser) for every command that runs, subcommands included."""
    for name, parser in sub.choices.items():
        path = f"{prefix}{name}"
        nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if nested:
            yield from _leaves(nested[0], path + " ")
        else:
            yield path, parser


def _credential_options(parser) -> None:
    """Every writing command takes --user (the PIN's owner); none requires it, since a station token names its
    own user."""
    for action in parser._actions:
        if "--user" in action.option_strings:
            action.required = False
            action.default = None
            action.help = ((action.help or "acting user code") + "; the PIN is asked, or JOBFLOOR_PIN / "
                           "JOBFLOOR_PIN_FILE (or a station token: JOBFLOOR_TOKEN)")
            return
    parser.add_argument("--user", help="acting user code; the PIN is asked, or JOBFLOOR_PIN / JOBFLOOR_PIN_FILE "
                                       "(or a station token: JOBFLOOR_TOKEN)")


def command_path(args) -> str:
    parts = [args.command]
    sub = getattr(args, f"{args.command}_command", None)
    if sub:
        parts.append(sub)
    return " ".join(parts)


def run(args) -> int:
    """Open the database, authenticate a write, run the handler; every failure is a sentence and an exit status."""
    path = command_path(args)
    handler = HANDLERS.get(args.command)
    if handler is None:
        print(f"jobfloor: unknown command {args.command}", file=sys.stderr)
        return EXIT_BAD
    args.actor = None
    try:
        code = _run(args, path, handler)
        sys.stdout.flush()  # here, where a closed pipe can still be met quietly, not at the interpreter's exit
        return code
    except BrokenPipeError:
        return _reader_gone()


def _run(args, path: str, handler) -> int:
    from core.data.db import current_url

    try:
        if path not in NO_DATABASE:
            _open(args, path)
        code = handler(args)
    except BrokenPipeError:
        raise
    except Exception as exc:  # noqa: BLE001  every failure becomes a sentence, never a traceback
        said = explain(exc)
        if said is None:
            return _fault(exc, current_url())
        print(f"jobfloor: {said[0]}", file=sys.stderr)
        if args.actor is not None and said[1] != EXIT_TEMPFAIL:
            _audit(args.actor, path, said[1], refused=said[0])  # who tried what, and the answer
        return said[1]
    if args.actor is not None:
        _audit(args.actor, path, code)
    return code


def _open(args, path: str) -> None:
    from core.cli.jobnumbers import resolve_job_arguments
    from core.config import db_url
    from core.data.db import connect
    from core.data.schema import current_version
    from core.errors import UserInputError

    connect(db_url(args.db))
    if path in SETUP:
        return
    if current_version() is None:
        raise UserInputError("this database has no jobfloor schema yet: run `jobfloor init` "
                             "(or `jobfloor init --demo`)")
    if path not in READS:
        args.actor = _actor(args, path)
    resolve_job_arguments(args)


def _actor(args, path: str):
    from core.cli.credentials import authenticate
    from core.data.models import User
    from core.site.auth import require

    if path in OPEN_ON_A_NEW_SITE and not User.select().where(User.active == True).exists():  # noqa: E712
        return None
    actor = authenticate(getattr(args, "user", None), args.station)
    require(actor, ACTIONS.get(path, "admin only"))
    if getattr(args, "user", None) is None:
        args.user = actor.user  # a station token names its user: handlers that print who did it say so
    return actor


def _audit(actor, path: str, code: int, **refused) -> None:
    from core.data.db import write_txn
    from core.site.audit import record

    try:
        with write_txn():
            record(actor, "cli", path, exit=code, **{k: v[:300] for k, v in refused.items()})
    except Exception as exc:  # noqa: BLE001  the command's own work and audit event are already committed
        print(f"jobfloor: (the command line's own audit line was not written: {exc})", file=sys.stderr)


def _fault(exc: BaseException, url: str | None) -> int:
    from core.crashlog import log_exception

    where = log_exception(exc, url)
    print(f"jobfloor: something went wrong inside jobfloor ({type(exc).__name__}); nothing half-done was kept. "
          f"The details are in {where}: send them to support.", file=sys.stderr)
    return EXIT_BAD


def _reader_gone() -> int:
    """`jobfloor stock | head`: the reader has what it wanted. End quietly: stdout points at /dev/null so the
    interpreter's last flush does not fail again with a traceback."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_PIPE
