"""What the command line says and returns for each kind of failure, by the failure's type (docs/interchange.md).

0 done, 1 a business exception the command names (a shortage), 2 bad usage or input (nothing changed),
75 (EX_TEMPFAIL) the database is busy or cannot be reached right now: nothing changed, run it again later.
"""
from __future__ import annotations

EXIT_OK, EXIT_BUSINESS, EXIT_BAD, EXIT_TEMPFAIL = 0, 1, 2, 75
#: stdout closed by its reader (`jobfloor stock | head`): what a shell reports for a process ended by SIGPIPE.
EXIT_PIPE = 141

# psycopg2 / SQLite words for "not now" as opposed to "never": a server restarting, a dropped connection, a lock.
_TEMPORARY = ("could not connect", "connection refused", "server closed the connection", "terminating connection",
              "the database system is starting up", "the database system is shutting down", "shutting down",
              "connection already closed", "connection not open", "database is locked", "database is busy",
              "could not receive data", "could not send data", "timeout expired", "no route to host",
              "cannot connect now", "ssl syscall error", "eof detected", "connection reset", "recovery mode",
              "connection timed out", "deadlock detected", "could not serialize")


def is_temporary(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(word in text for word in _TEMPORARY)


def explain(exc: BaseException) -> tuple[str, int] | None:
    """(the sentence, the exit status) for a failure a user can act on; None for a fault inside jobfloor."""
    import peewee

    from core.data.db import DatabaseUnavailable, DatabaseUrlError
    from core.errors import JobfloorError
    from core.qty import QtyError

    if isinstance(exc, DatabaseUnavailable):
        return str(exc), EXIT_TEMPFAIL
    if isinstance(exc, JobfloorError):
        return str(exc), exc.exit_code
    if isinstance(exc, QtyError):
        return f"bad quantity: {exc}. Nothing was changed.", EXIT_BAD
    if isinstance(exc, DatabaseUrlError):
        return f"the database address: {exc}", EXIT_BAD
    if isinstance(exc, (peewee.OperationalError, peewee.InterfaceError)):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if is_temporary(exc):
            return (f"the database is busy or unavailable right now ({first}); nothing was changed: run it again "
                    "in a moment", EXIT_TEMPFAIL)
        return f"cannot use the database: {first}", EXIT_BAD
    return None
