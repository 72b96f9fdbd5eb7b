"""The database, chosen at run time: SQLite for one site PC, PostgreSQL for many terminals.

Every model binds to the one proxy here; `connect(url)` points it at a real database.
"""
from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

from core.errors import JobfloorError

db = peewee.DatabaseProxy()


class DatabaseUrlError(ValueError):
    pass


class DatabaseUnavailable(JobfloorError):
    """The database cannot be reached (restarting, network down) or stayed busy: nothing was saved; try later."""

    exit_code = 75  # EX_TEMPFAIL: a script may run the same command again later


class BusyError(DatabaseUnavailable):
    """Another terminal held the lock for longer than we are willing to wait."""


class CommitInDoubt(JobfloorError):
    """The connection dropped after the COMMIT was sent and it did commit (the answer was lost), or the server
    cannot tell. Not to be redone blindly, so not a temporary failure."""

    exit_code = 1


#: How long a write waits for a lost PostgreSQL server to come back (a restart takes a few seconds) before it is
#: given up with DatabaseUnavailable. A site may set JOBFLOOR_DB_WAIT_S.
RECONNECT_S = float(os.environ.get("JOBFLOOR_DB_WAIT_S") or 60)

# psycopg2's words for a connection that is gone (server restarted or shut down, backend terminated, network).
_LOST = ("server closed the connection", "terminating connection", "connection already closed",
         "connection not open", "could not receive data", "could not send data", "ssl syscall error",
         "eof detected", "connection reset", "could not connect", "connection refused",
         "the database system is starting up", "the database system is shutting down", "in recovery mode",
         "cannot connect now", "database connection not open", "no connection to the server")

_txn = threading.local()  # per thread: was COMMIT sent, and the id of the transaction it was for
_listeners: list = []


def on_wait(listener):
    """`listener(text or None)` hears "database unavailable, retrying" (or "database busy, retrying") while a
    statement waits for the database, and None once it is through; from whichever thread was waiting. Returns
    the function that stops it hearing."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _announce(text: str | None) -> None:
    for listener in list(_listeners):
        try:
            listener(text)
        except Exception:  # noqa: BLE001  a screen going away must not fail the write
            pass


def connection_lost(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, (peewee.OperationalError, peewee.InterfaceError)) and any(w in text for w in _LOST)


class _Resilient:
    """What both databases add to peewee's: COMMIT is noted, so a lost connection can be told apart before and
    after the commit was sent; a statement outside a transaction on a dead connection gets a new one."""

    def commit(self):
        _txn.committing = True
        return super().commit()

    def cursor(self, *args, **kwargs):
        conn = self._state.conn
        if conn is not None and getattr(conn, "closed", 0) and not self.in_transaction():
            self._state.reset()  # psycopg2 marked it closed (server gone): a fresh one, no transaction lost
        return super().cursor(*args, **kwargs)

    def execute_sql(self, sql, params=None):
        try:
            return super().execute_sql(sql, params)
        except (peewee.OperationalError, peewee.InterfaceError) as exc:
            # A read outside a transaction on a connection the server dropped: read again on a new one. Never a
            # write: in autocommit it may have been applied just before the connection went.
            if (self.in_transaction() or not connection_lost(exc) or getattr(_txn, "reconnecting", False)
                    or not sql.lstrip()[:6].upper() == "SELECT"):
                raise
            _announce("database unavailable, retrying")
            reconnect(time.monotonic() + RECONNECT_S)
            result = super().execute_sql(sql, params)
            _announce(None)
            return result


class _Sqlite(_Resilient, peewee.SqliteDatabase):
    pass


class _Postgres(_Resilient, peewee.PostgresqlDatabase):
    pass


def sqlite_path(url: str) -> str:
    """sqlite:///tmp/x.db is the file /tmp/x.db (the URL's path as written); sqlite:x.db is relative."""
    path = unquote(url[len("sqlite:"):])
    if path.startswith("//"):
        path = path[2:]
    if path.startswith("//"):
        path = path[1:]
    if not path or path == "/":
        raise DatabaseUrlError("sqlite URL needs a file: sqlite:///path/to/file.db")
    return path


def make_database(url: str) -> peewee.Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = sqlite_path(url)
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return _Sqlite(
            path,
            pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15000, "synchronous": "normal"},
            timeout=15,
        )
    if parsed.scheme in ("postgresql", "postgres"):
        if not parsed.path.strip("/"):
            raise DatabaseUrlError("postgresql URL needs a database name: postgresql://user@host:5432/dbname")
        return _Postgres(
            parsed.path.lstrip("/"),
            user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or None,
            port=parsed.port or None,
        )
    raise DatabaseUrlError(f"unknown database URL '{url}': use sqlite:///path.db or postgresql://user@host/dbname")


