"""Property-based fuzzing of core.gs1.scan.parse_scan beyond the unit tests' own fuzz (tests/core/test_scan.py).

Three properties, each over thousands of inputs:
- whatever the text (any code point, control characters, lone surrogates, 100 000 characters), the answer is a
  Scan or a ScanError with a message, quickly;
- every label this app prints scans back to exactly what it was printed with, in every form a scanner or a
  person sends it (symbology prefix or none, GS or brackets, trailing CR/LF/Tab, a GS1 Digital Link URI);
- a damaged barcode (a character dropped, doubled, changed, cut short) is refused or read as something whose
  keys still carry valid check digits: a mis-scan never yields a wrong SSCC or GTIN.
"""
import datetime as dt
import re
import string
import time
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.gs1 import keys as gs1
from core.gs1.scan import GS, TRACK_ID_PATTERN, Scan, ScanError, parse_scan

KINDS = {"track_id", "sscc", "gtin", "location", "text"}
LOCATIONS = frozenset({"A-01-01", "KB-CLIP", "WIP-BAKERY", "D-DRUM-01", "QC-HOLD"})
FUZZ = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _answer(text: str, **kwargs):
    """parse_scan's answer, with the contract checked: a Scan for this text, or a ScanError with a message."""
    try:
        scan = parse_scan(text, **kwargs)
    except ScanError as exc:
        assert isinstance(exc.message, str) and exc.message.strip()
        assert "Traceback" not in exc.message
        return exc
    assert isinstance(scan, Scan) and scan.raw == text and scan.kind in KINDS
    if scan.sscc is not None:
        assert len(scan.sscc) == 18 and scan.sscc.isdigit() and gs1.has_valid_check_digit(scan.sscc)
    if scan.gtin is not None:
        assert len(scan.gtin) == 14 and scan.gtin.isdigit() and gs1.has_valid_check_digit(scan.gtin)
    if scan.kind == "track_id":
        assert scan.track_id and scan.track_id.strip() == scan.track_id
    if scan.kind == "location":
        assert scan.location in kwargs.get("locations", ())
    return scan


# --- anything at all ------------------------------------------------------------------------------------------

ANY_CHAR = st.characters(codec=None, categories=None)  # every category, surrogates and controls included


@FUZZ
@given(st.text(alphabet=ANY_CHAR, max_size=300))
def test_any_text_is_a_scan_or_a_scan_error(text):
    _answer(text, locations=LOCATIONS)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(["0", "(01)", GS, "]C1", "1" * 17, "(", "T", "\t", "a"]), st.integers(10_000, 100_000))
def test_a_very_long_scan_is_answered_quickly(piece, times):
    started = time.perf_counter()
    _answer(piece * (times // len(piece)), locations=LOCATIONS)
    assert time.perf_counter() - started < 2.0


# --- labels this app prints scan back to what was printed -------------------------------------------------------

LOTS = st.text(alphabet=sorted(gs1.CSET82 - set("()")), min_size=1, max_size=20)
DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2049, 12, 31))


@st.composite
def gtins(draw):
    body = draw(st.text(alphabet=string.digits, min_size=12, max_size=12))
    return gs1.normalize_gtin(body + str(gs1.check_digit(body)))


@st.composite
def ssccs(draw):
    return gs1.sscc(draw(st.integers(0, 9)), "9501101", draw(st.integers(0, 10**9 - 1)))


@st.composite
def label_barcodes(draw):
    """(AI, value) pairs of a barcode as the label code builds one, with the fields each should scan back to."""
    kind = draw(st.sampled_from(["pallet-sscc", "pallet-contents", "carton", "product", "weighed"]))
    lot, gtin = draw(LOTS), draw(gtins())
    if kind == "pallet-sscc":
        sscc = draw(ssccs())
        return [("00", sscc)], {"kind": "sscc", "sscc": sscc}
    if kind == "pallet-contents":
        count = draw(st.integers(1, 99_999_999))
        return ([("02", gtin), ("37", count), ("10", lot)],
                {"kind": "gtin", "gtin": gtin, "count": count, "lot": lot})
    if kind == "carton":
        return [("01", gtin), ("10", lot)], {"kind": "gtin", "gtin": gtin, "lot": lot}
    if kind == "weighed":
        milli = draw(st.integers(1, 999_999))
        return ([("01", gtin), gs1.weight_ai("310", milli), ("10", lot)],
                {"kind": "gtin", "gtin": gtin, "net_kg_milli": milli, "lot": lot})
    expiry = draw(DATES)
    return ([("01", gtin), ("10", lot), ("17", expiry)],
            {"kind": "gtin", "gtin": gtin, "lot": lot, "expiry": expiry})


