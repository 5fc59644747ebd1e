"""Several hubs of one control room, one address at a time: a workstation moves to the next hub when
the one it uses cannot be reached.

    addresses = HubAddresses(["https://hub-a:8443/v1/external", "https://hub-b:8443/v1/external"])
    client = HubContractClient(addresses.urls[0], token, transport=FailoverTransport(addresses))

Every request goes to `addresses.current`; one whose connection cannot even be opened (refused,
unreachable, connect timeout: nothing reached the hub, so nothing can have been done twice) is sent to
the next address at once, and that address stays current for every client sharing `addresses` (the
stream follows it too). Any later failure is the caller's, as with one hub.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from .hub_stream import hub_root

__all__ = ["FailoverTransport", "HubAddresses"]


class HubAddresses:
    """The hubs' contract URLs (`…/v1/external`), and which one is in use."""

    def __init__(self, urls: Sequence[str]) -> None:
        cleaned = [u.rstrip("/") for u in urls if u.strip()]
        if not cleaned:
            raise ValueError("give at least one hub URL")
        self.urls: list[str] = list(dict.fromkeys(cleaned))
        self._index = 0

    @property
    def current(self) -> str:
        return self.urls[self._index]

    def use(self, url: str) -> None:
        """Make `url` current (a stream connected there)."""
        self._index = self.urls.index(url.rstrip("/"))

    def advance(self, failed: str) -> str:
        """`failed` could not be reached: the next address (unless another caller moved on already)."""
        if failed.rstrip("/") == self.current:
            self._index = (self._index + 1) % len(self.urls)
        return self.current

    def __len__(self) -> int:
        return len(self.urls)


class FailoverTransport(httpx.AsyncBaseTransport):
    """Sends each request to the current hub; moves on when a hub's connection cannot be opened."""

    def __init__(self, addresses: HubAddresses, inner: httpx.AsyncBaseTransport | None = None) -> None:
        self.addresses = addresses
        self._inner = inner or httpx.AsyncHTTPTransport()
        self._base = hub_root(addresses.urls[0])

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        original = str(request.url)
        failure: httpx.TransportError | None = None
        for _ in range(len(self.addresses)):  # each hub once, the current one first
            target = self.addresses.current
            _point(request, original, self._base, hub_root(target))
            try:
                return await self._inner.handle_async_request(request)
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                failure = exc
                self.addresses.advance(target)
        assert failure is not None
        raise failure

    async def aclose(self) -> None:
        await self._inner.aclose()


def _point(request: httpx.Request, original: str, base: str, root: str) -> None:
    """Aim `request` (built against `base`) at the hub at `root`."""
    if not original.startswith(base) or base == root:
        url = httpx.URL(original)
    else:
        url = httpx.URL(root + original[len(base) :])
    request.url = url
    request.headers["Host"] = url.netloc.decode("ascii")
