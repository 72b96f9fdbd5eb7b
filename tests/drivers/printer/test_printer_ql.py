from pathlib import Path

import pytest
from brother_ql.reader import OPCODES, BrotherQLReader, chunker, match_opcode
from PIL import Image

from drivers.printer import ql
from drivers.printer.emulator import QLDeviceEmulator, ql_status_bytes
from drivers.printer.errors import (
    OutOfPaper,
    PrinterError,
    PrinterTimeout,
    StatusNotAvailable,
    UnsupportedLabel,
    WrongMedia,
)
from drivers.printer.model import SIZE_62, SIZE_62X29, SIZE_102X152, Barcode, Label, Symbology, Text, TextSize
from drivers.printer.printing import PrinterConfig, print_labels, printer_status

from .conftest import decode


def read_back(path, tmp_path, monkeypatch) -> list[Image.Image]:
    """Pages of a raster file as images, through brother_ql's own reader (it saves an image per print command).

    The reader keeps the raster lines of earlier pages when it meets a print command (it clears them only at
    ESC @), so its image for a page holds the job's earlier pages above it: each is cut to its own lines, found
    with brother_ql's instruction splitter."""
    spans, done, lines = [], 0, 0
    for ins in chunker(Path(path).read_bytes(), raise_exception=True):
        name = OPCODES[match_opcode(ins)][0]
        if name == "init":
            done = lines = 0
        elif "raster" in name:
            lines += 1
        elif name == "print":
            spans.append((done, lines))
            done = lines
    monkeypatch.chdir(tmp_path)
    for old in tmp_path.glob("page*.png"):
        old.unlink()
    reader = BrotherQLReader(str(path))
    reader.filename_fmt = "page{counter:04d}.png"
    reader.analyse()
    saved = sorted(tmp_path.glob("page*.png"))
    assert len(saved) == len(spans)
    pages = []
    for file, (top, bottom) in zip(saved, spans):
        image = Image.open(file)
        assert image.height == bottom
        pages.append(image.crop((0, top, image.width, bottom)))
    return pages


def test_print_to_file_reads_back_and_decodes(sample_label, tmp_path, monkeypatch, capsys):
    out = tmp_path / "job.prn"
    tid = Label(SIZE_62, (Text(2, 2, "T000123", TextSize.LARGE), Barcode(2, 10, Symbology.CODE128, "T000123", 8)))
    result = print_labels([sample_label, tid], PrinterConfig(f"file://{out}", model="QL-820NWB"))
    assert result.labels == 2 and result.proof == "written" and result.proven == 2  # a file: written is done
    assert out.stat().st_size == result.bytes_sent
    pages = read_back(out, tmp_path, monkeypatch)
    assert len(pages) == 2
    assert pages[0].width == 720  # the QL-820's 90 bytes per row
    assert decode(pages[0]) == [("Code128", "(01)09501101020917(17)261203(10)L2611-01")]
    assert decode(pages[1]) == [("Code128", "T000123")]


def test_file_is_appended_not_truncated(sample_label, tmp_path):
    out = tmp_path / "job.prn"
    config = PrinterConfig(f"file://{out}", model="QL-820NWB")
    first = print_labels([sample_label], config).bytes_sent
    second = print_labels([sample_label], config).bytes_sent
    assert out.stat().st_size == first + second


def test_pallet_size_raster_on_a_wide_head(tmp_path, monkeypatch, capsys):
    label = Label(SIZE_102X152, (Barcode(2, 10, Symbology.GS1_128, (("00", "095011010000000018"),), 32, min_x_mm=0.495),))
    out = tmp_path / "pallet.prn"
    print_labels([label], PrinterConfig(f"file://{out}", model="QL-1110NWB"))
    (page,) = read_back(out, tmp_path, monkeypatch)
    assert page.size == (1296, 1660)
    assert decode(page) == [("Code128", "(00)095011010000000018")]


def test_model_restrictions_brother_ql_does_not_check():
    with pytest.raises(UnsupportedLabel, match="QL-820NWB cannot print 102x152"):
        ql.check_model("QL-820NWB", SIZE_102X152)
    ql.check_model("QL-1100", SIZE_102X152)
    ql.check_model("QL-1110NWB", SIZE_102X152)
    ql.check_model("QL-500", SIZE_62X29)
    with pytest.raises(UnsupportedLabel, match="not a Brother QL model"):
        ql.check_model("QL-9999", SIZE_62)


