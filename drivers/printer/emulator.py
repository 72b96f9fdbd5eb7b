"""Stand-in printers for tests and demos, no hardware needed.

`TcpPrinterEmulator` is a loopback raw-port printer that records what it receives and can misbehave on
request: refuse connections (switched off), hang (accept, then never read: a jammed printer), and come back.
`QLDeviceEmulator` is a Brother QL on a pseudo-terminal: it answers status requests and reports each printed
page, so the status path of a USB or serial QL can be tested.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty
from collections.abc import Callable

from brother_ql.reader import OPCODES, match_opcode

# Small receive buffers make a hang show up after a few hundred kilobytes instead of many megabytes.
RCVBUF = 32 * 1024


class TcpPrinterEmulator:
    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 answer: Callable[[bytes], bytes | None] | None = None):
        self.host = host
        self.port = port
        self.answer = answer
        self.jobs: list[bytearray] = []  # one per connection, in order
        self.mode = "accept"
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
        """Switched off: the port is closed, so connecting is refused at once."""
        with self._lock:
            self.mode = "refuse"
            self._close_listener()
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
            self._clients.pop(sock, None)
            sock.close()
            return
        self._clients[sock].extend(chunk)
        if self.answer:
            reply = self.answer(chunk)
            if reply:
                sock.sendall(reply)


def zebra_host_status(paper_out: bool = False, paused: bool = False, head_open: bool = False) -> bytes:
    """A ~HS answer as a Zebra sends it: three STX...ETX CR LF strings."""
    one = f"030,{int(paper_out)},{int(paused)},1218,000,0,0,0,000,0,0,0"
    two = f"000,0,{int(head_open)},0,0,2,6,0,00000000,1,000"
    return b"".join(b"\x02" + s.encode() + b"\x03\r\n" for s in (one, two, "1234,0"))


# --- Brother QL on a pseudo-terminal ---------------------------------------------------------------------

_QL_MODEL_CODES = {"QL-820NWB": 0x41, "QL-1100": 0x43, "QL-1110NWB": 0x45, "QL-700": 0x35, "QL-800": 0x38}


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


class QLDeviceEmulator:
    """A Brother QL behind a pty: use `path` as file:///<path> or as a serial port."""

    def __init__(self, *, model: str = "QL-820NWB", media_width: int = 62, media_length: int = 0,
                 error1: int = 0, error2: int = 0, silent: bool = False, fail_after_pages: int | None = None):
        self.model = model
        self.media = (media_width, media_length)
        self.errors = (error1, error2)
        self.silent = silent
        self.fail_after_pages = fail_after_pages
        self.received = bytearray()
        self.pages = 0
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="ql-emulator", daemon=True)

    def __enter__(self) -> QLDeviceEmulator:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self.slave)

    def _status(self, status_type: int, phase: int = 0, errors: tuple[int, int] | None = None) -> bytes:
        e1, e2 = errors or self.errors
        return ql_status_bytes(model=self.model, media_width=self.media[0], media_length=self.media[1],
                               status_type=status_type, phase=phase, error1=e1, error2=e2)

    def _run(self) -> None:
        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            self.received.extend(chunk)
            pending += chunk
            if self.silent:
                continue
            pending = self._handle(pending)

    def _handle(self, pending: bytes) -> bytes:
        """Walk whole instructions: a print byte can also appear inside raster rows, so scanning would lie."""
        at = 0
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
            if name == "status request":
                os.write(self.master, self._status(0x00))
            elif name == "print":
                self.pages += 1
                if self.fail_after_pages is not None and self.pages > self.fail_after_pages:
                    os.write(self.master, self._status(0x02, errors=(0x01, 0x00)))  # end of media
                else:
                    os.write(self.master, self._status(0x01))
                    os.write(self.master, self._status(0x06, phase=0x00))
        return pending[at:]
