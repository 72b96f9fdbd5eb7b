"""GS1 Digital Link Standard: URI Syntax (release 1.4), read at every scan prompt as its element string.

A Digital Link URI may use any domain and a path prefix; the primary key and its qualifiers come in the path in
the standard's order, other AIs in the query string, values percent-encoded (section 4). jobfloor reads it with
biip's own Digital Link parser and holds the result to the same rules as a GS1-128 scan.
"""
import datetime as dt

import pytest

from core.gs1.scan import ScanError, parse_scan

GTIN = "09506000134352"  # the standard's example GTIN


@pytest.mark.parametrize("uri,fields", [
    # the standard's examples: a GTIN alone; with batch and serial; with the expiry as a query AI
    (f"https://id.gs1.org/01/{GTIN}", {"gtin": GTIN}),
    (f"https://example.com/01/{GTIN}/10/ABC1/21/12345?17=180426",
     {"gtin": GTIN, "lot": "ABC1", "serial": "12345", "expiry": dt.date(2018, 4, 26)}),
    # a GTIN-13 in the path is the same GTIN, padded to 14 digits
    ("https://id.gs1.org/01/9506000134352", {"gtin": GTIN}),
    # any domain and a path prefix of the brand's own
    (f"https://brand.example.com/products/foods/01/{GTIN}/10/L2611-01", {"gtin": GTIN, "lot": "L2611-01"}),
    # a value with a reserved character is percent-encoded
    (f"https://id.gs1.org/01/{GTIN}/10/AB%2F12%26", {"gtin": GTIN, "lot": "AB/12&"}),
    # query parameters that are not AIs are left alone
    (f"https://id.gs1.org/01/{GTIN}?linkType=gs1:pip&17=271231", {"gtin": GTIN, "expiry": dt.date(2027, 12, 31)}),
    # a logistic unit: the SSCC in the path, its contents as query AIs
    ("https://id.gs1.org/00/106141412345678908?02=00614141123452&37=25&10=ABC123",
     {"kind": "sscc", "sscc": "106141412345678908", "gtin": "00614141123452", "count": 25, "lot": "ABC123"}),
])
def test_the_standards_examples_read_as_their_element_strings(uri, fields):
    scan = parse_scan(uri)
    for name, value in fields.items():
        assert getattr(scan, name) == value, name


def test_the_same_data_scanned_either_way_is_the_same_scan():
    linked = parse_scan(f"]Q1https://id.gs1.org/01/{GTIN}/10/L1?17=271231")
    printed = parse_scan(f"]C101{GTIN}17271231" + "10L1")
    assert (linked.kind, linked.gtin, linked.lot, linked.expiry) == (printed.kind, printed.gtin, printed.lot,
                                                                    printed.expiry)


@pytest.mark.parametrize("uri", [
    f"https://id.gs1.org/01/{GTIN}/21/12345/10/ABC1",  # qualifiers out of the standard's order (22, 10, 21)
    f"https://id.gs1.org/01/{GTIN[:-1]}5",  # a wrong check digit
    "https://id.gs1.org/01/",  # a key without its value
    f"https://id.gs1.org/01/{GTIN}/10/",  # an empty qualifier
    "https://example.com/about-us",  # a web address with no GS1 key in it
])
def test_what_is_not_a_valid_digital_link_is_refused(uri):
    with pytest.raises(ScanError):
        parse_scan(uri)


def test_only_http_and_https_are_digital_links():
    assert parse_scan(f"ftp://id.gs1.org/01/{GTIN}").kind == "text"