def test_refused_before_anything_is_sent(sample_label, tmp_path):
    wide = Label(SIZE_102X152, (Text(2, 2, "X"),))
    out = tmp_path / "never.prn"
    with pytest.raises(UnsupportedLabel):
        print_labels([wide], PrinterConfig(f"file://{out}", model="QL-820NWB"))
    with pytest.raises(WrongMedia, match="mixes label sizes"):
        print_labels([sample_label, wide], PrinterConfig(f"file://{out}", model="QL-1100"))
    assert not out.exists()


def test_short_endless_labels_are_padded_to_the_model_minimum():
    tiny = Label(SIZE_62, (Text(2, 1, "X", TextSize.SMALL),))
    assert ql.render_label(tiny, "QL-1100").height == 301
    assert ql.render_label(tiny, "QL-820NWB").height == 150


def test_parse_status_and_errors():
    ready = ql.parse_status(ql_status_bytes(media_width=62))
    assert ready.model == "QL-820NWB" and ready.media == "62 mm endless" and ready.errors == ()
    ql.raise_for_status(ready, SIZE_62)
    with pytest.raises(WrongMedia, match="62 mm endless loaded; this job needs 62x29 mm"):
        ql.raise_for_status(ready, SIZE_62X29)
    die_cut = ql.parse_status(ql_status_bytes(model="QL-1100", media_width=102, media_length=153))
    ql.raise_for_status(die_cut, SIZE_102X152)
    with pytest.raises(OutOfPaper):
        ql.raise_for_status(ql.parse_status(ql_status_bytes(media_width=0)))
    with pytest.raises(OutOfPaper):
        ql.raise_for_status(ql.parse_status(ql_status_bytes(media_width=62, error1=0x01)))
    with pytest.raises(PrinterError, match="cover is open"):
        ql.raise_for_status(ql.parse_status(ql_status_bytes(media_width=62, error2=0x10)))
    with pytest.raises(PrinterError, match="not a Brother QL status"):
        ql.parse_status(b"\x00" * 32)


def test_status_over_a_device_that_answers():
    with QLDeviceEmulator(media_width=62) as printer:
        state = printer_status(PrinterConfig(f"file://{printer.path}", status_timeout=1))
        assert state.ready and state.message == "Ready, 62 mm endless loaded."
    with QLDeviceEmulator(media_width=0) as printer:
        state = printer_status(PrinterConfig(printer.path, status_timeout=1))  # as a serial port
        assert not state.ready and "out of labels" in state.message


def test_status_is_not_available_from_a_network_ql_or_a_file(tmp_path):
    from drivers.printer.emulator import TcpPrinterEmulator

    with TcpPrinterEmulator() as printer:
        with pytest.raises(StatusNotAvailable, match="does not answer status requests"):
            printer_status(PrinterConfig(printer.url))
    with pytest.raises(StatusNotAvailable, match="is a file or a device"):
        printer_status(PrinterConfig(f"file://{tmp_path}/out.prn"))


def test_print_to_a_device_waits_for_every_page(sample_label):
    with QLDeviceEmulator(media_width=62) as printer:
        result = print_labels([sample_label] * 3, PrinterConfig(f"file://{printer.path}", page_timeout=3))
        assert result.proven == 3 and result.proof == "pages" and printer.pages == 3


def test_print_to_a_device_checks_media_first(sample_label):
    with QLDeviceEmulator(model="QL-1100", media_width=102, media_length=153) as printer:
        with pytest.raises(WrongMedia, match="102x153 mm labels loaded; this job needs 62 mm endless"):
            print_labels([sample_label], PrinterConfig(f"file://{printer.path}", model="QL-1100"))
        assert printer.pages == 0


def test_running_out_mid_job_says_how_far_it_got(sample_label):
    with QLDeviceEmulator(media_width=62, fail_after_pages=1) as printer:
        result = print_labels([sample_label] * 3, PrinterConfig(f"file://{printer.path}", page_timeout=3))
    assert result.proven == 1 and isinstance(result.fault, OutOfPaper) and "1 of 3 labels printed" in result.message


def test_a_device_that_never_answers_times_out(sample_label):
    with QLDeviceEmulator(silent=True) as printer:
        with pytest.raises(PrinterTimeout, match="did not answer"):
            print_labels([sample_label], PrinterConfig(f"file://{printer.path}", status_timeout=0.3))


def test_a_device_that_never_answers_at_all_just_takes_the_job(sample_label):
    config = PrinterConfig("file:///dev/null", status_timeout=5)
    result = print_labels([sample_label], config)
    assert result.proof == "none" and result.proven == 0 and result.bytes_sent > 0
    with pytest.raises(StatusNotAvailable, match="never answers"):
        printer_status(config)