_url: str | None = None


def connect(url: str) -> peewee.Database:
    global _url
    database = make_database(url)
    _url = url
    db.initialize(database)
    database.connect(reuse_if_open=True)
    return database


def current_url() -> str | None:
    """The URL of the database `connect` opened last (the error log goes beside it)."""
    return _url


def is_postgres() -> bool:
    return isinstance(db.obj, peewee.PostgresqlDatabase)


@contextmanager
def write_txn():
    """A transaction that will write stock.

    SQLite takes the write lock up front (BEGIN IMMEDIATE) so two terminals never both read a balance and then
    both write it; PostgreSQL locks the rows it reads with `locked()` below.
    """
    if is_postgres():
        with db.atomic() as txn:
            yield txn
            if db.transaction_depth() == 1:
                # Delivered at commit, and only if it commits: other terminals' screens refresh (core.data.changes).
                # The transaction's id comes back in the same round trip: should the connection drop while the
                # COMMIT is on its way, `retrying` asks the server whether it committed instead of guessing.
                _txn.xid = db.execute_sql("NOTIFY jobfloor; SELECT txid_current()").fetchone()[0]
    else:
        with db.atomic("IMMEDIATE") as txn:
            yield txn


def locked(query):
    """SELECT ... FOR UPDATE on PostgreSQL; SQLite already holds the database write lock."""
    return query.for_update() if is_postgres() else query


def placeholder() -> str:
    return "%s" if is_postgres() else "?"


def run_sql(sql: str, params: tuple | list = ()):
    """One statement written with '?' placeholders, on either database; returns the cursor. For hot paths, where
    building a peewee query costs more than the database's work."""
    return db.execute_sql(sql.replace("?", "%s") if is_postgres() else sql, params)


# PostgreSQL: statements prepared on each connection, by the connection they belong to.
_PREPARED: dict[int, tuple[object, dict[str, int]]] = {}


def run_prepared(sql: str, params: tuple | list, pg: str = "", pg_params: tuple | list = ()):
    """A hot statement, written with numbered placeholders (?1, ?2, ...), planned once per connection.

    PostgreSQL plans a statement each time it is sent; for a query joining many tables that costs more than
    running it, so here it is PREPAREd on first use and then only EXECUTEd. SQLite keeps its own statement cache
    and takes ?1 as written. `pg` ('?' placeholders, `pg_params`) goes first in the same round trip on PostgreSQL
    only, as a statement of its own: it sees its own snapshot, and the prepared one a fresh one after it (how a
    row lock taken there is followed by reads that see what the lock waited for).
    """
    if not is_postgres():
        return db.execute_sql(sql, params)
    conn = db.connection()
    owner, names = _PREPARED.get(id(conn), (None, {}))
    if owner is not conn:
        names = {}
        _PREPARED[id(conn)] = (conn, names)
    if sql not in names:
        names[sql] = len(names)
        db.execute_sql(f"PREPARE jobfloor_{int(names[sql])} AS {sql.replace('?', '$')}")
    head = f"{pg.replace('?', '%s')}; " if pg else ""
    return db.execute_sql(f"{head}EXECUTE jobfloor_{int(names[sql])} ({', '.join(['%s'] * len(params))})",
                          [*pg_params, *params])


def bulk(sql: str, rows: list[tuple], pg: str | None = None) -> None:
    """One statement for many rows, written with '?' placeholders. Hot paths only: no model objects.

    psycopg2's executemany is a round trip per row. On PostgreSQL an INSERT becomes one multi-row VALUES per
    page, and an UPDATE uses `pg`, the same change written as UPDATE ... FROM (VALUES %s) when given.
    """
    if not rows:
        return
    # The driver's own errors, turned into peewee's as every other query's are, so that `retrying` knows a
    # deadlock or a busy database here too.
    with peewee.__exception_wrapper__:
        _bulk(sql, rows, pg)


def _bulk(sql: str, rows: list[tuple], pg: str | None) -> None:
    if not is_postgres():
        db.cursor().executemany(sql, rows)
        return
    from psycopg2.extras import execute_batch, execute_values

    with db.cursor() as cur:
        if pg is not None:
            execute_values(cur, pg, rows, page_size=1000)
        elif sql.lstrip().upper().startswith("INSERT") and " VALUES " in sql:
            head, template = sql.split(" VALUES ", 1)
            execute_values(cur, head + " VALUES %s", rows, template=template.replace("?", "%s"), page_size=1000)
        else:
            execute_batch(cur, sql.replace("?", "%s"), rows, page_size=1000)


