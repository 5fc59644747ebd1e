"""A TCP relay in front of the sandbox that can stop answering — connections stay open, nothing comes
back (a hung server, not a dead one: no error reaches the client until its own timeout) — or refuse
connections altogether (the network is down: the client knows at once that nothing was sent)."""

from __future__ import annotations

import asyncio
import threading


class HangingProxy:
    """`with HangingProxy(port) as proxy:` … `proxy.hang.set()` … `proxy.hang.clear()`."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.hang = threading.Event()
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="hanging-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    def url(self, base_url: str) -> str:
        """`base_url` (the sandbox's) with the proxy's port instead."""
        return base_url.replace(f":{self.target[1]}/", f":{self.port}/")

    def __enter__(self) -> HangingProxy:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._relay, "127.0.0.1", 0), self._loop
        ).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def refuse(self) -> None:
        """Stop listening and cut every open connection: new ones are refused."""

        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for writer in list(self._links):
                writer.close()
            await self._server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)

    def accept(self) -> None:
        """Listen again, on the same port."""
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._relay, "127.0.0.1", self.port), self._loop
        ).result(10)

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self._links.update((writer, up_writer))
        try:
            await asyncio.gather(
                self._pump(reader, up_writer), self._pump(up_reader, writer), return_exceptions=True
            )
        finally:
            self._links.difference_update((writer, up_writer))

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        try:
            while data := await source.read(65536):
                while self.hang.is_set():  # hold everything: the other side waits forever  # noqa: ASYNC110
                    await asyncio.sleep(0.05)  # (a threading.Event, set from the test's thread)
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()
