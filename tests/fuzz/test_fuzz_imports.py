"""Property-based fuzzing of every import: items, locations, stock (CSV) and jobs (XML).

For any file (rows near the real thing with cells broken, random structure, random bytes, other encodings,
huge cells, XML with entity expansion, external entities, DTDs):
- the import returns, or raises ImportFileError and nothing else;
- a refusal names the file and a line (and for CSV a column when one cell is to blame), in one sentence a
  planner can act on;
- a refused file changes nothing: every table's rows and the stock balances are as they were.
They run on SQLite and PostgreSQL over the demo site.
"""
import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data.models import ALL_MODELS, StockUnit
from core.erp.imports import ImportFileError, run_import
from core.erp.imports.common import MAX_CELL
from core.erp.imports.items import COLUMNS as ITEM_COLUMNS
from core.erp.imports.locations import COLUMNS as LOCATION_COLUMNS
from core.erp.imports.stock import COLUMNS as STOCK_COLUMNS

pytestmark = pytest.mark.slow
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


def _fingerprint() -> tuple:
    from peewee import fn

    counts = tuple(m.select().count() for m in ALL_MODELS)
    return counts, StockUnit.select(fn.SUM(StockUnit.on_hand)).scalar()


_seq = iter(range(10**9))


def _import(kind: str, folder: Path, data: bytes):
    """Import `data` as a file of `kind`; check the contract; say whether it imported."""
    path = folder / f"fuzz-{next(_seq)}.{'xml' if kind == 'jobs' else 'csv'}"
    path.write_bytes(data)
    before = _fingerprint()
    try:
        run_import(kind, str(path))
    except ImportFileError as exc:
        text = str(exc)
        assert text.startswith(f"{path}, line "), text
        assert "Nothing was imported" in text
        assert "Traceback" not in text and "\n" not in text.split(". Nothing")[0]
        for problem in exc.problems:
            assert problem.message and (problem.line >= 1 or "no such file" in problem.message), problem
        assert _fingerprint() == before  # nothing partly imported
        return False
    finally:
        path.unlink()
    return True


# --- CSV: rows close to the real thing, then broken ------------------------------------------------------------

GOOD = {
    "items": {"item": "FZ-1", "description": "Fuzz", "uom": "KG", "lot_tracked": "Y", "weighed": "Y",
              "tolerance_pct": "1.0", "shelf_life_days": "30", "min_remaining_days": "0", "single_lot": "N",
              "gtin": ""},
    "locations": {"location": "FZ-LOC", "zone": "STORE", "pick_seq": "5", "kit_item": "", "min_qty": "",
                  "max_qty": ""},
    "stock": {"track_id": "FZ000001", "item": "RM-FLOUR", "lot": "FZ-LOT", "location": "A-01-01", "qty": "1.000",
              "expiry": "2027-01-01", "received": "2026-11-01", "status": "AVAILABLE", "tare_kg": "", "opened": "N"},
}
COLUMNS = {"items": ITEM_COLUMNS, "locations": LOCATION_COLUMNS, "stock": STOCK_COLUMNS}

NASTY = st.one_of(
    st.sampled_from(["", " ", "-1", "0", "1e3", "1,5", "1.0001", "99999999999999", "NaN", "Y", "N", "y", "YES",
                     "2026-02-30", "26-11-01", "\x00", "\u202e", "é", "\"", "\"\"", "a,b", "line\nbreak",
                     "STORE", "KITBIN", "WIP", "RM-FLOUR", "A-01-01", "T000101", "HOLD", "4006381333931",
                     "4006381333932"]),
    st.text(alphabet=st.characters(codec="utf-8", categories=None, exclude_characters="\r"), max_size=12),
    st.integers(MAX_CELL - 2, MAX_CELL + 2).map(lambda n: "x" * n),
)


def _csv_cell(value: str) -> str:
    if any(c in value for c in ',"\n\r'):
        return '"' + value.replace('"', '""') + '"'
    return value


