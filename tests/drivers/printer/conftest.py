import numpy as np
import pytest
import zxingcpp

from drivers.printer.model import SIZE_62, Barcode, Box, Label, Symbology, Text, TextSize


def decode(image) -> list[tuple[str, str]]:
    """(format, text) of every barcode zxing-cpp finds, GS1 content in its bracketed form, top to bottom."""
    found = zxingcpp.read_barcodes(image.convert("L"))
    found.sort(key=lambda r: r.position.top_left.y)
    return [(r.format.name, r.text) for r in found]


def ink_runs(row: np.ndarray) -> list[int]:
    """Lengths of the runs of ink (False in a 1-bit image) along one row of pixels."""
    runs, count = [], 0
    for ink in row:
        if ink:
            count += 1
        elif count:
            runs.append(count)
            count = 0
    if count:
        runs.append(count)
    return runs


def ink_rows(image) -> np.ndarray:
    return ~np.asarray(image.convert("1"), dtype=bool)


GS1_PRODUCT = (("01", "09501101020917"), ("17", "261203"), ("10", "L2611-01"))


@pytest.fixture
def sample_label() -> Label:
    """A product-style label built straight from the model, independent of core's builders."""
    return Label(SIZE_62, (
        Text(1.5, 1.5, "FG-BREAD-800", TextSize.LARGE, bold=True),
        Text(1.5, 8.0, "White bread 800 g  ^~_ weiß", TextSize.NORMAL),
        Box(1.5, 12.5, 0.4, filled=True),
        Barcode(1.5, 14.0, Symbology.GS1_128, GS1_PRODUCT, 12.0),
        Text(1.5, 32.0, "JOB 000000000012345", TextSize.SMALL, align="right"),
    ), "sample label")
