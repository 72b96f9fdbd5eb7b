"""SYSPRO's own shapes at both ends of the ERP edge.

In: jobs.xml as an export of WipMaster (the job) and WipJobAllMat (its materials) writes it. Their quantity
columns are decimal(18,6) (12 digits before the point, 6 after), their dates SQL Server datetime / datetime2
(written `YYYY-MM-DDThh:mm:ss[.fff]` by FOR XML, `YYYY-MM-DD hh:mm:ss.fff` by a query tool), Line is kept padded
to two digits, and an export carries many more columns than jobfloor reads.

Out: SYSPRO's Post Material business object (WIPTMI) takes two documents, the parameters (WIPTMI.XSD: a
<Parameters> block with TransactionDate, PostingPeriod, ApplyIfEntireDocumentValid, ValidateOnly, IgnoreWarnings,
AutoDepleteLotsBins, PostFloorstock, in that order as SYSPRO's sample has them) and the items (WIPTMIDOC.XSD:
<Item> elements, an xs:sequence, so their order matters).
"""
import xml.etree.ElementTree as ET

import pytest

from core.data.db import write_txn
from core.data.models import Job, JobLine, StockUnit
from core.erp.imports import ImportFileError, run_import
from core.erp.postings import add_posting, export_pending
from core.site.actor import Actor
from core.stock import ledger

XSI = "{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation"
# The WIPTMIDOC item elements jobfloor writes, in the schema's sequence order.
ITEM_SEQUENCE = ["Job", "Warehouse", "StockCode", "Line", "QtyIssued", "Reference", "Bins", "Lot"]
PARAMETERS = ["TransactionDate", "PostingPeriod", "ApplyIfEntireDocumentValid", "ValidateOnly", "IgnoreWarnings",
              "AutoDepleteLotsBins", "PostFloorstock"]

# One job as an export of WipMaster + WipJobAllMat writes it: every column SYSPRO has, jobfloor's or not.
EXPORT = """<?xml version="1.0" encoding="UTF-8"?>
<WipJobs>
  <Job>
    <Job>000000000088001</Job>
    <JobDescription>White bread 800 g &amp; rolls</JobDescription>
    <JobClassification>BAKE</JobClassification>
    <StockCode>FG-BREAD-800</StockCode>
    <Warehouse>FP</Warehouse>
    <QtyToMake>1200.000000</QtyToMake>
    <QtyManufactured>0.000000</QtyManufactured>
    <JobStartDate>2026-12-21T00:00:00</JobStartDate>
    <JobDeliveryDate>2026-12-22 06:30:00.000</JobDeliveryDate>
    <JobTenderDate>2026-12-20T00:00:00.1234567</JobTenderDate>
    <Priority>05</Priority>
    <Complete>N</Complete>
    <UnitsPerCarton>12.000000</UnitsPerCarton>
    <CartonsPerPallet>40</CartonsPerPallet>
    <Materials>
      <Material>
        <Line>01</Line>
        <StockCode>RM-FLOUR</StockCode>
        <Warehouse>RM</Warehouse>
        <UnitQtyReqd>0.450000</UnitQtyReqd>
        <QtyReqd>553.500000</QtyReqd>
        <QtyIssued>0.000000</QtyIssued>
        <ScrapPercentage>2.500000</ScrapPercentage>
        <ScrapQuantity>0.000000</ScrapQuantity>
        <FixedQtyPerFlag>N</FixedQtyPerFlag>
        <FixedQtyPer>0.000000</FixedQtyPer>
        <Uom>KG</Uom>
        <OperationOffset>10</OperationOffset>
        <KitIssue>N</KitIssue>
      </Material>
      <Material>
        <Line>02</Line>
        <StockCode>RM-YEAST</StockCode>
        <Warehouse>RM</Warehouse>
        <UnitQtyReqd>0.000001</UnitQtyReqd>
        <FixedQtyPerFlag>Y</FixedQtyPerFlag>
        <FixedQtyPer>2.000001</FixedQtyPer>
        <Uom>KG</Uom>
        <KitIssue>N</KitIssue>
      </Material>
      <Material>
        <Line>03</Line>
        <StockCode>RM-SALT</StockCode>
        <Warehouse>RM</Warehouse>
        <UnitQtyReqd>0.009000</UnitQtyReqd>
        <ScrapPercentage>1.000000</ScrapPercentage>
        <ScrapQuantity>0.100000</ScrapQuantity>
        <Uom>KG</Uom>
        <KitIssue>N</KitIssue>
      </Material>
    </Materials>
  </Job>
</WipJobs>
"""


