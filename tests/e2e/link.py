"""A network link between the browser and the server that a test can cut and mend: a TCP relay on loopback.

Cutting closes every connection through it and refuses new ones, as a pulled cable or a Wi-Fi drop would look
to both ends; mending lets connections through again.
"""
from __future__ import annotations

import asyncio
import threading

from tests.e2e.procs import free_port


class Link:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._up = True
        self._writers: set[asyncio.StreamWriter] = set()
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-link", daemon=True)
        self._thread.start()
        self._started.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._accept, "127.0.0.1", self.port))
        self._started.set()
        try:
            self._loop.run_forever()
        finally:
            server.close()
            self._loop.run_until_complete(server.wait_closed())
            self._loop.close()

    async def _accept(self, reader, writer) -> None:
        if not self._up:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self._writers.discard(writer)
            writer.close()

    def _call(self, fn) -> None:
        asyncio.run_coroutine_threadsafe(fn(), self._loop).result(10)

    def cut(self) -> None:
        async def cut():
            self._up = False
            for writer in list(self._writers):
                writer.transport.abort()  # no goodbye: the far end learns it from the broken connection
            self._writers.clear()

        self._call(cut)

    def mend(self) -> None:
        async def mend():
            self._up = True

        self._call(mend)

    def close(self) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
