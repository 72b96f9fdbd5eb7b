"""SYSPRO's value shapes as its exports write them (docs/interchange.md, "jobs.xml").

WipMaster and WipJobAllMat keep quantities as decimal(18,6) and dates as SQL Server datetimes, and an export writes
them as they are: `500.000000`, `2026-12-21T00:00:00.000`, line `01`. jobfloor keeps quantities in thousandths
(core.qty), so a quantity is read exactly into millionths first and a requirement that needs more than three
decimals is rounded up to the next thousandth: rounding never short-issues a job.
"""
from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction

from core.erp.imports.common import CellError

MICRO = 1_000_000
#: decimal(18,6): at most 12 digits before the point.
MAX_WHOLE_DIGITS = 12
_DECIMAL = re.compile(r"^(-?)(\d+)(?:\.(\d*))?$")
# date, then optionally a time as SQL Server writes datetime and datetime2: 'T' or a space, seconds and fractions
# optional (datetime has 3 decimals, datetime2 up to 7).
_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$")


def micro(text: str) -> int:
    """'0.000450' -> 450 (millionths), exactly; refuses more than 6 decimals, signs, exponents and commas."""
    t = text.strip()
    m = _DECIMAL.match(t)
    if not m or m.group(1):
        shown = f"'{text}' is negative" if m else f"'{text}' is not a number"
        raise CellError(f"{shown}: give a quantity of zero or more, with '.' and at most 6 decimals")
    whole, frac = m.group(2), (m.group(3) or "").rstrip("0")
    if len(frac) > 6:
        raise CellError(f"'{text}' has more than 6 decimals: SYSPRO keeps 6")
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS:
        raise CellError(f"'{text}' has more than {MAX_WHOLE_DIGITS} digits before the point: SYSPRO keeps "
                        "decimal(18,6)")
    return int(whole) * MICRO + int(frac.ljust(6, "0") or 0)


def milli_up(value: Fraction | int) -> int:
    """A quantity in millionths (or an exact fraction of units times MICRO) as thousandths, rounded up."""
    return -(-Fraction(value) // 1000)


def whole_number(text: str, *, minimum: int | None = 0) -> int:
    """A whole number as SYSPRO may write it: `01`, `12`, or `12.000000`; nothing after the point but zeros."""
    t = text.strip()
    m = _DECIMAL.match(t)
    if not m or (m.group(3) or "").strip("0") or len(m.group(2)) > 9:
        raise CellError(f"'{text}' is not a whole number")
    value = int(m.group(2)) * (-1 if m.group(1) else 1)
    if minimum is not None and value < minimum:
        raise CellError(f"{value} is below {minimum}")
    return value


def date(text: str) -> dt.date:
    """`2026-12-21`, or a SQL Server datetime `2026-12-21T00:00:00`, `2026-12-21 00:00:00.000`: the date part."""
    t = text.strip()
    m = _DATETIME.match(t)
    try:
        if not m:
            raise ValueError
        day = dt.date.fromisoformat(m.group(1))
        hh, mm, ss = (int(g) if g else 0 for g in m.group(2, 3, 4))
        dt.time(hh, mm, ss)  # a time that cannot exist says the cell is not what it seems
        return day
    except ValueError:
        raise CellError(f"'{text}' is not a date: use YYYY-MM-DD (a time after it, as SYSPRO writes it, is "
                        "allowed)") from None


def yes_no(text: str) -> bool:
    t = text.strip().upper()
    if t in ("", "N"):
        return False
    if t == "Y":
        return True
    raise CellError(f"'{text}' is not Y or N")


#: SYSPRO keeps a job number as 15 characters, a numeric one zero-padded on the left (000000000012345), and its
#: exports write it so; people say and type the short form.
JOB_DIGITS = 15


def padded_job(number: str) -> str | None:
    """'12345' -> '000000000012345'; None when there is nothing to pad (not all digits, or already 15 long)."""
    text = number.strip()
    if text.isascii() and text.isdigit() and len(text) < JOB_DIGITS:
        return text.zfill(JOB_DIGITS)
    return None
