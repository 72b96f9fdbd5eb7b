"""One place that turns what a scanner (or a person) typed into a `Scan`.

Inputs seen on the floor:

- a GS1 barcode from a scanner, optionally with a symbology prefix (`]C1` GS1-128,
  `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]e0` DataBar, `]J1` DotCode) and GS (0x1D)
  standing in for FNC1 between fields;
- the same element string typed by a person in the bracketed form printed under the
  bars: `(01)09501101530003(10)LOT1`;
- a GS1 Digital Link URI from a QR code or DataMatrix (`https://any.domain/01/.../10/...?17=...`, with or
  without a `]Q1`/`]d1` prefix): the same element string, read by biip's own Digital Link parser;
- an EAN-13/EAN-8/ITF-14 product barcode (`]E0`, `]E4`, `]I1`): a bare GTIN;
- anything else: a TrackID, a location code, or free text (an item code or lot the
  screen will look up).

`parse_scan` returns a `Scan` or raises `ScanError` with a message meant for the
person holding the scanner. It never raises anything else, whatever the text. Every
GS1 scan is held to GS1's pairing rules (core.gs1.rules): a barcode that breaks them
is refused, naming the pair.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from core.gs1 import rules

if TYPE_CHECKING:
    from biip.gs1_element_strings import GS1ElementString
    from biip.symbology import GS1Symbology

GS = "\x1d"
TRACK_ID_PATTERN = r"^T\d{6,}$"

Kind = Literal["track_id", "sscc", "gtin", "location", "text"]

RETRY = "scan it again or type the TrackID"
CHECK_DIGIT_MESSAGE = f"That barcode's check digit is wrong: {RETRY}"

# Prefixes are "]" + code letter + one modifier (ISO/IEC 15424). Scanners can be set
# to send them or not, so their absence must never be an error.
_PREFIX = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_HRI_START = re.compile(r"\(\d{2,4}\)")
_HRI_AI = re.compile(r"\((\d{2,4})\)")
# A scanner without prefixes still sends an SSCC or GTIN element string; these are
# unmistakable enough (a key AI followed by its full-length digits) to be read as GS1.
_BARE_GS1 = re.compile(r"00\d{18}|0[12]\d{14}")
# Python's isspace() counts FS/GS/RS/US as whitespace; GS is data here, so trim only
# real blanks (scanners often append CR, LF or Tab).
_EDGE_BLANKS = re.compile(r"^[^\S\x1c-\x1f]+|[^\S\x1c-\x1f]+$")



@lru_cache(maxsize=1)
def _biip():
    """biip, imported at the first GS1 barcode: it loads GS1's prefix tables (about 20 MB), which a session that
    only ever sees TrackIDs, locations and item codes never needs (one process per terminal, 50 terminals)."""
    import biip
    from biip._parser import ParseConfig
    from biip.gs1_application_identifiers import GS1ApplicationIdentifier
    from biip.gs1_digital_link_uris import GS1DigitalLinkURI
    from biip.gs1_element_strings import GS1ElementString
    from biip.gtin import Gtin
    from biip.symbology import GS1Symbology

    return SimpleNamespace(
        ParseError=biip.ParseError, GS1ApplicationIdentifier=GS1ApplicationIdentifier,
        GS1DigitalLinkURI=GS1DigitalLinkURI,
        GS1ElementString=GS1ElementString, Gtin=Gtin, GS1Symbology=GS1Symbology,
        config=ParseConfig(separator_chars=(GS,)),
        message_symbologies=frozenset(GS1Symbology.with_gs1_messages()),
        # Product-barcode symbologies and the data lengths they carry. E3 (with add-on) is
        # left out: its add-on digits are glued on with nothing to mark the join.
        gtin_symbologies={GS1Symbology.EAN_13: (12, 13), GS1Symbology.EAN_8: (8,), GS1Symbology.ITF_14: (14,)},
    )

_YYMMDD_AIS = frozenset({"11", "12", "13", "15", "16", "17"})


_FIELD_NAMES = {
    "00": "pallet number (SSCC)",
    "01": "product number (GTIN)",
    "02": "contents product number (GTIN)",
    "10": "lot",
    "11": "production date",
    "17": "expiry date",
    "21": "serial number",
    "37": "count",
    "310": "net weight",
    "330": "gross weight",
    "400": "order number",
}

# A Digital Link is an http(s) URI; the scheme is case-insensitive (RFC 3986 3.1).
_URI = re.compile(r"https?://", re.IGNORECASE)
# The primary keys a Digital Link path starts with (GS1 Digital Link Standard, URI syntax).
_DL_KEY = re.compile(r"/(00|01|253|255|401|402|414|415|417|8003|8004|8006|8010|8013|8017|8018)/[^/?#]")
BROKEN_LABEL = "the label is wrong: type the TrackID instead, and tell your supervisor"


class ScanError(Exception):
    """A scan that must not be used; `message` is written for the floor user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Scan:
    """What one scan (or one typed entry) said.

    kind "sscc" wins over "gtin" when a barcode carries both; `gtin` comes from (01)
    or, on a logistic label, from (02) with `count` from (37). `location` and `text`
    hold the entry (prefix and blanks removed) for those kinds. `other` keeps GS1
    fields jobfloor has no slot for, as (AI, value) pairs, so nothing is lost.
    """

    kind: Kind
    raw: str
    track_id: str | None = None
    sscc: str | None = None
    gtin: str | None = None
    lot: str | None = None
    expiry: date | None = None
    production: date | None = None
    serial: str | None = None
    count: int | None = None
    net_kg_milli: int | None = None
    gross_kg_milli: int | None = None
    po: str | None = None
    location: str | None = None
    text: str | None = None
    other: tuple[tuple[str, str], ...] = ()


