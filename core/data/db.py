"""The database, chosen at run time: SQLite for one site PC, PostgreSQL for many terminals.

Every model binds to the one proxy here; `connect(url)` points it at a real database.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee

db = peewee.DatabaseProxy()


class DatabaseUrlError(ValueError):
    pass


class BusyError(RuntimeError):
    """Another terminal held the lock for longer than we are willing to wait."""


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
        return peewee.SqliteDatabase(
            path,
            pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15000, "synchronous": "normal"},
            timeout=15,
        )
    if parsed.scheme in ("postgresql", "postgres"):
        if not parsed.path.strip("/"):
            raise DatabaseUrlError("postgresql URL needs a database name: postgresql://user@host:5432/dbname")
        return peewee.PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=unquote(parsed.username or "") or None,
            password=unquote(parsed.password or "") or None,
            host=parsed.hostname or None,
            port=parsed.port or None,
        )
    raise DatabaseUrlError(f"unknown database URL '{url}': use sqlite:///path.db or postgresql://user@host/dbname")


def connect(url: str) -> peewee.Database:
    database = make_database(url)
    db.initialize(database)
    database.connect(reuse_if_open=True)
    return database


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
                db.execute_sql("NOTIFY jobfloor")
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


def retrying(fn, *args, attempts: int = 6, **kwargs):
    """Run a whole write transaction again when the database says it is busy or picked us as deadlock victim."""
    delay = 0.05
    for attempt in range(attempts):
        try:
            return fn(*args, **kwargs)
        except (peewee.OperationalError, peewee.InternalError) as exc:
            if not _is_busy(exc) or attempt == attempts - 1:
                if _is_busy(exc):
                    raise BusyError("the database is busy with another terminal: try again in a moment") from exc
                raise
            if is_postgres():
                db.rollback() if db.in_transaction() else None
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
