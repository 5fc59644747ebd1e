from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fake_tiles import FakeTileServer


@pytest.fixture
def tile_server() -> Iterator[FakeTileServer]:
    server = FakeTileServer().start()
    yield server
    server.stop()