def parse_scan(
    text: str,
    *,
    locations: Collection[str] = frozenset(),
    track_id_pattern: str | re.Pattern[str] = TRACK_ID_PATTERN,
) -> Scan:
    """Classify and parse one scan; raise ScanError for anything unusable."""
    # Outside the try: a broken site pattern is a setup error, not a bad scan.
    track_id = _compile(track_id_pattern)
    try:
        return _parse(text, locations, track_id)
    except ScanError:
        raise
    except Exception as exc:
        # biip is third-party code fed arbitrary text: a surprise from it must reach
        # the user as a rescan prompt, not as a crash of the screen.
        raise ScanError(f"That barcode could not be read: {RETRY}") from exc


def sscc_of(text: str) -> str | None:
    """The SSCC in `text`, in any form a person sees or scans; None when it is not one.

    18 digits (as the Labels screen shows it, in groups or not), `00` and the 18 digits, the bracketed form under
    the barcode (`(00) 0 9501101 000000001 7`), a scanner's `]C1` string, or a Digital Link with `/00/`. The check
    digit must be right in every form.
    """
    t = _EDGE_BLANKS.sub("", text or "")
    digits = t.replace(" ", "")
    if len(digits) == 18 and digits.isascii() and digits.isdigit():
        return digits if _valid_check_digit(digits) else None
    try:
        return parse_scan(t).sscc
    except ScanError:
        return None


def _valid_check_digit(key: str) -> bool:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(key[:-1])))
    return (10 - total % 10) % 10 == int(key[-1])


@lru_cache(maxsize=16)
def _compile(pattern: str | re.Pattern[str]) -> re.Pattern[str]:
    if isinstance(pattern, re.Pattern):
        return pattern
    # ASCII so that \d does not accept other scripts' digits as a TrackID.
    return re.compile(pattern, re.ASCII)


def _parse(raw: str, locations: Collection[str], track_id: re.Pattern[str]) -> Scan:
    s = _EDGE_BLANKS.sub("", raw)
    if not s.strip(GS):
        raise ScanError("Nothing was scanned: scan the barcode or type the TrackID")

    if _PREFIX.match(s):
        data = s[3:]
        if _URI.match(data):
            return _digital_link(raw, data)
        symbology = _gs1_symbology(s[1:3])
        if symbology in _biip().message_symbologies:
            return _from_elements(raw, _split_element_string(data))
        if symbology in _biip().gtin_symbologies:
            return _bare_gtin(raw, data, _biip().gtin_symbologies[symbology])
        # Any other symbology carries plain text (Code 39 TrackIDs, QR bin labels...).
        return _plain(raw, data, locations, track_id)

    if _URI.match(s):
        return _digital_link(raw, s)
    if GS in s or _HRI_START.match(s):
        elements = _split_hri(s) if _HRI_START.match(s) else _split_element_string(s)
        return _from_elements(raw, elements)
    plain = _plain(raw, s, locations, track_id)
    if plain.kind == "text" and _BARE_GS1.match(s):
        return _from_elements(raw, _split_element_string(s))
    return plain


