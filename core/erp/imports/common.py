"""What every import shares: strict CSV reading, cell parsers, and errors that name file, line and column."""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import UserInputError
from core.qty import QtyError, parse_qty
from core.site.actor import Actor

IMPORTER = Actor("import", "admin", None)  # who an import's movements, audit rows and tasks are written by

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_CELL = 4000
MAX_QTY = 10**11 * 1000  # thousandths: SYSPRO's QtyIssued has at most 11 digits before the point


class CellError(ValueError):
    """A bad cell; the reader adds file, line and column."""


@dataclass
class Problem:
    line: int
    column: str | None
    message: str

    def __post_init__(self):
        # Messages quote the file's cells: a line break, an escape sequence that would clear the terminal or a
        # right-to-left override in a cell is shown as such, never obeyed by the screen that shows the error.
        self.message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self.message)


class ImportFileError(UserInputError):
    """A file that imports nothing: every problem found, the first one in the message."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        first = problems[0]
        where = f"{path}, line {first.line}" + (f", column {first.column}" if first.column else "")
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        super().__init__(f"{where}: {first.message}{more}. Nothing was imported: fix the file and import it again.")

    def lines(self) -> list[str]:
        return [f"{self.path}, line {p.line}" + (f", column {p.column}" if p.column else "") + f": {p.message}"
                for p in self.problems]


@dataclass
class ImportResult:
    kind: str
    path: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line of counts, then each note (what the file carried that was not used) on a line of its own."""
        head = (f"{self.kind}: {self.rows} row(s) read from {self.path}: {self.created} new, {self.updated} changed, "
                f"{self.unchanged} unchanged")
        return "\n".join([head, *(f"  {note}" for note in self.notes)])


def read_text(path: str) -> str:
    p = Path(path)
    if not p.is_file():
        raise ImportFileError(path, [Problem(0, None, "no such file")])
    raw = p.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError(path, [Problem(0, None, f"the file is larger than {MAX_FILE_BYTES // 2**20} MiB")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(path, [Problem(line, None, "the file is not UTF-8: save it as UTF-8")]) from None


def read_csv(path: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (line number, {column: stripped text}). The header must name exactly `columns`, in any order."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(path, [Problem(1, None, f"the file is empty: it needs the header {','.join(columns)}")])
    except csv.Error as exc:
        raise ImportFileError(path, [Problem(1, None, f"cannot read the header: {exc}")]) from None
    header = [h.strip() for h in header]
    problems = []
    extra = [h for h in header if h not in columns]
    missing = [c for c in columns if c not in header]
    if extra:
        problems.append(Problem(1, extra[0], f"unknown column '{extra[0]}': the columns are {','.join(columns)}"))
    if missing:
        problems.append(Problem(1, missing[0], f"missing column '{missing[0]}'"))
    if len(set(header)) != len(header):
        problems.append(Problem(1, None, "a column is named twice"))
    if problems:
        raise ImportFileError(path, problems)
    rows = []
    last = reader.line_num
    try:
        for cells in reader:
            # A quoted cell may hold line breaks: a row is named by the line it starts on, not the one it ends on.
            line, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                problems.append(Problem(line, None, f"{len(cells)} cells where the header has {len(header)}"))
                continue
            long = next((h for h, c in zip(header, cells) if len(c) > MAX_CELL), None)
            if long:
                problems.append(Problem(line, long, f"the cell is longer than {MAX_CELL} characters"))
                continue
            rows.append((line, {h: c.strip() for h, c in zip(header, cells)}))
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, f"broken CSV: {exc}"))
    if problems:
        raise ImportFileError(path, problems)
    return rows


class RowChecker:
    """Collects problems cell by cell so a file reports every bad cell, not just the first."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def cell(self, line: int, column: str | None, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (CellError, QtyError) as exc:
            self.problems.append(Problem(line, column, str(exc)))
            return None

    def add(self, line: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(line, column, message))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ImportFileError(self.path, self.problems[:50])


def yes_no(text: str, default: bool | None = False) -> bool:
    t = text.strip().upper()
    if t == "" and default is not None:
        return default
    if t in ("Y", "N"):
        return t == "Y"
    raise CellError(f"'{text}' is not Y or N")


def date_or_none(text: str, required: bool = False) -> dt.date | None:
    if not text.strip():
        if required:
            raise CellError("a date is required here (YYYY-MM-DD)")
        return None
    try:
        if len(text.strip()) != 10:
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CellError(f"'{text}' is not a date: use YYYY-MM-DD") from None


def whole(text: str, *, required: bool = False, minimum: int | None = 0, default: int | None = None) -> int | None:
    t = text.strip()
    if not t:
        if required:
            raise CellError("a whole number is required here")
        return default
    if not (t.isdigit() or (t.startswith("-") and t[1:].isdigit())) or len(t) > 9:
        raise CellError(f"'{text}' is not a whole number")
    value = int(t)
    if minimum is not None and value < minimum:
        raise CellError(f"{value} is below {minimum}")
    return value


def qty(text: str, *, required: bool = True, positive: bool = False) -> int | None:
    if not text.strip():
        if required:
            raise CellError("a quantity is required here")
        return None
    value = parse_qty(text)
    if value >= MAX_QTY:
        raise CellError(f"'{text}' has more than 11 digits before the point: a SYSPRO posting holds no more")
    if positive and value <= 0:
        raise CellError(f"'{text}' must be above zero")
    return value


def code(text: str, what: str, max_len: int = 30) -> str:
    t = text.strip()
    if not t:
        raise CellError(f"the {what} is blank")
    if len(t) > max_len:
        raise CellError(f"the {what} '{t[:40]}' is longer than {max_len} characters")
    if any(ord(c) < 32 for c in t):
        raise CellError(f"the {what} has a control character")
    return t
