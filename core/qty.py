"""Exact quantities: integer thousandths of the item's unit of measure, end to end.

Floats never touch a quantity: parsing goes through text, sums are integer sums.
"""
from __future__ import annotations

import re

SCALE = 1000
_QTY = re.compile(r"^(-?)(\d+)(?:\.(\d{1,3}))?$")


class QtyError(ValueError):
    """A quantity that cannot be taken as exact thousandths."""


def parse_qty(text: str, *, allow_negative: bool = False) -> int:
    """'25.5' -> 25500. Refuses more than 3 decimals, exponents, commas and blanks."""
    s = (text or "").strip()
    m = _QTY.match(s)
    if not m:
        raise QtyError(f"'{text}' is not a quantity: use digits with '.' and at most 3 decimals, e.g. 25.500")
    sign, whole, frac = m.groups()
    value = int(whole) * SCALE + int((frac or "").ljust(3, "0") or 0)
    if sign:
        value = -value
    if value < 0 and not allow_negative:
        raise QtyError(f"'{text}' is negative: a quantity here must be zero or more")
    return value


def fmt_qty(milli: int) -> str:
    """25500 -> '25.500' (always 3 decimals, as the interchange files and JSON want)."""
    sign = "-" if milli < 0 else ""
    whole, frac = divmod(abs(int(milli)), SCALE)
    return f"{sign}{whole}.{frac:03d}"


def fmt_short(milli: int) -> str:
    """For screens: 25500 -> '25.5', 25000 -> '25'."""
    text = fmt_qty(milli).rstrip("0").rstrip(".")
    return text if text not in ("", "-") else "0"


def parse_pct(text: str) -> int:
    """Percent with up to 3 decimals, as thousandths of a percent: '0.5' -> 500."""
    return parse_qty(text)


def mul_qty(a_milli: int, b_milli: int) -> int:
    """Product of two thousandth quantities, rounded half away from zero to thousandths."""
    prod = a_milli * b_milli
    q, r = divmod(abs(prod), SCALE)
    if r * 2 >= SCALE:
        q += 1
    return q if prod >= 0 else -q