def _digital_link(raw: str, uri: str) -> Scan:
    """A GS1 Digital Link URI (GS1 Digital Link Standard: URI Syntax): any domain, the key and its qualifiers in
    the path, other AIs in the query. It means the same element string, so it is held to the same rules."""
    _check_charset(uri, also="")
    path = urlsplit(uri).path
    if path.endswith("/") or "//" in path:
        # an empty segment where a value belongs: biip would read "/01/" as GTIN 00000000000000
        raise ScanError(f"That Digital Link has an empty field: {RETRY}")
    try:
        link = _biip().GS1DigitalLinkURI.parse(uri, config=_biip().config)
    except _biip().ParseError:
        if _DL_KEY.search(uri):
            raise ScanError(f"That Digital Link has a field that is not valid (a wrong date or length, or characters"
                            f" that do not belong): {RETRY}") from None
        raise ScanError(f"That code is a web address, not a GS1 Digital Link jobfloor can read: {RETRY}") from None
    return _from_elements(raw, list(link.element_strings))


def _gs1_symbology(code: str) -> GS1Symbology | None:
    try:
        return _biip().GS1Symbology(code)
    except ValueError:
        return None


def _plain(raw: str, s: str, locations: Collection[str], track_id: re.Pattern[str]) -> Scan:
    s = _EDGE_BLANKS.sub("", s)
    if not s:
        raise ScanError("Nothing was scanned: scan the barcode or type the TrackID")
    if s in locations:
        return Scan(kind="location", raw=raw, location=s)
    if track_id.fullmatch(s):
        return Scan(kind="track_id", raw=raw, track_id=s)
    return Scan(kind="text", raw=raw, text=s)


def _bare_gtin(raw: str, data: str, lengths: tuple[int, ...]) -> Scan:
    if not (data.isascii() and data.isdigit() and len(data) in lengths):
        raise ScanError(f"That product barcode has the wrong number of digits: {RETRY}")
    try:
        _biip().Gtin.parse(data)
    except _biip().ParseError:
        raise ScanError(CHECK_DIGIT_MESSAGE) from None
    return Scan(kind="gtin", raw=raw, gtin=data.zfill(14))


def _field_name(ai: str) -> str:
    return _FIELD_NAMES.get(ai, _FIELD_NAMES.get(ai[:3], f"({ai}) field"))


def _check_charset(data: str, *, also: str = GS) -> None:
    # GS1 data is printable ASCII; biip's \d would let other scripts' digits through.
    if any(not (" " < ch < "\x7f" or ch in also) for ch in data):
        raise ScanError(f"That barcode has characters a GS1 barcode cannot hold: {RETRY}")


def _element(chunk: str, *, full: bool) -> GS1ElementString:
    """One element string from the start of `chunk` (all of it when `full`)."""
    try:
        ai = _biip().GS1ApplicationIdentifier.extract(chunk)
    except _biip().ParseError:
        shown = chunk[:6].replace(GS, "")
        raise ScanError(
            f"That barcode has a part jobfloor does not recognise ('{shown}'): {RETRY}"
        ) from None
    try:
        if full:
            return _biip().GS1ElementString.parse(chunk, config=_biip().config)
        return _biip().GS1ElementString.extract(chunk, config=_biip().config)
    except _biip().ParseError:
        field = chunk.split(GS, 1)[0]
        name = _field_name(ai.ai)
        matcher = re.fullmatch if full else re.match
        six_digits = matcher(r"[0-9]{6}", field[len(ai) :])
        if (ai.ai in _YYMMDD_AIS and six_digits) or matcher(ai.pattern.removesuffix("$"), field):
            # The shape was right, so what failed is the calendar (month 13, 30 Feb).
            raise ScanError(f"That barcode's {name} is not a real date: {RETRY}") from None
        raise ScanError(
            f"That barcode's {name} is cut short or has characters that do not belong: {RETRY}"
        ) from None


