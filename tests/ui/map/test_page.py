"""The base page: written once to the user cache, offline assets only, no URL but the tile template."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sety_console.ui.map.page import DEFAULT_TILE_URL, BasemapConfig, ensure_page

URL = re.compile(r"https?://[^\s\"'()<>\\]+")
# URLs that sit in the vendored files but are never fetched: an XML namespace, links in licence
# comments and Leaflet's default attribution prefix (which the page replaces with plain text).
NOT_FETCHED = {
    "http://www.w3.org/2000/svg",
    "https://leafletjs.com",
    "https://bugs.chromium.org/p/chromium/issues/detail?id=600120",
    "https://bugzilla.mozilla.org/show_bug.cgi?id=888319",
    "https://github.com/Leaflet/Leaflet.heat",
    "https://github.com/Leaflet/Leaflet.heat/pull/78",
    "https://github.com/mourner/simpleheat",
    "https://leaflet.github.io/Leaflet.heat/dist/leaflet-heat.js",
}


def test_page_is_written_to_the_user_cache_dir_and_links_local_assets_only() -> None:
    page = ensure_page()
    cache_home = Path(os.environ["XDG_CACHE_HOME"])
    assert page.is_relative_to(cache_home / "sety-console" / "map")
    html = page.read_text(encoding="utf-8")
    links = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert {"assets/leaflet.js", "assets/jquery.min.js", "assets/coastline.js", "assets/incidents.js"} <= set(
        links
    )
    assert "assets/leaflet-heat.js" in links
    assert "assets/qwebchannel.js" in links
    for link in links:
        assert link.startswith("assets/"), link
        assert (page.parent / link).is_file(), f"{link} is linked but missing"
    assert set(URL.findall(html)) == {DEFAULT_TILE_URL}
    assert ensure_page() == page  # built once per process


def test_assets_fetch_nothing_remote() -> None:
    assets = ensure_page().parent / "assets"
    names = {p.name for p in assets.iterdir()}
    assert {"leaflet.css", "MarkerCluster.css", "icons.css", "map.css", "map.js", "intel.js"} <= names
    assert (assets / "images" / "marker-icon.png").is_file()
    for path in assets.rglob("*"):
        if path.suffix not in (".js", ".css", ".html"):
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".css":
            for target in re.findall(r"url\(\s*['\"]?([^'\")]+)", re.sub(r"/\*.*?\*/", "", text, flags=re.S)):
                assert not re.match(r"(https?:)?//", target.strip()), f"{path.name} loads {target}"
        remote = set(URL.findall(text)) - NOT_FETCHED
        assert not remote, f"{path.name} references {remote}"


def test_a_self_hosted_tile_server_replaces_the_default(tmp_path: Path) -> None:
    custom = BasemapConfig(tile_url="https://tiles.example.org/osm/{z}/{x}/{y}.png", attribution="Our tiles")
    html = ensure_page(custom, tmp_path).read_text(encoding="utf-8")
    assert set(URL.findall(html)) == {custom.tile_url}
    assert "Our tiles" in html
    no_tiles = ensure_page(BasemapConfig(tile_url=""), tmp_path).read_text(encoding="utf-8")
    assert URL.findall(no_tiles) == []


def test_the_page_is_identical_across_builds(tmp_path: Path) -> None:
    """Same settings, same file: the cache does not fill with copies on every start."""
    from sety_console.ui.map.page import build_page_html

    assert build_page_html(BasemapConfig()) == build_page_html(BasemapConfig())
    ensure_page(BasemapConfig(), tmp_path)
    assert len(list(tmp_path.glob("map-*.html"))) == 1
