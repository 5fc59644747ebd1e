"""The httpx tile fetcher: one tile server, a User-Agent naming the console, TLS verified.

Only the composition root imports this module (the ui never imports httpx); it hands
`HttpTileFetcher` to `library.TileLibrary` as the fetcher factory.
"""

from __future__ import annotations

import httpx

from sety_console import __version__

from .errors import TileFetchError, TileNotFound
from .tilemath import TileKey

USER_AGENT = f"SetyConsole/{__version__} (Sety Console dispatcher desktop application)"
"""Tile usage policies (OpenStreetMap's among them) ask for an agent that names the application."""
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
SUBDOMAINS = "abc"
_NO_TILE = {204, 404, 410}
_BUSY = {429, 502, 503, 504}


def tile_url(template: str, key: TileKey) -> str:
    """Fill a Leaflet-style template: `{z}`, `{x}`, `{y}`, `{s}` (a/b/c) and `{r}` (no retina)."""
    return (
        template.replace("{z}", str(key.z))
        .replace("{x}", str(key.x))
        .replace("{y}", str(key.y))
        .replace("{s}", SUBDOMAINS[(key.x + key.y) % len(SUBDOMAINS)])
        .replace("{r}", "")
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class HttpTileFetcher:
    """Blocking fetches over one keep-alive connection pool; safe to call from several threads."""

    def __init__(self, template: str, *, client: httpx.Client | None = None) -> None:
        self.template = template
        self._client = client or httpx.Client(
            headers={"User-Agent": USER_AGENT},
            timeout=TIMEOUT,
            follow_redirects=True,
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
        )

    def fetch(self, key: TileKey) -> bytes:
        url = tile_url(self.template, key)
        try:
            response = self._client.get(url)
        except httpx.TransportError as exc:
            raise TileFetchError(f"{url}: {exc.__class__.__name__}: {exc}", offline=True) from exc
        if response.status_code in _NO_TILE:
            raise TileNotFound(url)
        if response.status_code != 200:
            raise TileFetchError(
                f"{url}: the tile server answered {response.status_code}",
                retry_after=_retry_after(response) if response.status_code in _BUSY else None,
            )
        if not response.content:
            raise TileNotFound(url)
        return response.content

    def close(self) -> None:
        self._client.close()
