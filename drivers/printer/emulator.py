"""Stand-in printers for tests and demos, no hardware needed, with the faults real printers have.

A printer's behaviour is one object, whatever the link: `ZebraPrinter` (ZPL formats printed ^PQ times, ~HS
answered at once, as Zebra's ZPL II Programming Guide describes) and `QLPrinter` (Brother raster: the 32-byte
status on ESC i S, and a "printing completed" status per page, as Brother's raster command reference describes).
Each can be out of labels, run out after N labels, have its cover or head open, be paused, jam (take bytes and
never print), or be switched off after N labels.

The links: `TcpPrinterEmulator` is a loopback raw port 9100 (it can also refuse connections, hang without
reading, drop a connection after N bytes, and come back); `QLDeviceEmulator` is a Brother QL behind a
pseudo-terminal, as on USB or a serial line. With no printer object the TCP emulator only records bytes.
"""

from __future__ import annotations

import os
import re
import select
import socket
import threading
import time
import tty

from brother_ql.reader import OPCODES, match_opcode

# Small receive buffers make a hang show up after a few hundred kilobytes instead of many megabytes.
RCVBUF = 32 * 1024


# --- Zebra ----------------------------------------------------------------------------------------------------------

def zebra_host_status(paper_out: bool = False, paused: bool = False, head_open: bool = False,
                      formats_waiting: int = 0, labels_remaining: int = 0) -> bytes:
    """A ~HS answer as a Zebra sends it: three STX...ETX CR LF strings."""
    one = f"030,{int(paper_out)},{int(paused)},1218,{formats_waiting:03d},0,0,0,000,0,0,0"
    two = f"000,0,{int(head_open)},0,0,2,6,0,{labels_remaining:08d},1,000"
    return b"".join(b"\x02" + s.encode() + b"\x03\r\n" for s in (one, two, "1234,0"))


_FORMAT = re.compile(rb"\^XA.*?\^XZ", re.S)
_COPIES = re.compile(rb"\^PQ(\d+)")


class ZebraPrinter:
    """A Zebra's handling of what it receives: a format prints its ^PQ copies at once unless a fault stops it; a
    stopped batch resumes when the fault is cleared, as a Zebra does after the roll is changed."""

    def __init__(self):
        self.paper_out = False
        self.paused = False
        self.head_open = False
        self.jammed = False  # takes bytes in, prints nothing, answers nothing: a jam on raw port 9100
        self.off_after: int | None = None  # switched off after this many labels in all
        self.paper_out_after: int | None = None  # the roll runs out after this many labels in all
        self.printed: list[bytes] = []  # one entry per label that came out: the format it came from
        self.waiting: list[list] = []  # [format, copies still to print], oldest first
        self.off = False
        self._pending = b""
        self._lock = threading.Lock()

    def feed(self, data: bytes) -> bytes:
        with self._lock:
            self._pending += data
            replies = b""
            while True:
                status = self._pending.find(b"~HS")
                start = self._pending.find(b"^XA")
                if status >= 0 and (start < 0 or status < start):
                    self._pending = self._pending[status + 3:]
                    self._print()
                    if not self.jammed and not self.off:
                        replies += self._status()
                    continue
                found = _FORMAT.search(self._pending)
                if not found:
                    break
                copies = _COPIES.search(found.group())
                self.waiting.append([found.group(), int(copies.group(1)) if copies else 1])
                self._pending = self._pending[found.end():]
            self._print()
            return replies

    def clear(self) -> None:
        """The fault is cleared (a new roll, the head closed, pause pressed): what was waiting prints."""
        with self._lock:
            self.paper_out = self.paused = self.head_open = False
            self.paper_out_after = None
            self._print()

    def _status(self) -> bytes:
        remaining = self.waiting[0][1] if self.waiting else 0
        return zebra_host_status(self.paper_out, self.paused, self.head_open, len(self.waiting), remaining)

    def _print(self) -> None:
        while self.waiting and not (self.paper_out or self.paused or self.head_open or self.jammed or self.off):
            if self.off_after is not None and len(self.printed) >= self.off_after:
                self.off = True
                return
            if self.paper_out_after is not None and len(self.printed) >= self.paper_out_after:
                self.paper_out = True
                return
            self.printed.append(self.waiting[0][0])
            self.waiting[0][1] -= 1
            if self.waiting[0][1] <= 0:
                self.waiting.pop(0)


# --- Brother QL ------------------------------------------------------------------------------------------------------

