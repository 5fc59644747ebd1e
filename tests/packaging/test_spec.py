"""The PyInstaller spec parses, collects what the console needs at run time and excludes only unused Qt."""

from __future__ import annotations

import ast
import re

import pytest

from tests.packaging.paths import PACKAGING, ROOT, SPEC_FILE

# Qt modules the console imports lazily and works without (ui/sound.py falls back to a system player).
OPTIONAL_QT = {"QtMultimedia"}
# Named in the task as unused; each must stay excluded.
MUST_EXCLUDE = {
    "Qt3DCore", "Qt3DRender", "QtQuick3D", "QtCharts", "QtDataVisualization", "QtMultimedia", "QtBluetooth",
    "QtNfc", "QtSensors", "QtSerialPort", "QtTextToSpeech", "QtLocation", "QtRemoteObjects", "QtScxml",
    "QtSpatialAudio", "QtHttpServer", "QtGraphs", "QtDesigner",
}  # fmt: skip
# Windows-only bindings, absent from a Linux PySide6.
PLATFORM_ONLY_QT = {"QtAxContainer"}


@pytest.fixture(scope="module")
def spec_tree() -> ast.Module:
    return ast.parse(SPEC_FILE.read_text(), filename=str(SPEC_FILE))


def _calls(tree: ast.Module, function: str) -> list[str]:
    """First string argument of every call to `function` in the spec."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == function:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.append(first.value)
    return found


def _assigned_list(tree: ast.Module, name: str) -> list[str]:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise AssertionError(f"the spec does not define {name}")


def _qt_modules_imported_by_the_console() -> set[str]:
    pattern = re.compile(r"(?:from|import)\s+PySide6(?:\.(\w+)|\s+import\s+(\w+))")
    modules = set()
    for path in (ROOT / "sety_console").rglob("*.py"):
        for dotted, plain in pattern.findall(path.read_text(encoding="utf-8")):
            modules.add(dotted or plain)
    return modules


def test_spec_builds_a_one_dir_bundle_from_the_entry_point(spec_tree: ast.Module) -> None:
    called = {
        node.func.id
        for node in ast.walk(spec_tree)
        if isinstance(node, ast.Call) and hasattr(node.func, "id")
    }
    assert {"Analysis", "PYZ", "EXE", "COLLECT"} <= called  # COLLECT = one-dir, not one-file
    entry = (PACKAGING / "entry_point.py").read_text()
    assert "from sety_console.cli import main" in entry
    assert "entry_point.py" in SPEC_FILE.read_text()


def test_spec_collects_package_data_and_templates(spec_tree: ast.Module) -> None:
    assert {"sety_console", "folium", "branca"} <= set(_calls(spec_tree, "collect_data_files"))


def test_spec_collects_dynamically_imported_modules(spec_tree: ast.Module) -> None:
    assert {"sety_console", "uvicorn"} <= set(_calls(spec_tree, "collect_submodules"))


def test_qt_excludes_are_real_modules_the_console_does_not_need(spec_tree: ast.Module) -> None:
    import PySide6

    excluded = set(_assigned_list(spec_tree, "QT_EXCLUDES"))
    assert excluded >= MUST_EXCLUDE
    assert excluded - set(PySide6.__all__) <= PLATFORM_ONLY_QT, "misspelt Qt module in QT_EXCLUDES"
    needed = _qt_modules_imported_by_the_console() - OPTIONAL_QT
    assert not needed & excluded, f"the console imports excluded Qt modules: {sorted(needed & excluded)}"
    assert not {"QtWebEngineCore", "QtWebEngineWidgets", "QtWebChannel", "QtSvg"} & excluded


def test_every_resource_is_collected() -> None:
    """The spec bundles the whole top-level resources/ folder where `sety_console.assets` looks for it."""
    assert '(str(ROOT / "resources"), "sety_console/resources")' in SPEC_FILE.read_text()
    shipped = [path for path in (ROOT / "resources").rglob("*") if path.is_file()]
    assert len(shipped) > 20  # leaflet, sounds, icons, themes, map JS/CSS
    from sety_console.assets import asset_path

    for folder in ("leaflet", "map", "sounds", "themes", "icons"):
        assert asset_path(folder).is_dir(), folder
