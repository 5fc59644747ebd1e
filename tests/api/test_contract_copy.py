"""The vendored contract (contract/) is an unchanged copy of the team's shared one, when that is present."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract import CONTRACT_DIR

SHARED = CONTRACT_DIR.parent.parent / "shared" / "sety-api"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared sety-api folder next to this checkout")
def test_vendored_contract_equals_the_shared_one() -> None:
    vendored = {k: v for k, v in _files(CONTRACT_DIR).items() if k != "COPY.md"}
    assert vendored == _files(SHARED), "contract/ differs from ../shared/sety-api: copy it again, unchanged"