_QL_MODEL_CODES = {"QL-820NWB": 0x41, "QL-1100": 0x43, "QL-1110NWB": 0x45, "QL-700": 0x35, "QL-800": 0x38}
#: Error information 1 and 2 bits (raster command reference, "Status information").
END_OF_MEDIA = (0x02, 0x00)
NO_MEDIA = (0x01, 0x00)
CUTTER_JAM = (0x04, 0x00)
COVER_OPEN = (0x00, 0x10)
REPLY, PRINTING_COMPLETED, ERROR_OCCURRED, PHASE_CHANGE = 0x00, 0x01, 0x02, 0x06


def ql_status_bytes(*, model: str = "QL-820NWB", media_width: int = 62, media_length: int = 0,
                    status_type: int = 0x00, phase: int = 0x00, error1: int = 0, error2: int = 0) -> bytes:
    """A 32-byte QL status reply (Brother's raster command reference, 'status information')."""
    reply = bytearray(32)
    reply[0:8] = bytes([0x80, 0x20, 0x42, 0x34, _QL_MODEL_CODES.get(model, 0x41), 0x30, 0x30, 0x00])
    reply[8], reply[9] = error1, error2
    reply[10] = media_width
    reply[11] = 0x00 if not media_width else (0x0B if media_length else 0x0A)
    reply[17] = media_length
    reply[18], reply[19] = status_type, phase
    return bytes(reply)


class QLPrinter:
    """A Brother QL's handling of what it receives, walking whole instructions (a print byte can also appear
    inside raster lines, so scanning for it would lie). `answers` False is an older network model that never
    replies on port 9100."""

    def __init__(self, *, model: str = "QL-820NWB", media_width: int = 62, media_length: int = 0,
                 error1: int = 0, error2: int = 0, answers: bool = True):
        self.model = model
        self.media = (media_width, media_length)
        self.errors = (error1, error2)  # a standing fault, reported to every status request
        self.answers = answers
        self.fail_after: int | None = None  # pages printed before `fail_with` stops the job
        self.fail_with: tuple[int, int] = END_OF_MEDIA
        self.off_after: int | None = None  # pages printed before it is switched off (silence)
        self.jammed = False  # takes the job, prints nothing, says nothing
        self.pages = 0
        self.off = False
        self._failed = False
        self._pending = b""
        self._lock = threading.Lock()

    def status(self, status_type: int, phase: int = 0, errors: tuple[int, int] | None = None) -> bytes:
        e1, e2 = errors or self.errors
        return ql_status_bytes(model=self.model, media_width=self.media[0], media_length=self.media[1],
                               status_type=status_type, phase=phase, error1=e1, error2=e2)

    def clear(self) -> None:
        with self._lock:
            self.errors = (0, 0)
            self.fail_after = None
            self._failed = False

    def feed(self, data: bytes) -> bytes:
        with self._lock:
            self._pending += data
            replies = b""
            at = 0
            pending = self._pending
            while at < len(pending):
                head = pending[at:at + 8]
                try:
                    opcode = match_opcode(head)
                except AssertionError:
                    if len(pending) - at < 5:
                        break  # the rest of the opcode is still on its way
                    at += 1
                    continue
                name, following, _ = OPCODES[opcode]
                size = len(opcode) + max(following, 0)
                if "raster" in name:
                    if len(head) < 3:
                        break
                    size += head[2] + 2
                if len(pending) - at < size:
                    break
                at += size
                replies += self._instruction(name)
            self._pending = pending[at:]
            return replies if self.answers and not self.off else b""

    def _instruction(self, name: str) -> bytes:
        if self.off or self.jammed:
            return b""
        if name == "init":
            self._failed = False  # a new job after an error
            return b""
        if name == "status request":
            return self.status(REPLY)
        if name != "print" or self._failed:
            return b""
        if any(self.errors):
            self._failed = True
            return self.status(ERROR_OCCURRED)
        if self.off_after is not None and self.pages >= self.off_after:
            self.off = True
            return b""
        if self.fail_after is not None and self.pages >= self.fail_after:
            self._failed = True
            return self.status(ERROR_OCCURRED, errors=self.fail_with)
        self.pages += 1
        return self.status(PRINTING_COMPLETED) + self.status(PHASE_CHANGE, phase=0x00)


# --- the links -------------------------------------------------------------------------------------------------------

class TcpPrinterEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, printer: ZebraPrinter | QLPrinter | None = None):
        self.host = host
        self.port = port
        self.printer = printer
        self.jobs: list[bytearray] = []  # one per connection, in order
        self.mode = "accept"
        self.drop_after: int | None = None  # close a connection once it has brought this many bytes
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._clients: dict[socket.socket, bytearray] = {}
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ticks = 0

    # -- lifecycle ----------------------------------------------------------------------------------------

    def start(self) -> TcpPrinterEmulator:
        self._listen()
        self._thread = threading.Thread(target=self._run, name="printer-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)
        with self._lock:
            self._close_listener()
            for sock in list(self._clients) + self._held:
                sock.close()
            self._clients.clear()
            self._held.clear()

    def __enter__(self) -> TcpPrinterEmulator:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    @property
    def received(self) -> bytes:
        with self._lock:
            return b"".join(bytes(j) for j in self.jobs)

    # -- misbehaviour ---------------------------------------------------------------------------------------

    def refuse(self) -> None:
        """Switched off: the port is closed, so connecting is refused at once; open connections are cut."""
        with self._lock:
            self.mode = "refuse"
            self._close_listener()
            for sock in list(self._clients):
                sock.close()
            self._clients.clear()
        self._settle()

    def _settle(self) -> None:
        # A select() running in the loop keeps a closed listener alive in the kernel until it returns:
        # wait for the loop to come round so the port really is closed when this returns.
        seen = self._ticks
        deadline = time.monotonic() + 1
        while self._thread and self._thread.is_alive() and self._ticks < seen + 2 and time.monotonic() < deadline:
            time.sleep(0.005)

    def hang(self) -> None:
        """Jammed: connections are accepted but nothing is ever read from them."""
        with self._lock:
            if self._listener is None:
                self._listen()
            self.mode = "hang"

    def come_back(self) -> None:
        """Working again, on the same port; connections held by a hang are dropped."""
        with self._lock:
            for sock in self._held:
                sock.close()
            self._held.clear()
            if self._listener is None:
                self._listen()
            self.mode = "accept"
            if self.printer is not None:
                self.printer.off = False

    def wait_for(self, size: int, timeout: float = 5.0) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            data = self.received
            if len(data) >= size:
                return data
            time.sleep(0.01)
        return self.received

    # -- internals -----------------------------------------------------------------------------------------

    def _listen(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
        sock.bind((self.host, self.port))
        sock.listen(8)
        sock.setblocking(False)
        self.port = sock.getsockname()[1]
        self._listener = sock

    def _close_listener(self) -> None:
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._ticks += 1
            with self._lock:
                watch = list(self._clients)
                if self._listener is not None:
                    watch.append(self._listener)
            try:
                ready, _, _ = select.select(watch, [], [], 0.02)
            except (OSError, ValueError):
                continue  # a socket was closed under us by refuse()/come_back(); look again
            with self._lock:
                for sock in ready:
                    if sock is self._listener:
                        self._accept()
                    elif sock in self._clients:
                        self._read(sock)

    def _accept(self) -> None:
        try:
            conn, _ = self._listener.accept()  # type: ignore[union-attr]
        except (BlockingIOError, OSError):
            return
        if self.mode == "hang":
            self._held.append(conn)
            return
        conn.setblocking(False)
        job = bytearray()
        self.jobs.append(job)
        self._clients[conn] = job

    def _read(self, sock: socket.socket) -> None:
        try:
            chunk = sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self._drop(sock)
            return
        job = self._clients[sock]
        if self.drop_after is not None and len(job) + len(chunk) >= self.drop_after:
            job.extend(chunk[:max(0, self.drop_after - len(job))])
            self.drop_after = None
            self._drop(sock, reset=True)
            return
        job.extend(chunk)
        if self.printer is None:
            return
        reply = self.printer.feed(chunk)
        if self.printer.off:  # switched off: the connection goes and the port with it
            self._drop(sock, reset=True)
            self.mode = "refuse"
            self._close_listener()
            return
        if reply:
            try:
                sock.sendall(reply)
            except OSError:
                self._drop(sock)

    def _drop(self, sock: socket.socket, reset: bool = False) -> None:
        self._clients.pop(sock, None)
        if reset:
            # Closed with unread data pending, the peer sees a reset, as when a printer loses power.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        sock.close()


class QLDeviceEmulator:
    """A Brother QL behind a pty: use `path` as file:///<path> or as a serial port."""

    def __init__(self, *, model: str = "QL-820NWB", media_width: int = 62, media_length: int = 0,
                 error1: int = 0, error2: int = 0, silent: bool = False, fail_after_pages: int | None = None,
                 printer: QLPrinter | None = None):
        self.printer = printer or QLPrinter(model=model, media_width=media_width, media_length=media_length,
                                            error1=error1, error2=error2, answers=not silent)
        if fail_after_pages is not None:
            self.printer.fail_after = fail_after_pages
        self.received = bytearray()
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ql-emulator", daemon=True)

    @property
    def pages(self) -> int:
        return self.printer.pages

    def __enter__(self) -> QLDeviceEmulator:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self.slave)

    def _run(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            self.received.extend(chunk)
            reply = self.printer.feed(chunk)
            if reply:
                os.write(self.master, reply)