def _split_element_string(data: str) -> list[GS1ElementString]:
    _check_charset(data)
    rest = data.strip(GS)
    if not rest:
        raise ScanError(f"That barcode is empty: {RETRY}")
    elements = []
    while rest:
        element = _element(rest, full=False)
        elements.append(element)
        # A separator after a fixed-length field is allowed (GS1 General Specs 7.8.6).
        rest = rest[len(element) :].lstrip(GS)
    return elements


def _split_hri(s: str) -> list[GS1ElementString]:
    # People type "(01) 0950..." with spaces; blanks inside a field still fail below.
    _check_charset(s, also=" ")
    # re.split with one group yields ['', ai, data, ai, data, ...]; an AI followed
    # directly by another AI leaves an empty data part, which must not be skipped.
    parts = _HRI_AI.split(s)
    elements = []
    for ai, data in zip(parts[1::2], parts[2::2]):
        data = data.strip()
        if data.replace(" ", "").isdigit():
            # A number printed in groups for reading, "(00) 0 9501101 000000001 7": GS1 data never holds a
            # blank, so the groups are one field. A blank inside a lot stays an error.
            data = data.replace(" ", "")
        if not data:
            raise ScanError(f"The ({ai}) field is empty: type it again or scan the barcode")
        element = _element(ai + data, full=True)
        if element.ai.ai != ai:
            raise ScanError(
                f"({ai}) is not a code jobfloor recognises: type it again or scan the barcode"
            )
        elements.append(element)
    return elements


def _weight_milli(ai: str, digits: str) -> int:
    decimals = int(ai[3])
    value = int(digits)
    if decimals <= 3:
        return value * 10 ** (3 - decimals)
    grams, finer = divmod(value, 10 ** (decimals - 3))
    if finer:
        # Quantities are exact thousandths end to end; rounding would change the label.
        raise ScanError(
            f"That barcode's {_field_name(ai)} is finer than a gram, which jobfloor cannot"
            " store: type the TrackID or weigh it"
        )
    return grams


def _from_elements(raw: str, elements: list[GS1ElementString]) -> Scan:
    by_ai: dict[str, str] = {}
    for element in elements:
        ai, value = element.ai.ai, element.value
        seen = by_ai.get(ai)
        if seen is not None and seen != value:
            raise ScanError(f"That barcode holds two different {_field_name(ai)}s: {RETRY}")
        by_ai[ai] = value
        if element.gtin_error or element.sscc_error:
            raise ScanError(CHECK_DIGIT_MESSAGE)

    for family in ("310", "330"):
        variants = [ai for ai in by_ai if ai[:3] == family]
        if len(variants) > 1:
            raise ScanError(f"That barcode holds two different {_field_name(family)}s: {RETRY}")
    try:
        rules.check_pairs(by_ai)
    except rules.PairingError as exc:
        raise ScanError(f"That barcode breaks a GS1 rule, {exc}; {BROKEN_LABEL}") from None

    dates = {e.ai.ai: e.date for e in elements if e.date is not None}
    fields: dict[str, object] = {}
    other = []
    for ai, value in by_ai.items():
        if ai == "00":
            fields["sscc"] = value
        elif ai in ("01", "02"):
            fields["gtin"] = value
        elif ai == "10":
            fields["lot"] = value
        elif ai == "11":
            fields["production"] = dates[ai]
        elif ai == "17":
            fields["expiry"] = dates[ai]
        elif ai == "21":
            fields["serial"] = value
        elif ai == "37":
            fields["count"] = int(value)
        elif ai[:3] == "310":
            fields["net_kg_milli"] = _weight_milli(ai, value)
        elif ai[:3] == "330":
            fields["gross_kg_milli"] = _weight_milli(ai, value)
        elif ai == "400":
            fields["po"] = value
        else:
            other.append((ai, value))

    if "sscc" in fields:
        kind: Kind = "sscc"
    elif "gtin" in fields:
        kind = "gtin"
    else:
        # A lot or date alone cannot be tied to anything on a single-scan screen.
        raise ScanError(
            "That barcode has no product or pallet number: scan the other barcode"
            " on the label or type the TrackID"
        )
    try:
        rules.check_associations(by_ai)
    except rules.PairingError as exc:
        raise ScanError(f"That barcode breaks a GS1 rule, {exc}; {BROKEN_LABEL}") from None
    return Scan(kind=kind, raw=raw, other=tuple(other), **fields)  # type: ignore[arg-type]
