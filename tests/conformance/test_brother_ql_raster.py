"""A multi-label Brother QL print is one raster job, as Brother's "Software Developer's Manual, Raster Command
Reference" (QL-800/810W/820NWB and QL-1100/1110NWB/1115NWB editions) describes it. Section numbers below are
that manual's. The bytes are read back with brother_ql's own instruction splitter and reader, page by page."""
import pytest
from brother_ql.reader import OPCODES, chunker, match_opcode
from PIL import Image

from drivers.printer import ql
from drivers.printer.emulator import QLDeviceEmulator
from drivers.printer.model import (
    SIZE_62,
    SIZE_102X152,
    Barcode,
    Label,
    Symbology,
    Text,
    TextSize,
)
from drivers.printer.printing import PrinterConfig, prepare, print_labels
from tests.drivers.printer.conftest import decode
from tests.drivers.printer.test_printer_ql import read_back

ESC_I_Z = b"\x1b\x69\x7a"
ESC_I_S = b"\x1b\x69\x53"


def _label(n: int, size=SIZE_62) -> Label:
    return Label(size, (Text(2, 2, f"LABEL {n}", TextSize.LARGE),
                        Barcode(2, 10, Symbology.CODE128, f"PAGE{n:03d}", 10)), f"label {n}")


def instructions(data: bytes) -> list[tuple[str, bytes]]:
    """(name, bytes) of every instruction, as brother_ql's reader splits them; runs of raster lines and of
    invalidate NULs are kept as one entry each so the structure reads at a glance."""
    out: list[tuple[str, bytes]] = []
    for ins in chunker(data, raise_exception=True):
        name = OPCODES[match_opcode(ins)][0]
        if out and name == out[-1][0] and name in ("preamble", "raster"):
            out[-1] = (name, out[-1][1] + ins)
        else:
            out.append((name, ins))
    return out


def pages_of(data: bytes, tmp_path, monkeypatch) -> list[Image.Image]:
    path = tmp_path / "job.prn"
    path.write_bytes(data)
    return read_back(path, tmp_path, monkeypatch)


@pytest.mark.parametrize("model, nuls", [("QL-700", 200), ("QL-820NWB", 400), ("QL-1100", 350),
                                         ("QL-1110NWB", 350)])
def test_one_job_invalidate_and_initialize_once(model, nuls, tmp_path, monkeypatch, capsys):
    """2.1 "Print data overview": (1) initialization commands once at the start of the job: invalidate (400 NUL
    bytes in the QL-800 series' edition, 350 in the QL-1100 series', 200 for the older models) then ESC @;
    (2)-(4) control codes, raster data and a print command for each page."""
    data = prepare([_label(1), _label(2), _label(3)], PrinterConfig("file:///unused", model=model))
    ins = instructions(data)
    assert ins[0] == ("preamble", b"\x00" * nuls)  # the job begins with the invalidate, nothing before it
    assert ins[1] == ("init", b"\x1b\x40")
    names = [name for name, _ in ins]
    assert names.count("preamble") == 1 and names.count("init") == 1
    assert names.count("media/quality") == 3 and names.count("print") == 3
    pages = pages_of(data, tmp_path, monkeypatch)
    assert [decode(p) for p in pages] == [[("Code128", f"PAGE{n:03d}")] for n in (1, 2, 3)]


def test_each_page_says_whether_it_is_the_starting_page(tmp_path, monkeypatch):
    """4 "ESC i z Print information command": n9 is 0 on the starting page and 1 on the other pages; n5-n8
    give the page's raster line count."""
    data = prepare([_label(1), _label(2), _label(3), _label(4)], PrinterConfig("file:///unused", model="QL-1100"))
    ins = instructions(data)
    infos = [body for name, body in ins if name == "media/quality"]
    assert [info[:3] for info in infos] == [ESC_I_Z] * 4
    assert [info[11] for info in infos] == [0, 1, 1, 1]  # n9, the 12th byte of ESC i z n1..n10
    assert all(info[12] == 0 for info in infos)  # n10, fixed at 0
    # n5..n8: the raster lines that follow, up to the page's print command
    lines_per_page, count = [], 0
    for name, body in ins:
        if name == "raster":
            count += len(chunker(body))
        elif name == "print":
            lines_per_page.append(count)
            count = 0
    assert [int.from_bytes(info[7:11], "little") for info in infos] == lines_per_page


