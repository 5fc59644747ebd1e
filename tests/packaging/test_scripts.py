"""The build and smoke scripts are valid shell, and the Windows installer script names files that exist."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from tests.packaging.paths import PACKAGING, ROOT

SCRIPTS = [PACKAGING / "build.sh", PACKAGING / "smoke.sh"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_script_is_executable_bash(script: os.PathLike[str]) -> None:
    assert os.access(script, os.X_OK)
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_script_passes_shellcheck(script: os.PathLike[str]) -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    result = subprocess.run([shellcheck, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def test_smoke_runs_the_bundle_with_a_clean_environment() -> None:
    smoke = (PACKAGING / "smoke.sh").read_text()
    assert "env -i" in smoke
    assert "QT_QPA_PLATFORM=offscreen" in smoke
    assert "--self-test" in smoke
    assert "self-test not available yet" in smoke


def test_inno_setup_script_names_existing_files() -> None:
    iss = (PACKAGING / "windows" / "sety-console.iss").read_text()
    assert re.search(r"^AppId=\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}$", iss, re.MULTILINE)
    icon = re.search(r"^SetupIconFile=(.+)$", iss, re.MULTILINE)
    assert icon is not None
    assert (PACKAGING / "windows" / icon.group(1).strip()).is_file()
    bundle = re.search(r'#define BundleDir "(.+)"', iss)
    assert bundle is not None
    bundle_dir = (PACKAGING / "windows" / bundle.group(1).replace("\\", "/")).resolve()
    assert bundle_dir == ROOT / "dist" / "sety-console"
    assert '#define AppExe "sety-console.exe"' in iss
