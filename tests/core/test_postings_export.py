import xml.etree.ElementTree as ET

from core.data.db import write_txn
from core.data.models import Posting, StockUnit
from core.erp.postings import add_posting, export_pending
from core.site.actor import Actor
from core.stock import ledger


def _post(qty):
    unit = StockUnit.get(StockUnit.track_id == "T000131")
    with write_txn():
        m = ledger.post(unit, -qty, "PICK", Actor("PK1", "picker"), job="000000000012345", line=3)
        add_posting(m, job="000000000012345", line=3, warehouse="RM", qty=qty, lot="SA2604-01",
                    reference="T000131", kind="PICK")


def test_export_writes_each_posting_once(demo, tmp_path):
    _post(4500)
    first = export_pending(str(tmp_path))
    assert len(first) == 1
    doc = ET.parse(first[0]).getroot()
    assert doc.tag == "PostMaterial"
    item = doc.find("Item")
    assert item.findtext("Job") == "000000000012345" and item.findtext("QtyIssued") == "4.500"
    assert item.findtext("Lot") == "SA2604-01" and item.findtext("Reference") == "T000131"
    assert export_pending(str(tmp_path)) == []
    _post(1000)
    assert len(export_pending(str(tmp_path))) == 1
    assert len(list(tmp_path.glob("*.xml"))) == 2 and not list(tmp_path.glob(".*.tmp"))


def test_crash_after_rename_rewrites_same_file(demo, tmp_path):
    _post(4500)
    path = export_pending(str(tmp_path))[0]
    data = open(path, "rb").read()
    Posting.update(exported_at=None).execute()  # as if the process died before marking it
    again = export_pending(str(tmp_path))
    assert again == [path] and open(path, "rb").read() == data
    assert len(list(tmp_path.glob("*.xml"))) == 1