@st.composite
def csv_files(draw, kind: str) -> bytes:
    columns = list(COLUMNS[kind])
    header = draw(st.permutations(columns))
    if draw(st.booleans()):
        header = draw(st.sampled_from([header[:-1], header + ["extra"], header + [header[0]], [c.upper() for c in header]]))
    rows = []
    for n in range(draw(st.integers(0, 6))):
        row = dict(GOOD[kind])
        key = columns[0]
        row[key] = f"{row[key]}-{n}"
        for col in draw(st.lists(st.sampled_from(columns), max_size=3)):
            row[col] = draw(NASTY)
        cells = [_csv_cell(row.get(c, "")) for c in header]
        if draw(st.integers(0, 9)) == 0:
            cells = cells[:draw(st.integers(0, len(cells)))]
        rows.append(",".join(cells))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join([",".join(header)] + rows) + draw(st.sampled_from(["", newline]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
    return text.encode(encoding, errors="replace")


@pytest.mark.parametrize("kind", ["items", "locations", "stock"])
def test_csv_imports_never_crash_and_never_half_import(demo, tmp_path, kind):
    imported = []

    @FUZZ
    @given(csv_files(kind))
    def check(data):
        imported.append(_import(kind, tmp_path, data))

    check()
    assert False in imported  # the fuzzing did reach the refusals


@pytest.mark.parametrize("kind", ["items", "locations", "stock", "jobs"])
def test_random_bytes_never_crash(demo, tmp_path, kind):
    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(st.binary(max_size=3000), st.binary(max_size=50).map(lambda b: codecs.BOM_UTF8 + b)))
    def check(data):
        _import(kind, tmp_path, data)

    check()


# --- XML: jobs.xml near the real thing, then broken; and the classic attacks ---------------------------------------

MATERIAL = ("<Material><Line>{line}</Line><StockCode>{item}</StockCode><Warehouse>RM</Warehouse>"
            "<UnitQtyReqd>{unit}</UnitQtyReqd><QtyReqd>{reqd}</QtyReqd><Uom>KG</Uom><KitIssue>{kit}</KitIssue>"
            "{extra}</Material>")
# SYSPRO's own shapes (decimal(18,6), SQL Server datetimes, scrap and fixed quantities, columns jobfloor ignores),
# right and wrong.
SYSPRO_EXTRAS = ["", "", "<ScrapPercentage>2.500000</ScrapPercentage>", "<ScrapQuantity>-1</ScrapQuantity>",
                 "<FixedQtyPerFlag>Y</FixedQtyPerFlag><FixedQtyPer>3.1234567</FixedQtyPer>",
                 "<FixedQtyPerFlag>Y</FixedQtyPerFlag>", "<QtyIssued>0.000000</QtyIssued><Operation>10</Operation>"]
START_DATES = ["2026-12-01", "2026-12-01T00:00:00", "2026-12-01 00:00:00.000", "2026-12-01T25:00:00",
               "2026-12-01T00:00:00Z"]
FIELDS = {"Job": "FZ{n:013d}", "StockCode": "FG-BREAD-800", "QtyToMake": "10", "JobStartDate": "2026-12-01",
          "Priority": "5", "UnitsPerCarton": "12", "CartonsPerPallet": "40", "Warehouse": "FP",
          "JobDescription": "Fuzz job"}


@st.composite
def jobs_files(draw) -> bytes:
    jobs = []
    for n in range(draw(st.integers(0, 4))):
        fields = {k: v.format(n=n) for k, v in FIELDS.items()}
        fields["JobStartDate"] = draw(st.sampled_from(START_DATES))
        for tag in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2)):
            fields[tag] = draw(NASTY)
        body = "".join(f"<{k}>{_xml_text(v)}</{k}>" for k, v in fields.items()
                       if not draw(st.integers(0, 20)) == 0)
        mats = []
        for line in range(1, draw(st.integers(0, 4)) + 1):
            unit = draw(st.sampled_from(["0.450", "0.001", "1", "abc", "", "-1", "0.000001", "1E-6",
                                         "1234567890123"]))
            reqd = draw(st.sampled_from(["4.500", "4.501", "4.499", "4.502", "x", "", "4.500000", "4.5000005"]))
            mats.append(MATERIAL.format(line=draw(st.sampled_from([line, line, 1, "x", -1])),
                                        item=draw(st.sampled_from(["RM-FLOUR", "RM-SALT", "NOPE", ""])),
                                        unit=unit, reqd=reqd, kit=draw(st.sampled_from(["N", "Y", "maybe"])),
                                        extra=draw(st.sampled_from(SYSPRO_EXTRAS))))
        jobs.append(f"<Job>{body}<Materials>{''.join(mats)}</Materials></Job>")
    root = draw(st.sampled_from(["WipJobs", "WipJobs", "WipJobs", "Jobs"]))
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + f"<{root}>\n" + "\n".join(jobs) + f"\n</{root}>\n"
    cut = draw(st.integers(0, 12))
    if cut == 0:  # broken off part-way
        text = text[:draw(st.integers(0, len(text)))]
    elif cut == 1:  # a stray character somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["<", "&", ">", "\x00", "]]>", "<!--"])) + text[at:]
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "latin-1"])), errors="replace")


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


