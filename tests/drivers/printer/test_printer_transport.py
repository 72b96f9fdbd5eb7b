import socket
import time

import pytest

from drivers.printer.emulator import TcpPrinterEmulator, ZebraPrinter
from drivers.printer.errors import PrinterError, PrinterOffline, PrinterTimeout, StatusNotAvailable
from drivers.printer.printing import PrinterConfig, print_labels, printer_status
from drivers.printer.transport import FileTransport, SerialTransport, TcpTransport, open_transport

BIG = bytes(range(256)) * 8192  # 2 MiB: more than the kernel buffers hold, so a hang must show


@pytest.fixture
def printer():
    with TcpPrinterEmulator() as emulator:
        yield emulator


def test_tcp_send_is_recorded(printer):
    with open_transport(printer.url) as link:
        link.send(b"^XA^XZ")
    assert printer.wait_for(6) == b"^XA^XZ"


def test_tcp_large_send_arrives_whole(printer):
    with open_transport(printer.url) as link:
        link.send(BIG)
    assert printer.wait_for(len(BIG)) == BIG


def test_refused_then_comes_back(printer):
    printer.refuse()
    started = time.monotonic()
    with pytest.raises(PrinterOffline, match="refused the connection") as err:
        open_transport(printer.url)
    assert time.monotonic() - started < 1 and err.value.url == printer.url
    printer.come_back()
    with open_transport(printer.url) as link:
        link.send(b"again")
    assert printer.wait_for(5) == b"again"


def test_hang_is_a_timeout_not_a_block_then_comes_back(printer):
    printer.hang()
    started = time.monotonic()
    with pytest.raises(PrinterTimeout, match="stopped taking data for 0.3 s"):
        with open_transport(printer.url, send_timeout=0.3) as link:
            link.send(BIG)
    assert time.monotonic() - started < 3
    printer.come_back()
    with open_transport(printer.url, send_timeout=2) as link:
        link.send(b"after the hang")
    assert printer.wait_for(14).endswith(b"after the hang")


def test_connect_timeout_to_a_silent_host():
    # A listener whose backlog is full leaves further connects unanswered, like an unplugged host.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    try:
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.05)
        try:
            open_transport(f"tcp://127.0.0.1:{port}", connect_timeout=0.3).close()
        except PrinterOffline as exc:
            assert "No answer" in exc.message or "refused" in exc.message
        else:
            pytest.skip("this kernel accepted past the backlog")
    finally:
        for s in fillers:
            s.close()
        server.close()


def test_print_labels_over_tcp_and_outage(printer, tmp_path):
    from drivers.printer.model import SIZE_62, Label, Text

    label = Label(SIZE_62, (Text(2, 2, "HELLO"),))
    config = PrinterConfig(printer.url, language="zpl", dpi=300, send_timeout=0.5, status_timeout=0.3)
    result = print_labels([label], config)  # a printer that does not answer ~HS: sent, without proof
    assert result.proof == "none" and result.proven == 0 and "does not confirm printing" in result.message
    asked = len(b"~HS")  # the status request ahead of the job, which this printer leaves unanswered
    assert printer.wait_for(asked + result.bytes_sent)[asked:].startswith(b"^XA")
    printer.refuse()
    with pytest.raises(PrinterOffline):
        print_labels([label], config)
    printer.come_back()
    print_labels([label], config)
    both = 2 * (asked + result.bytes_sent)
    assert len(printer.wait_for(both)) == both and len(printer.jobs) == 2


def test_zpl_status_over_tcp():
    zebra = ZebraPrinter()
    zebra.paper_out = True
    with TcpPrinterEmulator(printer=zebra) as p:
        state = printer_status(PrinterConfig(p.url, language="zpl", status_timeout=1))
        assert not state.ready and "out of labels" in state.message
    with TcpPrinterEmulator() as silent:
        with pytest.raises(StatusNotAvailable, match="does not answer status requests"):
            printer_status(PrinterConfig(silent.url, language="zpl", status_timeout=0.2))


def test_file_transport_appends_and_reports_missing_devices(tmp_path):
    path = tmp_path / "out.bin"
    for chunk in (b"one", b"two"):
        with open_transport(f"file://{path}") as link:
            assert isinstance(link, FileTransport) and not link.can_read
            link.send(chunk)
    assert path.read_bytes() == b"onetwo"
    with pytest.raises(PrinterOffline, match="not there"):
        open_transport("file:///dev/usb/lp-none")
    with pytest.raises(PrinterOffline, match="not there"):
        open_transport(f"file://{tmp_path}/missing/dir/out.bin")


def test_serial_urls(tmp_path):
    with open_transport("loop://") as link:
        assert isinstance(link, SerialTransport)
        link.send(b"~HS")
        assert link.read_exactly(3, 1) == b"~HS"
    with pytest.raises(PrinterOffline, match="Cannot open the printer port"):
        open_transport("/dev/ttyNOPE0")
    with pytest.raises(PrinterOffline):
        open_transport("socket://127.0.0.1:1")


def test_unknown_urls_are_refused_clearly():
    for url in ("http://printer", "printer-01", "ftp://x"):
        with pytest.raises(PrinterError, match="not one this app can use"):
            open_transport(url)
    with pytest.raises(PrinterError, match="no host"):
        open_transport("tcp://:9100")
    assert isinstance(TcpTransport, type)


def test_status_not_available_for_a_file_zpl(tmp_path):
    with pytest.raises(StatusNotAvailable):
        printer_status(PrinterConfig(f"file://{tmp_path}/z.zpl", language="zpl"))