def _digital_link(es: gs1.ElementString) -> list[str]:
    """The same data as a GS1 Digital Link URI (GS1 Digital Link Standard, URI syntax): the primary key and its
    qualifier in the path, the other AIs in the query, every value percent-encoded; written here from the
    standard, not with the parser under test. Only a barcode with a primary key, (00) or (01), has one."""
    pairs = dict(es.pairs)
    key = next((ai for ai in ("00", "01") if ai in pairs), None)
    if key is None:
        return []
    path = f"/{key}/{pairs[key]}"
    if key == "01" and "10" in pairs:
        path += f"/10/{quote(pairs['10'], safe='')}"
    query = "&".join(f"{ai}={quote(value, safe='')}" for ai, value in es.pairs
                     if ai != key and not (key == "01" and ai == "10"))
    return [f"https://labels.example.com/p{path}" + (f"?{query}" if query else "")]


def _forms(es: gs1.ElementString, prefix: str, suffix: str) -> list[str]:
    """The ways a scanner or a person sends one barcode."""
    return [prefix + es.raw(GS) + suffix, es.human + suffix, prefix + GS + es.raw(GS) + GS + suffix,
            *(uri + suffix for uri in _digital_link(es))]


@FUZZ
@given(label_barcodes(), st.sampled_from(["", "]C1", "]d2", "]Q3"]), st.sampled_from(["", "\r", "\n", "\r\n", "\t"]))
def test_every_label_scans_back_to_what_was_printed(barcode, prefix, suffix):
    pairs, expect = barcode
    es = gs1.element_string(pairs)
    for text in _forms(es, prefix, suffix):
        scan = _answer(text, locations=LOCATIONS)
        assert isinstance(scan, Scan), (text, scan)
        for field, value in expect.items():
            assert getattr(scan, field) == value, (text, field)


@FUZZ
@given(st.text(alphabet=string.digits, min_size=6, max_size=12), st.sampled_from(["", "]A0", "]C0", "]Q1"]),
       st.sampled_from(["", " ", "\r\n", "\t"]))
def test_trackids_and_locations_are_what_they_are(digits, prefix, blanks):
    scan = _answer(f"{blanks}{prefix}T{digits}{blanks}", locations=LOCATIONS)
    assert isinstance(scan, Scan) and scan.kind == "track_id" and scan.track_id == f"T{digits}"
    for code in LOCATIONS:
        found = _answer(f"{prefix}{code}{blanks}", locations=LOCATIONS)
        assert isinstance(found, Scan) and found.kind == "location" and found.location == code


# --- damaged barcodes never yield a wrong key -----------------------------------------------------------------

@st.composite
def damaged(draw):
    pairs, _ = draw(label_barcodes())
    text = gs1.element_string(pairs).raw(GS)
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["drop", "double", "change", "cut", "insert-gs"]))
        if how == "drop" and where < len(text):
            text = text[:where] + text[where + 1:]
        elif how == "double" and where < len(text):
            text = text[:where] + text[where] + text[where:]
        elif how == "change" and where < len(text):
            text = text[:where] + draw(st.sampled_from(string.digits + "A(" + GS)) + text[where + 1:]
        elif how == "cut":
            text = text[:where]
        else:
            text = text[:where] + GS + text[where:]
    return draw(st.sampled_from(["", "]C1"])) + text


@FUZZ
@given(damaged())
def test_a_damaged_barcode_is_refused_or_still_carries_valid_keys(text):
    _answer(text, locations=LOCATIONS)


@FUZZ
@given(st.sampled_from(["https://id.gs1.org/01/", "https://x.example/00/", "HTTP://a/b/01/", "]Q1https://id.gs1.org/"]),
       st.text(alphabet=string.printable + "%/?&=é", max_size=80))
def test_any_digital_link_is_a_scan_or_a_scan_error(head, tail):
    _answer(head + tail, locations=LOCATIONS)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=string.digits + "T-AZ", max_size=14),
       st.sampled_from([TRACK_ID_PATTERN, r"^[A-Z]{2}\d{4,}$", r"^T\d{7}$"]))
def test_site_trackid_patterns(text, pattern):
    scan = _answer(text, locations=LOCATIONS, track_id_pattern=pattern)
    if isinstance(scan, Scan) and scan.kind == "track_id":
        assert re.match(pattern, scan.track_id, re.ASCII)