def test_ff_between_pages_and_control_z_only_after_the_last():
    """4 "FF Print command" (0x0C) prints a page with more to follow; "Control-Z Print command with feeding"
    (0x1A) ends the job, after the last page only."""
    for count in (1, 2, 5):
        data = prepare([_label(n) for n in range(count)], PrinterConfig("file:///unused", model="QL-820NWB"))
        prints = [body for name, body in instructions(data) if name == "print"]
        assert prints == [b"\x0c"] * (count - 1) + [b"\x1a"]


def test_identical_labels_are_still_one_page_each(tmp_path, monkeypatch):
    """A run of identical product labels shares its rendering but every label is its own page."""
    same = _label(7)
    data = prepare([same] * 5, PrinterConfig("file:///unused", model="QL-1100"))
    ins = instructions(data)
    assert [body for name, body in ins if name == "print"] == [b"\x0c"] * 4 + [b"\x1a"]
    assert [decode(p) for p in pages_of(data, tmp_path, monkeypatch)] == [[("Code128", "PAGE007")]] * 5


def test_no_status_request_inside_the_job():
    """4 "ESC i S Status information request": sent once before the print data, never while printing (the
    printer sends its own status then)."""
    data = prepare([_label(1), _label(2)], PrinterConfig("file:///unused", model="QL-1100"))
    assert "status request" not in [name for name, _ in instructions(data)]


def test_on_a_device_status_is_asked_before_the_job_and_never_between_pages():
    """5.1 "Normal flow for USB connection" and 5.6 for serial: initialize, status information request, the
    reply, then the print data; the printer reports each page; the host asks nothing more."""
    with QLDeviceEmulator(model="QL-1100", media_width=102, media_length=153) as printer:
        labels = [_label(n, SIZE_102X152) for n in range(3)]
        print_labels(labels, PrinterConfig(f"file://{printer.path}", model="QL-1100", page_timeout=5))
        received = bytes(printer.received)
    ins = instructions(received)
    names = [name for name, _ in ins]
    first_status = names.index("status request")
    assert names.count("status request") == 1
    assert names[:first_status] == ["preamble", "init"]  # 350 NULs and ESC @ ahead of the request
    assert ins[0][1] == b"\x00" * 350
    job = names[first_status + 1:]
    assert job[:2] == ["preamble", "init"] and job.count("print") == 3


def test_the_invalidate_follows_the_model_table():
    assert ql.status_request("QL-700").startswith(b"\x00" * 200 + b"\x1b\x40")
    assert ql.status_request("QL-1110NWB") == b"\x00" * 350 + b"\x1b\x40" + ESC_I_S


@pytest.mark.parametrize("model, size", [("QL-1100", SIZE_102X152), ("QL-820NWB", SIZE_62), ("QL-700", SIZE_62)])
def test_raster_lines_are_brother_ql_s_own(model, size):
    """The raster lines of a page are the bytes brother_ql's own builder makes for it ("g Raster graphics
    transfer": 67h 00h n, then the n bytes of a line, the image mirrored as the head sees it)."""
    from brother_ql.conversion import convert
    from brother_ql.raster import BrotherQLRaster

    image = ql.render_label(_label(3, size), model)
    ours = prepare([_label(3, size)], PrinterConfig("file:///unused", model=model))
    theirs = convert(BrotherQLRaster(model), [image.convert("L")], size.name, rotate="0", threshold=50)
    lines = [ins for name, ins in instructions(ours) if name == "raster"]
    their_lines = [ins for name, ins in instructions(theirs) if name == "raster"]
    assert lines == their_lines and len(chunker(lines[0])) == image.height