def bulk_columns(sql: str, columns: list, pg: str) -> None:
    """Many rows given as columns (lists or numpy arrays of equal length), in one statement on PostgreSQL.

    SQLite runs `sql` ('?' placeholders) once per row, inside the driver. PostgreSQL runs `pg` once, each column
    one array parameter: write it with `unnest(%s::bigint[], %s::text[], ...)`. The arrays go as array literals,
    which the server parses in C; psycopg2's own ARRAY[...] costs a parsed expression per element (6x slower at
    10,000 rows).
    """
    columns = [c.tolist() if hasattr(c, "tolist") else list(c) for c in columns]
    if not columns or not columns[0]:
        return
    with peewee.__exception_wrapper__:
        if is_postgres():
            with db.cursor() as cur:
                cur.execute(pg, [_pg_array(c) for c in columns])
        else:
            db.cursor().executemany(sql, zip(*columns))


def _pg_array(values: list) -> str:
    if all(type(v) is int for v in values):
        return "{" + ",".join(map(str, values)) + "}"

    def one(v) -> str:
        if v is None:
            return "NULL"
        if isinstance(v, bool):
            return "t" if v else "f"
        text = str(v)
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    return "{" + ",".join(map(one, values)) + "}"


def _is_busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text or "deadlock" in text or "could not serialize" in text


def reconnect(deadline: float) -> None:
    """A new connection once the server answers again; DatabaseUnavailable at the deadline."""
    delay = 0.1
    _txn.reconnecting = True
    try:
        while True:
            db.obj._state.reset()  # the old connection is dead: drop it, transaction state and all
            try:
                db.connect()  # refused while the server is down or still starting up
                return
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                if time.monotonic() + delay > deadline:
                    raise DatabaseUnavailable("the database cannot be reached, so nothing was saved: try again in a "
                                              "moment (" + _first_line(exc) + ")") from exc
                _announce("database unavailable, retrying")
                time.sleep(delay)  # a server restart takes seconds: knock gently until it answers
                delay = min(delay * 2, 2.0)
    finally:
        _txn.reconnecting = False


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _commit_outcome(xid: int | None, deadline: float) -> str | None:
    """'committed' or 'aborted' as the server tells it for the transaction whose COMMIT was lost; None unknown."""
    if xid is None:
        return None
    while True:
        status = db.execute_sql("SELECT txid_status(%s)", (xid,)).fetchone()[0]
        if status != "in progress" or time.monotonic() > deadline:
            return status if status in ("committed", "aborted") else None
        time.sleep(0.05)  # the dropped backend is still finishing its transaction


def retrying(fn, *args, attempts: int = 6, replay_safe: bool = False, **kwargs):
    """Run a whole write transaction again when the database says it is busy, picked us as deadlock victim, or
    lost the connection before the COMMIT was sent (the server rolled it back: nothing of it was kept).

    A connection lost after the COMMIT was sent is checked with the server first: run again only when it did not
    commit, or when the call is `replay_safe` (it carries a request id, so a second run answers "already
    recorded" instead of doing it twice); otherwise CommitInDoubt says it was saved, or that it cannot be told.
    """
    delay = 0.05
    busy = 0
    deadline = None
    # Called inside someone else's transaction, a lost connection took that one's work too: only the outermost
    # caller may start again.
    outermost = db.obj is None or db.transaction_depth() == 0
    while True:
        _txn.committing, _txn.xid = False, None
        try:
            result = fn(*args, **kwargs)
            if deadline is not None or busy:
                _announce(None)
            return result
        except (peewee.OperationalError, peewee.InterfaceError, peewee.InternalError) as exc:
            if is_postgres() and connection_lost(exc) and outermost:
                committing, xid = _txn.committing, getattr(_txn, "xid", None)
                deadline = deadline or time.monotonic() + RECONNECT_S
                _announce("database unavailable, retrying")
                try:
                    reconnect(deadline)
                except DatabaseUnavailable:
                    if committing:  # the COMMIT went out and the server never came back to say how it ended
                        raise CommitInDoubt("the database went away while saving and has not come back, so "
                                            "whether it was saved cannot be told: look it up before doing it "
                                            "again") from exc
                    raise
                if committing:
                    outcome = _commit_outcome(xid, deadline)
                    if outcome == "committed" and not replay_safe:
                        raise CommitInDoubt(
                            "it was saved, but the connection to the database dropped before the answer came "
                            "back: look it up before doing it again") from exc
                    if outcome is None:
                        raise CommitInDoubt(
                            "the connection to the database dropped while saving, and whether it was saved "
                            "cannot be told: look it up before doing it again") from exc
                continue
            if not _is_busy(exc) or busy == attempts - 1:
                if _is_busy(exc):
                    raise BusyError("the database is busy with another terminal, so nothing was saved: try again "
                                    "in a moment") from exc
                raise
            busy += 1
            if busy == 2:
                _announce("database busy, retrying")
            if is_postgres():
                db.rollback() if db.in_transaction() else None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
