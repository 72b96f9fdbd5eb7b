"""GS1 keys and element strings: check digits, GTIN, SSCC and the AIs the job labels use.

Everything here is strict: a value that a scanner or a customer's receiving system would reject is refused
when the label is built, with a message that names the AI and what is wrong, rather than printed.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from core.gs1 import rules

GS = "\x1d"

#: GS1 General Specifications figure 7.11-1: the 82 characters allowed in alphanumeric AI values.
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)

#: AIs whose length is predefined by their first two digits (GS1 General Specifications figure 7.8.5-2):
#: only these may be followed by another AI without an FNC1 separator.
PREDEFINED_LENGTH = {
    "00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8, "13": 8, "14": 8, "15": 8,
    "16": 8, "17": 8, "18": 8, "19": 8, "20": 4, "31": 10, "32": 10, "33": 10, "34": 10, "35": 10,
    "36": 10, "41": 16,
}

GS1_128_MAX_DATA = 48


class GS1Error(ValueError):
    """A GS1 key or AI value that must not go on a label."""


@dataclass(frozen=True)
class AISpec:
    ai: str
    title: str
    kind: str  # "N" digits only, "X" GS1 character set 82, "date" YYMMDD, "key" digits with a check digit
    min_len: int
    max_len: int

    @property
    def predefined_length(self) -> bool:
        return self.ai[:2] in PREDEFINED_LENGTH


_SPECS = {
    "00": AISpec("00", "SSCC", "key", 18, 18),
    "01": AISpec("01", "GTIN", "key", 14, 14),
    "02": AISpec("02", "CONTENT", "key", 14, 14),
    "10": AISpec("10", "BATCH/LOT", "X", 1, 20),
    "11": AISpec("11", "PROD DATE", "date", 6, 6),
    "17": AISpec("17", "USE BY OR EXPIRY", "date", 6, 6),
    "21": AISpec("21", "SERIAL", "X", 1, 20),
    "37": AISpec("37", "COUNT", "N", 1, 8),
    "400": AISpec("400", "ORDER NUMBER", "X", 1, 30),
}
for _n in range(6):
    _SPECS[f"310{_n}"] = AISpec(f"310{_n}", "NET WEIGHT (kg)", "N", 6, 6)
    _SPECS[f"330{_n}"] = AISpec(f"330{_n}", "GROSS WEIGHT (kg)", "N", 6, 6)


def ai_spec(ai: str) -> AISpec:
    try:
        return _SPECS[ai]
    except KeyError:
        raise GS1Error(f"AI ({ai}) is not one this app puts on labels") from None


# --- check digits and keys -------------------------------------------------------------------------------


def check_digit(data: str) -> int:
    """The GS1 mod-10 check digit for `data` (the key without its check digit)."""
    if not data or not data.isdigit() or not data.isascii():
        raise GS1Error(f"{data!r}: a GS1 key is made of digits only")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(data)))
    return (10 - total % 10) % 10


def has_valid_check_digit(key: str) -> bool:
    if len(key) < 2 or not key.isdigit() or not key.isascii():
        return False
    return check_digit(key[:-1]) == int(key[-1])


def normalize_gtin(gtin: str | int) -> str:
    """A GTIN-8, -12, -13 or -14 as the 14-digit form used in AI (01) and (02)."""
    text = str(gtin).strip()
    if not text.isdigit() or not text.isascii():
        raise GS1Error(f"GTIN {text!r} must be digits only")
    if len(text) not in (8, 12, 13, 14):
        raise GS1Error(f"GTIN {text!r} has {len(text)} digits; a GTIN has 8, 12, 13 or 14")
    if not has_valid_check_digit(text):
        raise GS1Error(f"GTIN {text} has a wrong check digit (expected {check_digit(text[:-1])})")
    return text.zfill(14)


def is_valid_gtin(gtin: str | int) -> bool:
    try:
        normalize_gtin(gtin)
    except GS1Error:
        return False
    return True


def sscc(extension: int, company_prefix: str, serial: int) -> str:
    """The 18-digit SSCC: extension digit, company prefix, serial reference padded to fill 17 digits, check.

    The serial reference gets whatever the prefix leaves of the 16 digits, so a longer prefix means fewer
    serials; running out is an error rather than a silent wrap-around, since an SSCC must never repeat.
    """
    if not isinstance(extension, int) or not 0 <= extension <= 9:
        raise GS1Error(f"SSCC extension digit must be 0-9, not {extension!r}")
    prefix = str(company_prefix).strip()
    if not prefix.isdigit() or not prefix.isascii() or not 4 <= len(prefix) <= 12:
        raise GS1Error(f"GS1 company prefix {prefix!r} must be 4 to 12 digits")
    room = 16 - len(prefix)
    if not isinstance(serial, int) or serial < 0:
        raise GS1Error(f"SSCC serial must be a whole number from 0, not {serial!r}")
    if serial >= 10**room:
        raise GS1Error(
            f"SSCC serial {serial} does not fit the {room} digits company prefix {prefix} leaves: "
            "the SSCC range of this prefix is used up"
        )
    data = f"{extension}{prefix}{serial:0{room}d}"
    return data + str(check_digit(data))


def validate_sscc(value: str) -> str:
    text = str(value).strip()
    if len(text) != 18 or not text.isdigit() or not text.isascii():
        raise GS1Error(f"SSCC {text!r} must be exactly 18 digits")
    if not has_valid_check_digit(text):
        raise GS1Error(f"SSCC {text} has a wrong check digit (expected {check_digit(text[:-1])})")
    return text


# --- AI values -------------------------------------------------------------------------------------------


def yymmdd(value: _dt.date | str) -> str:
    """A GS1 date field. A string may use day 00 (GS1's 'end of that month')."""
    if isinstance(value, _dt.datetime):
        raise GS1Error("a GS1 date takes a date, not a date and time")
    if isinstance(value, _dt.date):
        return value.strftime("%y%m%d")
    text = str(value)
    if not re.fullmatch(r"\d{6}", text):
        raise GS1Error(f"date {text!r} must be YYMMDD")
    year, month, day = 2000 + int(text[:2]), int(text[2:4]), int(text[4:])
    if not 1 <= month <= 12:
        raise GS1Error(f"date {text}: month {month:02d} does not exist")
    if day:
        try:
            _dt.date(year, month, day)
        except ValueError:
            raise GS1Error(f"date {text}: day {day:02d} does not exist in that month") from None
    return text


def check_cset82(value: str, what: str = "value") -> str:
    bad = sorted({c for c in value if c not in CSET82})
    if bad:
        shown = " ".join(repr(c) for c in bad)
        raise GS1Error(f"{what} {value!r} has characters a GS1 barcode cannot carry: {shown}")
    return value


def weight_ai(family: str, thousandths: int) -> tuple[str, str]:
    """(310n) net or (330n) gross kg from an app quantity in thousandths, with the most decimals that fit."""
    if family not in ("310", "330"):
        raise GS1Error(f"AI family {family} is not a kg weight (310n net, 330n gross)")
    if not isinstance(thousandths, int) or thousandths < 0:
        raise GS1Error(f"weight must be a whole number of grams from 0, not {thousandths!r}")
    value, decimals = thousandths, 3
    while value > 999_999:
        if decimals == 0 or value % 10:
            kg = Decimal(thousandths).scaleb(-3)
            raise GS1Error(f"weight {kg} kg does not fit the 6 digits of AI ({family}n) exactly")
        value, decimals = value // 10, decimals - 1
    return f"{family}{decimals}", f"{value:06d}"


def format_value(ai: str, value: object) -> str:
    """The AI's value as it goes into the element string, validated."""
    spec = ai_spec(ai)
    label = f"AI ({ai}) {spec.title}"
    if spec.kind == "date":
        return yymmdd(value)  # type: ignore[arg-type]
    if ai == "00":
        return validate_sscc(str(value))
    if ai in ("01", "02"):
        try:
            return normalize_gtin(value)  # type: ignore[arg-type]
        except GS1Error as exc:
            raise GS1Error(f"{label}: {exc}") from None
    if spec.kind == "N":
        if isinstance(value, bool):
            raise GS1Error(f"{label}: {value!r} is not a number")
        if isinstance(value, int):
            if value < 0:
                raise GS1Error(f"{label}: {value} is negative")
            text = f"{value:0{spec.min_len}d}"
        else:
            text = str(value)
        if not text.isdigit() or not text.isascii():
            raise GS1Error(f"{label}: {text!r} must be digits only")
        if not spec.min_len <= len(text) <= spec.max_len:
            size = spec.max_len if spec.min_len == spec.max_len else f"1 to {spec.max_len}"
            raise GS1Error(f"{label}: {text!r} must be {size} digits")
        return text
    text = str(value)
    if not spec.min_len <= len(text) <= spec.max_len:
        raise GS1Error(f"{label}: {text!r} is {len(text)} characters; at most {spec.max_len} fit")
    return check_cset82(text, label)


# --- element strings -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Element:
    ai: str
    value: str

    @property
    def predefined_length(self) -> bool:
        return self.ai[:2] in PREDEFINED_LENGTH


@dataclass(frozen=True)
class ElementString:
    """Validated AI/value pairs, in the order given, with every way the app needs to write them."""

    elements: tuple[Element, ...]

    @property
    def pairs(self) -> tuple[tuple[str, str], ...]:
        """What the label model's GS1 barcodes take: the renderer adds FNC1 where GS1 needs it."""
        return tuple((e.ai, e.value) for e in self.elements)

    @property
    def human(self) -> str:
        """The human-readable interpretation printed under the barcode: (00)...(02)..."""
        return "".join(f"({e.ai}){e.value}" for e in self.elements)

    def raw(self, separator: str = GS) -> str:
        """As a scanner transmits it: FNC1 shown as `separator` after every variable-length field but the last."""
        out = []
        for i, e in enumerate(self.elements):
            out.append(e.ai + e.value)
            if not e.predefined_length and i < len(self.elements) - 1:
                out.append(separator)
        return "".join(out)

    @property
    def data_length(self) -> int:
        """Data characters as GS1 counts them against a symbol's limit: AIs, values and FNC1 separators."""
        return len(self.raw())

    def get(self, ai: str) -> str | None:
        return next((e.value for e in self.elements if e.ai == ai), None)

    def check_gs1_128(self) -> ElementString:
        if self.data_length > GS1_128_MAX_DATA:
            raise GS1Error(
                f"{self.human} is {self.data_length} data characters; one GS1-128 barcode holds at most "
                f"{GS1_128_MAX_DATA}"
            )
        return self


def element_string(pairs: Iterable[tuple[str, object]]) -> ElementString:
    """Build and check an element string from (AI, value) pairs.

    Values: SSCC as 18 digits; GTINs as any GTIN length (padded to 14); dates as `datetime.date`; counts as int;
    weights as (AI "310n"/"330n", the 6 raw digits or an int), see `weight_ai` to convert thousandths.
    """
    elements = tuple(Element(ai, format_value(ai, value)) for ai, value in pairs)
    if not elements:
        raise GS1Error("an element string needs at least one AI")
    seen = [e.ai for e in elements]
    dupes = sorted({ai for ai in seen if seen.count(ai) > 1})
    if dupes:
        raise GS1Error(f"AI ({dupes[0]}) appears twice")
    for family in ("310", "330"):
        if sum(1 for ai in seen if ai.startswith(family)) > 1:
            raise GS1Error(f"AI ({family}n) appears twice")
    try:
        rules.check_pairs(seen)  # a pair GS1 forbids on a label is wrong in any one of its barcodes too
    except rules.PairingError as exc:
        raise GS1Error(str(exc)) from None
    return ElementString(elements)


def check_label(barcodes: Iterable[Iterable[tuple[str, object]]]) -> None:
    """GS1's pairing rules over every barcode of one label together (General Specifications 4.14): a label may
    split its data over several barcodes (the lot in a symbol of its own, the SSCC at the bottom), and the rules
    hold for what the label carries as a whole. Raises GS1Error naming the pair."""
    ais = [ai for pairs in barcodes for ai, _ in pairs]
    try:
        rules.check(ais, elsewhere=frozenset())
    except rules.PairingError as exc:
        raise GS1Error(str(exc)) from None
