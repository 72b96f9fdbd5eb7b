"""Many new rows in one statement: COPY on PostgreSQL, executemany on SQLite.

For the big writes (an import's 100,000 opening units and their ledger rows): no model objects and no SQL text
per row. `sql` is an `INSERT INTO table (columns) VALUES (?, ...)` that names every column; rows are tuples in
that order. The caller's transaction holds it all.
"""
from __future__ import annotations

import datetime as dt
import io

import peewee

from core.data.db import db, is_postgres

_PAGE = 20_000


def insert_rows(sql: str, rows: list[tuple]) -> None:
    if not rows:
        return
    with peewee.__exception_wrapper__:  # the driver's errors as peewee's, like every other query's
        if not is_postgres():
            db.cursor().executemany(sql, rows)
            return
        # COPY takes the same table and columns; it is several times faster than a multi-row INSERT, which
        # psycopg2 must render row by row in Python.
        head, _values = sql.split(" VALUES ", 1)
        copy = "COPY" + head[len("INSERT INTO"):] + " FROM STDIN"
        for k in range(0, len(rows), _PAGE):
            text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in rows[k:k + _PAGE])
            db.cursor().copy_expert(copy, io.StringIO(text))


def _copy_text(value) -> str:
    """One value in COPY's text format: NULL as \\N; backslash, tab and line breaks escaped."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text
