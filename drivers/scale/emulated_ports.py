"""The emulator's end of the cable: a pseudo-terminal, or a TCP port like a serial device server.

Both can be unplugged and plugged back, so a driver sees a port vanish and return. The pty is reached the way
udev presents a USB serial adapter: a kernel name (`ttyUSB0`) and a stable name that follows the device
(`serial/by-id/usb-...`), both symlinks here. Unplugged, both go; plugged back, a fresh pty appears under the
same kernel name, or under the next one (`ttyUSB1`, as when the old name is still held) with the by-id link
re-pointed to it. The TCP port can drop its connection while still listening, or stop listening and later
listen again on the same number.
"""

from __future__ import annotations

import contextlib
import errno
import os
import select
import shutil
import socket
import tempfile
import tty

BY_ID = "usb-jobfloor_Emulated_Scale_EMU0000001-if00-port0"


class PtyLink:
    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="jobfloor-scale-")
        os.makedirs(os.path.join(self._dir, "serial", "by-id"))
        # The stable name: what a site should set as the scale's port.
        self.url = os.path.join(self._dir, "serial", "by-id", BY_ID)
        self._number = 0
        self._master: int | None = None
        self._slave: int | None = None

    @property
    def device(self) -> str:
        """The kernel name the adapter has now (`.../ttyUSB0`)."""
        return os.path.join(self._dir, f"ttyUSB{self._number}")

    def open(self, new_name: bool = False) -> None:
        master, slave = os.openpty()
        # Raw before the driver opens it: a fresh pty echoes and translates CR, which would corrupt the line.
        tty.setraw(slave)
        os.set_blocking(master, False)
        # Holding our own slave open keeps the pty alive when the driver closes and reopens it.
        self._master, self._slave = master, slave
        if new_name:
            self._number += 1
        os.symlink(os.ttyname(slave), self.device)
        os.symlink(os.path.join("..", "..", os.path.basename(self.device)), self.url)

    def close(self) -> None:
        for path in (self.url, self.device):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def shutdown(self) -> None:
        self.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def wait(self, timeout: float) -> bytes:
        if self._master is None:
            return b""
        ready, _, _ = select.select([self._master], [], [], timeout)
        if not ready:
            return b""
        try:
            return os.read(self._master, 4096)
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno == errno.EIO:  # no one has the slave open
                return b""
            raise

    def send(self, data: bytes) -> bool:
        """Write, or drop what does not fit, as a serial line does when nobody is reading."""
        if self._master is None:
            return False
        try:
            return os.write(self._master, data) == len(data)
        except (BlockingIOError, OSError):
            return False


class SocketLink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"socket://{self._host}:{self._port}"

    def open(self, new_name: bool = False) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self._host, self._port))
        listener.listen(1)
        listener.setblocking(False)
        self._port = listener.getsockname()[1]  # keep the number so a reconnect listens on the same one
        self._listener = listener

    def close(self) -> None:
        self._drop_client()
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def shutdown(self) -> None:
        self.close()

    def drop(self) -> None:
        """The device server drops the host's connection but keeps listening, as after a network blip."""
        self._drop_client()

    def wait(self, timeout: float) -> bytes:
        sockets = [s for s in (self._listener, self._client) if s is not None]
        if not sockets:
            return b""
        ready, _, _ = select.select(sockets, [], [], timeout)
        if self._listener in ready:
            client, _ = self._listener.accept()
            self._drop_client()  # a device server serves one host at a time: the newest wins
            client.setblocking(False)
            self._client = client
        if self._client is not None and self._client in ready:
            try:
                data = self._client.recv(4096)
            except (BlockingIOError, InterruptedError):
                return b""
            except OSError:
                data = b""
            if not data:
                self._drop_client()
            return data
        return b""

    def send(self, data: bytes) -> bool:
        if self._client is None:
            return False
        try:
            return self._client.send(data) == len(data)
        except BlockingIOError:
            return False
        except OSError:
            self._drop_client()
            return False

    def _drop_client(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
