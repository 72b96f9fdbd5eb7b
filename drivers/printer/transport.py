"""Getting printer bytes to a printer: TCP (raw port 9100), a file or device, or a serial port.

URLs:
  tcp://host:9100            raw socket; write-only as far as a Brother QL is concerned (see `can_read`)
  file:///path               append to a file, or write to a device such as /dev/usb/lp0 (readable for status)
  /dev/ttyUSB0, socket://host:port, rfc2217://host:port, loop://
                             a serial port, local or through a device server, opened by pyserial

Every wait has a limit. Data goes out in chunks and each chunk must be taken within `send_timeout`, so a printer
that accepts the connection and then stops reading is reported as a hang instead of blocking the print queue,
while a long job to a printer that keeps taking data is never cut short.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import socket
import stat
import time
from urllib.parse import unquote, urlsplit

import serial

from drivers.printer.errors import PrinterError, PrinterOffline, PrinterTimeout
from drivers.printer.facts import ADDRESS_FORMS, FILE, TCP, is_serial

CHUNK = 16 * 1024


class Transport:
    url: str
    #: Whether the far end's answers can be read back (status requests).
    can_read: bool = False

    def send(self, data: bytes) -> None:
        raise NotImplementedError

    def read(self, size: int, timeout: float) -> bytes:
        """Up to `size` bytes, waiting at most `timeout` seconds for the first; b"" if nothing came."""
        raise PrinterError(f"{self.url} cannot be read back", url=self.url)

    def read_exactly(self, size: int, timeout: float) -> bytes:
        deadline = time.monotonic() + timeout
        out = b""
        while len(out) < size and self.can_read:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            out += self.read(size - len(out), left)
        return out

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_transport(url: str, *, connect_timeout: float = 5.0, send_timeout: float = 10.0,
                   baudrate: int = 9600) -> Transport:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == TCP:
        return TcpTransport(url, connect_timeout=connect_timeout, send_timeout=send_timeout)
    if scheme == FILE:
        return FileTransport(url, send_timeout=send_timeout)
    if is_serial(url):
        return SerialTransport(url, send_timeout=send_timeout, baudrate=baudrate)
    raise PrinterError(f"Printer address {url!r} is not one this app can use: give {ADDRESS_FORMS}.", url=url)


class TcpTransport(Transport):
    can_read = True  # the socket reads; whether the printer answers is the language's business

    def __init__(self, url: str, *, connect_timeout: float, send_timeout: float):
        self.url = url
        parts = urlsplit(url)
        if not parts.hostname:
            raise PrinterError(f"Printer address {url!r} has no host name", url=url)
        self.host, self.port = parts.hostname, parts.port or 9100
        self.send_timeout = send_timeout
        where = f"{self.host}:{self.port}"
        try:
            self.sock = socket.create_connection((self.host, self.port), timeout=connect_timeout)
        except ConnectionRefusedError:
            raise PrinterOffline(
                f"The printer at {where} refused the connection: check it is switched on and not busy with "
                "another computer.", url=url) from None
        except TimeoutError:
            raise PrinterOffline(
                f"No answer from the printer at {where} within {connect_timeout:g} s: check it is switched on "
                "and plugged into the network.", url=url) from None
        except OSError as exc:
            raise PrinterOffline(f"Cannot reach the printer at {where}: {exc.strerror or exc}.", url=url) from None
        # A small send buffer makes the timeout measure what the printer takes, not what the kernel holds.
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, data: bytes) -> None:
        self.sock.settimeout(self.send_timeout)
        view = memoryview(data)
        try:
            for start in range(0, len(view), CHUNK):
                self.sock.sendall(view[start:start + CHUNK])
        except TimeoutError:
            raise PrinterTimeout(
                f"The printer at {self.host}:{self.port} stopped taking data for {self.send_timeout:g} s: it may "
                "be jammed, out of labels or hung. Check it, switch it off and on if needed, then print again.",
                url=self.url) from None
        except OSError as exc:
            raise PrinterOffline(
                f"The connection to the printer at {self.host}:{self.port} broke: {exc.strerror or exc}. Check it "
                "and print again.", url=self.url) from None

    def read(self, size: int, timeout: float) -> bytes:
        self.sock.settimeout(max(0.0, timeout))
        try:
            data = self.sock.recv(size)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as exc:
            raise PrinterOffline(f"The connection to the printer broke: {exc.strerror or exc}.", url=self.url) from None
        if not data:
            raise PrinterOffline(f"The printer at {self.host}:{self.port} closed the connection (switched off or "
                                 "reset).", url=self.url)
        return data

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


class FileTransport(Transport):
    def __init__(self, url: str, *, send_timeout: float):
        self.url = url
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise PrinterError(f"{url!r}: a file URL names a local path, file:///path", url=url)
        self.path = unquote(parts.path)
        self.send_timeout = send_timeout
        device = self.path.startswith("/dev/")
        flags = os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0)
        try:
            # A printer device can be read back for status; a plain file is appended to, never truncated.
            if device:
                try:
                    self.fd = os.open(self.path, flags | os.O_RDWR)
                except PermissionError:
                    self.fd = os.open(self.path, flags | os.O_WRONLY)
            else:
                self.fd = os.open(self.path, flags | os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except PermissionError:
            raise PrinterOffline(f"No permission to write to {self.path}: ask IT to add this user to the printer's group.", url=url) from None
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
                raise PrinterOffline(f"The printer at {self.path} is not there: check its cable and that it is switched on.", url=url) from None
            if exc.errno == errno.EBUSY:
                raise PrinterOffline(f"The printer at {self.path} is busy with another program.", url=url) from None
            raise PrinterOffline(f"Cannot open {self.path}: {exc.strerror}.", url=url) from None
        mode = os.fstat(self.fd).st_mode
        access = os.O_ACCMODE & fcntl.fcntl(self.fd, fcntl.F_GETFL)
        self.can_read = access == os.O_RDWR and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode))
        #: A file on disk rather than a printer: what is written there is all there is to it.
        self.is_plain_file = stat.S_ISREG(mode)

    def send(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            _, ready, _ = select.select([], [self.fd], [], self.send_timeout)
            if not ready:
                raise PrinterTimeout(
                    f"The printer at {self.path} stopped taking data for {self.send_timeout:g} s: it may be jammed, "
                    "out of labels or switched off. Check it and print again.", url=self.url)
            try:
                written = os.write(self.fd, view[:CHUNK])
            except BlockingIOError:
                continue
            except OSError as exc:
                raise PrinterOffline(f"Writing to {self.path} failed: {exc.strerror}. Check the printer.", url=self.url) from None
            view = view[written:]

    def read(self, size: int, timeout: float) -> bytes:
        if not self.can_read:
            return super().read(size, timeout)
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return b""
        try:
            data = os.read(self.fd, size)
        except BlockingIOError:
            return b""
        except OSError as exc:
            raise PrinterOffline(f"Reading from {self.path} failed: {exc.strerror}.", url=self.url) from None
        if not data:
            # End of file at once (/dev/null, say): nothing will ever answer, so stop offering to read.
            self.can_read = False
        return data

    def close(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


class SerialTransport(Transport):
    can_read = True

    def __init__(self, url: str, *, send_timeout: float, baudrate: int):
        self.url = url
        try:
            self.port = serial.serial_for_url(url, baudrate=baudrate, timeout=0, write_timeout=send_timeout)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PrinterOffline(f"Cannot open the printer port {url}: {exc}. Check the cable or the device server.", url=url) from None
        self.send_timeout = send_timeout

    def send(self, data: bytes) -> None:
        try:
            for start in range(0, len(data), CHUNK):
                self.port.write(data[start:start + CHUNK])
            self.port.flush()
        except serial.SerialTimeoutException:
            raise PrinterTimeout(
                f"The printer on {self.url} stopped taking data for {self.send_timeout:g} s: it may be jammed, "
                "out of labels or switched off. Check it and print again.", url=self.url) from None
        except (serial.SerialException, OSError) as exc:
            raise PrinterOffline(f"The printer port {self.url} failed: {exc}. Check the cable.", url=self.url) from None

    def read(self, size: int, timeout: float) -> bytes:
        try:
            self.port.timeout = max(0.0, timeout)
            return self.port.read(size)
        except (serial.SerialException, OSError) as exc:
            raise PrinterOffline(f"The printer port {self.url} failed: {exc}. Check the cable.", url=self.url) from None

    def close(self) -> None:
        try:
            self.port.close()
        except (serial.SerialException, OSError):
            pass
