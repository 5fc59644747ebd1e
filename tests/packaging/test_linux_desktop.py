"""The .desktop entry and AppStream metainfo agree with each other, with the icons and with the project."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from sety_console import __version__
from tests.packaging.paths import APP_ID, DESKTOP_FILE, HICOLOR, METAINFO_FILE

MAIN_CATEGORIES = {"AudioVideo", "Development", "Education", "Game", "Graphics", "Network", "Office",
                   "Science", "Settings", "System", "Utility"}  # fmt: skip


@pytest.fixture(scope="module")
def entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(DESKTOP_FILE.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return parser["Desktop Entry"]


@pytest.fixture(scope="module")
def metainfo() -> ET.Element:
    return ET.parse(METAINFO_FILE).getroot()


def test_desktop_entry_launches_the_command_with_its_icon(
    entry: configparser.SectionProxy, command_name: str
) -> None:
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Sety Console"
    assert entry["Exec"].split()[0] == command_name
    assert entry["TryExec"] == command_name
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == APP_ID
    assert (HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    categories = entry["Categories"]
    assert categories.endswith(";")
    assert MAIN_CATEGORIES & set(categories.split(";"))


def test_desktop_entry_passes_desktop_file_validate() -> None:
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed (apt-get install desktop-file-utils)")
    result = subprocess.run([validator, str(DESKTOP_FILE)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not result.stdout.strip(), result.stdout  # no warnings either


def test_metainfo_has_the_required_elements(metainfo: ET.Element, pyproject: dict[str, Any]) -> None:
    assert metainfo.tag == "component"
    assert metainfo.get("type") == "desktop-application"
    assert metainfo.findtext("id") == APP_ID
    assert metainfo.findtext("metadata_license") == "CC0-1.0"
    assert metainfo.findtext("project_license") == pyproject["project"]["license"]
    assert metainfo.findtext("name") == "Sety Console"
    assert (metainfo.findtext("summary") or "").strip()
    description = metainfo.find("description")
    assert description is not None
    assert description.findall("p")
    assert metainfo.find("content_rating") is not None


def test_metainfo_points_at_the_desktop_entry_and_the_command(
    metainfo: ET.Element, command_name: str
) -> None:
    launchable = metainfo.find("launchable")
    assert launchable is not None
    assert launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP_FILE.name
    assert metainfo.findtext("provides/binary") == command_name


def test_metainfo_lists_the_current_release(metainfo: ET.Element) -> None:
    versions = [release.get("version") for release in metainfo.iterfind("releases/release")]
    assert __version__ in versions, "add a <release> for the new version to the metainfo"
    assert versions[0] == __version__, "the newest release comes first"


def test_metainfo_passes_appstreamcli_validate() -> None:
    validator = shutil.which("appstreamcli")
    if validator is None:
        pytest.skip("appstreamcli is not installed (apt-get install appstream)")
    result = subprocess.run(
        [validator, "validate", "--no-net", str(METAINFO_FILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