def test_a_wipmaster_wipjoballmat_export_imports_as_written(demo, tmp_path):
    path = tmp_path / "jobs.xml"
    path.write_text(EXPORT, encoding="utf-8")
    result = run_import("jobs", str(path))
    job = Job.get(Job.job == "000000000088001")
    assert (job.qty_to_make, str(job.start_date), str(job.delivery_date), job.priority, job.units_per_carton) == \
        (1_200_000, "2026-12-21", "2026-12-22", 5, 12)
    lines = {ln.line: ln for ln in JobLine.select().where(JobLine.job == job.job)}
    assert lines[1].qty_reqd == 553_500  # as SYSPRO computed it, with its 2.5 % scrap
    assert lines[2].qty_reqd == 2_001 and lines[2].unit_qty == 1  # fixed per job, rounded up; 0.000001 exact
    assert lines[3].qty_reqd == 11_008  # 0.009 x 1200 x 1.01 + 0.1 = 11.0080
    for name in ("<JobClassification> in <Job>", "<QtyManufactured> in <Job>", "<JobTenderDate> in <Job>",
                 "<Complete> in <Job>", "<QtyIssued> in <Material>", "<OperationOffset> in <Material>"):
        assert result.summary().count(name) == 1, name


@pytest.mark.parametrize("cell", ["<QtyReqd>1234567890123.000000</QtyReqd>",  # 13 digits: not decimal(18,6)
                                  "<QtyReqd>1.0000001</QtyReqd>",  # 7 decimals
                                  "<UnitQtyReqd>1E-6</UnitQtyReqd>"])  # SQL Server never writes exponents
def test_values_outside_the_column_types_are_refused(demo, tmp_path, cell):
    tag = cell[1:cell.index(">")]
    text = EXPORT.replace(EXPORT[EXPORT.index(f"<{tag}>"):EXPORT.index(f"</{tag}>") + len(tag) + 3], cell, 1)
    path = tmp_path / "jobs.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError, match="job 000000000088001, material line 01"):
        run_import("jobs", str(path))
    assert Job.get_or_none(Job.job == "000000000088001") is None


def test_the_post_material_documents_have_syspros_shapes(demo, tmp_path):
    unit = StockUnit.get(StockUnit.track_id == "T000131")
    with write_txn():
        m = ledger.post(unit, -1500, "PICK", Actor("PK1", "picker"), job="000000000012345", line=3)
        key = add_posting(m, job="000000000012345", line=3, warehouse="RM", qty=1500, lot="SA<2604>&01",
                          reference="T000131", kind="PICK").key
    out = tmp_path / "out"
    export_pending(str(out))
    items = ET.parse(out / f"{key}.xml").getroot()
    params = ET.parse(out / f"{key}.params.xml").getroot()
    assert (items.tag, items.get(XSI)) == ("PostMaterial", "WIPTMIDOC.XSD")
    assert (params.tag, params.get(XSI)) == ("PostMaterial", "WIPTMI.XSD")
    item = items.find("Item")
    assert [c.tag for c in item] == ITEM_SEQUENCE  # every element, in the sequence's order
    assert item.findtext("Lot") == "SA<2604>&01"  # escaped in the file, whole when read
    assert len(item.findtext("Reference")) <= 9
    whole, _, decimals = item.findtext("QtyIssued").partition(".")
    assert len(whole) <= 11 and len(decimals) == 3
    block = params.find("Parameters")
    assert [c.tag for c in block] == PARAMETERS
    assert all(block.findtext(t) in ("Y", "N") for t in PARAMETERS[2:])
    assert block.findtext("TransactionDate") == "2026-11-25" and block.findtext("PostingPeriod") == "C"
