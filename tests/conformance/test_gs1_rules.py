"""GS1 General Specifications, section 4.14 "Rules for combinations of GS1 Application Identifiers".

4.14.1 lists the invalid pairs of element strings, 4.14.2 the mandatory associations; GS1 publishes both as the
`ex=` and `req=` attributes of its Barcode Syntax Dictionary. core.gs1.rules holds them as one table; these tests
take rows of the standard's tables and check that a scan prompt and the label builder both apply them, naming
the pair.
"""
import pytest

from core.gs1 import keys, rules
from core.gs1.scan import ScanError, parse_scan

GTIN = "09501101530003"
CONTENT = "19501101530000"
SSCC = keys.sscc(3, "9501101", 1)
GLN = "9501101000005"  # a GLN with a valid check digit, for (414)/(415)


def _refusal(text: str) -> str:
    with pytest.raises(ScanError) as err:
        parse_scan(text)
    return err.value.message


# 4.14.1 Invalid pairs of element strings: rows of the standard's table, both ways round.
@pytest.mark.parametrize("first,second", [
    ("01", "02"), ("01", "255"), ("01", "37"), ("02", "8026"), ("8006", "01"), ("8006", "37"), ("21", "235"),
    ("255", "415"), ("255", "8020"), ("420", "421"), ("421", "4307"), ("422", "426"), ("423", "426"),
    ("8017", "8018"), ("4330", "4331"), ("4332", "4333"), ("3900", "3910"), ("3940", "8111"), ("3950", "8005"),
    ("3101", "3103"), ("3302", "3305"),
])
def test_invalid_pairs(first, second):
    for a, b in ((first, second), (second, first)):
        with pytest.raises(rules.PairingError, match=rf"\({a}\) and \({b}\) must not be on the same label"
                                                     rf"|\({b}\) and \({a}\) must not be on the same label"):
            rules.check_pairs([a, b])


# 4.14.2 Mandatory associations: the AI, and what must go with it.
@pytest.mark.parametrize("ai,present,needs", [
    ("02", [], "(37)"),
    ("10", [], "(01), (02), (8006) or (8026)"),
    ("17", [], "(01), (02), (255), (8006) or (8026)"),
    ("21", [], "(01) or (8006)"),
    ("22", [], "(01)"),
    ("250", ["01"], "(21)"),
    ("254", [], "(414)"),
    ("37", ["00"], "(02) or (8026)"),
    ("3103", [], "(01) or (02)"),
    ("3920", ["02", "37", "00", "30"], "(01)"),
    ("427", ["01"], "(422)"),
    ("4303", ["00"], "(4302)"),
    ("7004", ["01"], "(10)"),
    ("7022", [], "(7021)"),
    ("8007", [], "(415)"),
    ("8011", [], "(8010)"),
    ("8019", [], "(8017) or (8018)"),
    ("8020", [], "(415)"),
    ("8026", [], "(37)"),
    ("8111", [], "(255)"),
])
def test_mandatory_associations(ai, present, needs):
    with pytest.raises(rules.PairingError, match=rf"^\({ai}\) needs {needs.replace('(', '[(]').replace(')', '[)]')}"
                                                 " on the same label$"):
        rules.check_associations([*present, ai], elsewhere=frozenset())


def test_associations_met_pass():
    for ais in (["01", "10", "17", "21"], ["02", "37", "10"], ["00", "02", "37"], ["01", "21", "250"],
                ["414", "254"], ["415", "8020"], ["01", "10", "7004"], ["8017", "8019"], ["255", "3900"]):
        rules.check(ais)


def test_the_sscc_barcode_beside_counts_for_the_associations_it_meets():
    """A GS1 logistic label gives (00) a barcode of its own; the contents barcode (02)(37)(10) is complete."""
    rules.check(["02", "37", "10"])
    with pytest.raises(rules.PairingError, match=r"\(37\) needs \(00\)"):
        rules.check(["02", "37", "10"], elsewhere=frozenset())


def test_every_ai_in_the_table_is_a_gs1_ai():
    from biip.gs1_application_identifiers import _GS1_APPLICATION_IDENTIFIERS as known

    for ai in rules._table():
        assert ai in known, ai


@pytest.mark.parametrize("text,pair", [
    (f"]C101{GTIN}02{CONTENT}", "(01) and (02) must not be on the same label"),
    (f"(01){GTIN}(37)10", "(01) and (37) must not be on the same label"),
    (f"]d201{GTIN}21S1\x1d235TPX1", "(21) and (235) must not be on the same label"),
    (f"(02){CONTENT}(10)L1", "(02) needs (37) on the same label"),
    (f"]C101{GTIN}250X", "(250) needs (21) on the same label"),
    (f"https://id.gs1.org/01/{GTIN}?02={CONTENT}&37=5", "must not be on the same label"),
])
def test_a_scan_prompt_refuses_naming_the_pair(text, pair):
    message = _refusal(text)
    assert pair in message and "tell your supervisor" in message


def test_the_label_builder_refuses_the_same_pairs():
    """One barcode never holds an invalid pair; the barcodes of one label together hold every association."""
    with pytest.raises(keys.GS1Error, match=r"\(01\) and \(02\) must not be on the same label"):
        keys.element_string([("01", GTIN), ("02", CONTENT)])
    with pytest.raises(keys.GS1Error, match=r"\(02\) needs \(37\) on the same label"):
        keys.check_label([[("02", CONTENT), ("10", "L1")], [("00", SSCC)]])
    keys.check_label([[("02", CONTENT), ("37", 12)], [("10", "L1")], [("00", SSCC)]])