def test_jobs_xml_never_crashes_and_never_half_imports(demo, tmp_path):
    imported = []

    @settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
    @given(jobs_files())
    def check(data):
        imported.append(_import("jobs", tmp_path, data))

    check()
    assert False in imported and True in imported


ATTACKS = {
    "billion laughs": '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
                      + "".join(f' <!ENTITY lol{k} "{("&lol" + (str(k - 1) if k > 1 else "") + ";") * 10}">\n'
                                for k in range(1, 10))
                      + "]>\n<WipJobs><Job><Job>&lol9;</Job></Job></WipJobs>\n",
    "external entity": '<?xml version="1.0"?>\n<!DOCTYPE j [\n <!ENTITY x SYSTEM "file:///etc/passwd">\n]>\n'
                       "<WipJobs><Job><Job>&x;</Job></Job></WipJobs>\n",
    "external DTD": '<?xml version="1.0"?>\n<!DOCTYPE WipJobs SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
                    "<WipJobs/>\n",
    "parameter entity": '<?xml version="1.0"?>\n<!DOCTYPE j [\n <!ENTITY % p SYSTEM "file:///etc/hostname">\n %p;\n]>\n'
                        "<WipJobs/>\n",
    "quadratic blowup": '<?xml version="1.0"?>\n<!DOCTYPE j [<!ENTITY a "' + "x" * 50_000 + '">]>\n<WipJobs>'
                        + "<Job><JobDescription>" + "&a;" * 2000 + "</JobDescription></Job></WipJobs>\n",
    "huge text": '<?xml version="1.0"?>\n<WipJobs><Job><Job>' + "9" * 5_000_000 + "</Job></Job></WipJobs>\n",
    "deep nesting": '<?xml version="1.0"?>\n<WipJobs>' + "<a>" * 50_000 + "</a>" * 50_000 + "</WipJobs>\n",
    "xinclude": '<?xml version="1.0"?>\n<WipJobs xmlns:xi="http://www.w3.org/2001/XInclude">'
                '<xi:include href="file:///etc/passwd" parse="text"/></WipJobs>\n',
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_xml_attacks_are_refused_cleanly(demo, tmp_path, attack):
    # None of these may read a file, reach the network, or eat the machine: each is refused or imports nothing.
    import time

    started = time.perf_counter()
    _import("jobs", tmp_path, ATTACKS[attack].encode())
    assert time.perf_counter() - started < 20


def test_a_dtd_is_refused_naming_its_line(demo, tmp_path):
    # The refusal once said "line 0"; the contract names the line, here the DOCTYPE's.
    path = tmp_path / "jobs.xml"
    path.write_bytes(ATTACKS["billion laughs"].encode())
    with pytest.raises(ImportFileError) as caught:
        run_import("jobs", str(path))
    assert str(caught.value).startswith(f"{path}, line 2: the XML has a DTD")


def test_a_refusal_shows_a_cells_control_characters_instead_of_obeying_them(demo, tmp_path):
    # Found by the fuzzing above: messages quoted cells as they were, line breaks and escape sequences included,
    # and a row whose quoted cell spans lines was named by its last line instead of its first.
    path = tmp_path / "items.csv"
    path.write_text(",".join(ITEM_COLUMNS) + '\nFZ-1,Fuzz,KG,"Y\x1b[2J\nN\u202e",N,,,,N,\n', encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        run_import("items", str(path))
    text = str(caught.value)
    assert "\x1b" not in text and "\n" not in text and "\u202e" not in text
    assert "Y\\x1b[2J\\nN\\u202e" in text and text.startswith(f"{path}, line 2, column lot_tracked: ")
