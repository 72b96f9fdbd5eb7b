"""Counting what a piece of code sends to the database: statements, and on PostgreSQL round trips.

    from bench.statements import StatementCounter
    counter = StatementCounter.install()     # after core.data.db.connect
    with counter.counting():
        confirm_pick(...)
    counter.statements

SQLite: every statement the connection runs, BEGIN and COMMIT included (sqlite3's trace callback); each is a
call into the library, not a network round trip. PostgreSQL: every statement a cursor executes; peewee keeps the
connection in autocommit mode and sends BEGIN and COMMIT through a cursor itself, so each counted statement is
one round trip to the server.
"""
from __future__ import annotations

from contextlib import contextmanager


class StatementCounter:
    def __init__(self):
        self.statements = 0
        self.on = False

    @contextmanager
    def counting(self):
        self.on = True
        try:
            yield self
        finally:
            self.on = False

    @classmethod
    def install(cls) -> StatementCounter:
        from core.data.db import db, is_postgres

        counter = cls()
        database = db.obj
        if not is_postgres():
            def traced(_sql):
                if counter.on:
                    counter.statements += 1

            database.connection().set_trace_callback(traced)
            return counter
        import psycopg2.extensions

        class Counted(psycopg2.extensions.cursor):
            def execute(self, query, vars=None):  # noqa: A002 (psycopg2's own name)
                if counter.on:
                    counter.statements += 1
                return super().execute(query, vars)

        database.connect_params["cursor_factory"] = Counted
        if not database.is_closed():
            database.close()
        database.connect()
        return counter
