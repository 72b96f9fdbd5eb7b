"""Which GS1 Application Identifiers may, and must, go together: the one home of the pairing rules.

Source: GS1 General Specifications (Release 24.0), section 4.14 "Rules for combinations of GS1 Application
Identifiers": 4.14.1 "Invalid pairs of element strings" and 4.14.2 "Mandatory associations of element strings",
taken here as GS1 publishes them in machine-readable form, the `ex=` and `req=` attributes of the GS1 Barcode
Syntax Dictionary. The table below is that data, row for row; nothing else in jobfloor decides a pairing.

GS1 states both rules over all the barcodes on one item. jobfloor checks them on what it sees: the barcodes of
one label it builds, and one scan at a scan prompt. One association cannot be seen in one barcode: a GS1
logistic label gives the SSCC (00) a barcode of its own (GS1 Logistic Label Guideline), so an association that
(00) would satisfy (the count (37) of a pallet's contents barcode, say) is taken as met by that barcode.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

SOURCE = "GS1 General Specifications 4.14.1 (invalid pairs) and 4.14.2 (mandatory associations)"
#: What a separate barcode on the same label carries (see the module's docstring).
CARRIED_APART = frozenset({"00"})

_ANY_KEY = ("01", "02", "8006", "8026")  # the trade item keys most attributes need
_MEASURE_TRADE = ("01", "02")
_MEASURE_LOGISTIC = ("00", "01")
_PRICE_BASE = ("30", "31nn", "32nn", "35nn", "36nn")

# (AI or range "first-last", mandatory associations, invalid pairs). Each association is a tuple of
# alternatives, one of which must be present; an AI may need several associations. An "n" in an AI stands for
# any digit ("310n" is 3100-3109, "31nn" 3100-3199).
RULES: tuple[tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]], ...] = (
    ("01", (), ("02", "255", "37")),
    ("02", (("37",),), ()),
    ("10", (_ANY_KEY,), ()),
    ("11", (_ANY_KEY,), ()),
    ("12", (("8020",),), ()),
    ("13", (_ANY_KEY,), ()),
    ("15", (_ANY_KEY,), ()),
    ("16", (_ANY_KEY,), ()),
    ("17", (("01", "02", "255", "8006", "8026"),), ()),
    ("20", (_ANY_KEY,), ()),
    ("21", (("01", "8006"),), ("235",)),
    ("22", (("01",),), ()),
    ("235", (("01",),), ()),
    ("240", (_ANY_KEY,), ()),
    ("241", (_ANY_KEY,), ()),
    ("242", (_ANY_KEY,), ()),
    ("243", (("01",),), ()),
    ("250", (("01", "8006"), ("21",)), ()),
    ("251", (("01", "8006"),), ()),
    ("254", (("414",),), ()),
    ("255", (), ("01", "02", "415", "8006", "8020", "8026")),
    ("30", (_MEASURE_TRADE,), ()),
    *((f"3{k}0-3{k}5", (_MEASURE_TRADE,), (f"3{k}n",)) for k in ("10", "11", "12", "13", "14", "15", "16")),
    *((f"3{k}0-3{k}5", (_MEASURE_TRADE,), (f"3{k}n",)) for k in ("20", "21", "22", "23", "24", "25", "26", "27",
                                                                 "28", "29")),
    *((f"3{k}0-3{k}5", (_MEASURE_LOGISTIC,), (f"3{k}n",)) for k in ("30", "31", "32", "33", "34", "35", "36")),
    ("3370-3375", (("01",),), ("337n",)),
    *((f"3{k}0-3{k}5", (_MEASURE_LOGISTIC,), (f"3{k}n",)) for k in ("40", "41", "42", "43", "44", "45", "46", "47",
                                                                    "48", "49")),
    *((f"3{k}0-3{k}5", (_MEASURE_TRADE,), (f"3{k}n",)) for k in ("50", "51", "52")),
    *((f"3{k}0-3{k}5", (_MEASURE_LOGISTIC,), (f"3{k}n",)) for k in ("53", "54", "55")),
    *((f"3{k}0-3{k}5", (_MEASURE_TRADE,), (f"3{k}n",)) for k in ("56", "57", "60", "61")),
    *((f"3{k}0-3{k}5", (_MEASURE_LOGISTIC,), (f"3{k}n",)) for k in ("62", "63")),
    *((f"3{k}0-3{k}5", (_MEASURE_TRADE,), (f"3{k}n",)) for k in ("64", "65", "66")),
    *((f"3{k}0-3{k}5", (_MEASURE_LOGISTIC,), (f"3{k}n",)) for k in ("67", "68", "69")),
    ("37", (("00",), ("02", "8026")), ()),
    ("3900-3909", (("255", "8020"),), ("390n", "391n", "394n", "8111")),
    ("3910-3919", (("8020",),), ("391n",)),
    ("3920-3929", (("01",), _PRICE_BASE), ("392n", "393n")),
    ("3930-3939", (_PRICE_BASE,), ("393n",)),
    ("3940-3943", (("255",),), ("394n", "8111")),
    ("3950-3955", (_PRICE_BASE,), ("392n", "393n", "395n", "8005")),
    ("403", (("00",),), ()),
    ("415", (("8020",),), ()),
    ("420", (), ("421",)),
    ("421", (), ("4307",)),
    ("422", (_ANY_KEY,), ("426",)),
    ("423", (_MEASURE_TRADE,), ("426",)),
    ("424", (_MEASURE_TRADE,), ("426",)),
    ("425", (_MEASURE_TRADE,), ("426",)),
    ("426", (_MEASURE_TRADE,), ()),
    ("427", (_MEASURE_TRADE, ("422",)), ()),
    ("4300-4302", (("00",),), ()),
    ("4303", (("4302",),), ()),
    ("4304-4312", (("00",),), ()),
    ("4313", (("4312",),), ()),
    ("4314-4326", (("00",),), ()),
    ("4330", (("00",),), ("4331",)),
    ("4331", (("00",),), ("4330",)),
    ("4332", (("00",),), ("4333",)),
    ("4333", (("00",),), ("4332",)),
    ("7001", (_ANY_KEY,), ()),
    ("7002-7003", (_MEASURE_TRADE,), ()),
    ("7004", (("01",), ("10",)), ()),
    ("7005-7011", (_MEASURE_TRADE,), ()),
    ("7020", (("01", "8006"), ("416",)), ()),
    ("7021", (("01", "8006"),), ()),
    ("7022", (("7021",),), ()),
    ("7030-7039", (_MEASURE_TRADE,), ()),
    ("710-715", (("01",),), ()),
    ("7230-7239", (("01", "8004"),), ()),
    ("7240", (("01", "8006"),), ()),
    ("7241-7242", (("8017", "8018"),), ()),
    ("8001", (("01",),), ()),
    ("8005", (_MEASURE_TRADE,), ()),
    ("8006", (), ("01", "37")),
    ("8007", (("415",),), ()),
    ("8008", (_MEASURE_TRADE,), ()),
    ("8009", (_MEASURE_LOGISTIC,), ()),
    ("8011", (("8010",),), ()),
    ("8012", (("01", "8006"),), ()),
    ("8017", (), ("8018",)),
    ("8018", (), ("8017",)),
    ("8019", (("8017", "8018"),), ()),
    ("8020", (("415",),), ()),
    ("8026", (("37",),), ("02", "8006")),
    ("8030", (("00", "01", "253", "255", "8003", "8004", "8006", "8010", "8017", "8018"),), ()),
    ("8111", (("255",),), ()),
    ("8200", (("01",),), ()),
)


class PairingError(ValueError):
    """An element string GS1 forbids; the message names the pair, e.g. "(02) needs (37) on the same label"."""


def _expand(spec: str) -> list[str]:
    if "-" not in spec:
        return [spec]
    first, last = spec.split("-")
    return [str(n).zfill(len(first)) for n in range(int(first), int(last) + 1)]


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]]:
    table = {}
    for spec, needs, excludes in RULES:
        for ai in _expand(spec):
            table[ai] = (needs, excludes)
    return table


@lru_cache(maxsize=512)
def _matches(pattern: str, ai: str) -> bool:
    return len(pattern) == len(ai) and re.fullmatch(pattern.replace("n", r"\d"), ai) is not None


def _names(alternatives: Iterable[str]) -> str:
    shown = [f"({a})" for a in alternatives]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def check_pairs(ais: Iterable[str]) -> None:
    """Raise PairingError for the first pair of `ais` GS1 forbids on one label (4.14.1)."""
    present = list(dict.fromkeys(ais))
    table = _table()
    for ai in present:
        _, excludes = table.get(ai, ((), ()))
        for other in present:
            # an AI does not exclude itself through its own pattern (3101 with 310n)
            if other != ai and any(_matches(p, other) for p in excludes):
                raise PairingError(f"({ai}) and ({other}) must not be on the same label")


def check_associations(ais: Iterable[str], *, elsewhere: frozenset[str] = CARRIED_APART) -> None:
    """Raise PairingError for the first AI of `ais` that lacks an AI GS1 requires with it (4.14.2).

    `elsewhere`: AIs another barcode of the same label carries, which count for the associations they satisfy.
    """
    present = list(dict.fromkeys(ais))
    table = _table()
    for ai in present:
        needs, _ = table.get(ai, ((), ()))
        for alternatives in needs:
            if not any(_matches(p, other) for p in alternatives for other in (*present, *elsewhere)):
                raise PairingError(f"({ai}) needs {_names(alternatives)} on the same label")


def check(ais: Iterable[str], *, elsewhere: frozenset[str] = CARRIED_APART) -> None:
    """Both rules over one barcode's AIs: the invalid pairs first, then the mandatory associations."""
    present = list(ais)
    check_pairs(present)
    check_associations(present, elsewhere=elsewhere)
