"""Where the packaging files live (shared by the packaging checks)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
LINUX = PACKAGING / "linux"
HICOLOR = LINUX / "icons" / "hicolor"
APP_ID = "io.sety.Console"
DESKTOP_FILE = LINUX / f"{APP_ID}.desktop"
METAINFO_FILE = LINUX / f"{APP_ID}.metainfo.xml"
SPEC_FILE = PACKAGING / "sety-console.spec"
APP_ICON_DIR = ROOT / "resources" / "icons" / "app"
