"""Label printers: the label model, rendering, Brother QL raster, ZPL II, transports and printer state."""

from drivers.printer.errors import (
    LabelDoesNotFit,
    LabelError,
    OutOfPaper,
    PrinterError,
    PrinterOffline,
    PrinterTimeout,
    StatusNotAvailable,
    UnsupportedLabel,
    WrongMedia,
)
from drivers.printer.model import (
    KNOWN_SIZES,
    SIZE_62,
    SIZE_62X29,
    SIZE_102X152,
    Barcode,
    Box,
    Canvas,
    Label,
    LabelSize,
    Symbology,
    Text,
    TextSize,
    label_size,
)
from drivers.printer.printing import (
    PrinterConfig,
    PrinterState,
    PrintResult,
    canvas_for,
    check_label,
    prepare,
    preview_lines,
    print_labels,
    printer_status,
    render_for,
)

__all__ = [
    "KNOWN_SIZES", "SIZE_62", "SIZE_62X29", "SIZE_102X152", "Barcode", "Box", "Canvas", "Label", "LabelSize",
    "Symbology", "Text", "TextSize", "label_size", "LabelDoesNotFit", "LabelError", "OutOfPaper", "PrinterError",
    "PrinterOffline", "PrinterTimeout", "StatusNotAvailable", "UnsupportedLabel", "WrongMedia", "PrinterConfig",
    "PrinterState", "PrintResult", "canvas_for", "check_label", "prepare", "preview_lines", "print_labels",
    "printer_status", "render_for",
]
