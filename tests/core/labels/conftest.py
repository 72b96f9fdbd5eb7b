import datetime as dt

import pytest
import zxingcpp
from biip.gs1_messages import GS1Message

from core.labels.job import JobLabelInfo


@pytest.fixture
def bread() -> JobLabelInfo:
    """The example job of docs/labels.md: 500 loaves, 12 a carton, 40 cartons a pallet, 7 days shelf life."""
    return JobLabelInfo(
        job="000000000012345", item="FG-BREAD-800", description="White bread 800 g", uom="EA", lot="L2611-01",
        gtin="9501101020917", qty_to_make=500_000, start_date=dt.date(2026, 11, 26), units_per_carton=12,
        cartons_per_pallet=40, shelf_life_days=7,
    )


def scan(image) -> list[dict[str, object]]:
    """Each barcode on the label, top to bottom, as a scanner sends it (FNC1 -> GS) and parsed by biip,
    which checks SSCC and GTIN check digits and dates independently of our code."""
    found = sorted(zxingcpp.read_barcodes(image.convert("L"), text_mode=zxingcpp.TextMode.Plain),
                   key=lambda r: r.position.top_left.y)
    out = []
    for result in found:
        entry: dict[str, object] = {"format": result.format.name, "id": result.symbology_identifier,
                                    "raw": result.text}
        if result.content_type == zxingcpp.ContentType.GS1:
            for element in GS1Message.parse(result.text).element_strings:
                assert element.sscc_error is None and element.gtin_error is None
                entry[element.ai.ai] = element.date or element.value
        out.append(entry)
    return out
