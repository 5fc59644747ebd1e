"""Map tiles without Qt: an MBTiles store, the tile source the map reads through, offline preparation.

Nothing here imports Qt or httpx at package level: `fetch` (httpx) is imported only by the
composition root, which hands a fetcher factory to `library.TileLibrary`; the ui uses the rest.
"""
