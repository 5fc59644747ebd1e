"""`sety-console report`: headless PDFs from a running sandbox, the same key sources as the console,
and clear words when something is missing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from sety_console.api import SetyClient
from sety_console.api.models import ACTIVE_STATUSES, CreateIncidentRequest, Incident
from sety_console.cli import main
from sety_console.config import Settings, sandbox_database, save_settings
from sety_console.core.handover.report_html import SECTION_TITLES
from tests.sandbox_process import SandboxProcess

from .test_report_pdf import pdf_text


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    with SandboxProcess(tmp_path_factory.mktemp("report-sandbox") / "sandbox.db", seed="demo") as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def key(server: SandboxProcess) -> str:
    return server.keys["supervisor"]


def open_incidents(server: SandboxProcess, key: str) -> list[Incident]:
    async def fetch() -> list[Incident]:
        async with SetyClient(server.base_url, key) as client:
            return [i async for i in client.iter_incidents(status=sorted(ACTIVE_STATUSES), limit=100)]

    return asyncio.run(fetch())


def test_report_from_a_running_api(
    qapp: QApplication,
    server: SandboxProcess,
    key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SETY_API_KEY", key)
    out = tmp_path / "shift.pdf"
    assert main(["report", "--api-url", server.base_url, "--hours", "24", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"Wrote {out}: ")
    text = pdf_text(out)
    for title in SECTION_TITLES:
        assert title in text
    still_open = open_incidents(server, key)
    assert still_open, "the demo sandbox has open incidents"
    for incident in still_open:
        assert incident.incident_id in text
    assert f"from {server.base_url}" in text


def test_filters_are_honoured(
    qapp: QApplication, server: SandboxProcess, key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SETY_API_URL", server.base_url)
    monkeypatch.setenv("SETY_API_KEY", key)
    out = tmp_path / "sos.pdf"
    assert (
        main(
            ["report", "--hours", "24", "--category", "sos", "--severity", "critical,high", "--out", str(out)]
        )
        == 0
    )
    text = pdf_text(out)
    assert "Filters: SOS · Critical, High" in text
    for incident in open_incidents(server, key):
        wanted = incident.category.value == "sos" and incident.severity.value in ("critical", "high")
        assert (incident.incident_id in text) == wanted


def test_headless_in_a_fresh_process(server: SandboxProcess, key: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["SETY_API_KEY"] = key
    env["SETY_TIME_ZONE"] = "Africa/Lagos"
    out = tmp_path / "cron.pdf"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sety_console",
            "report",
            "--api-url",
            server.base_url,
            "--out",
            str(out),
            "--from",
            "2026-03-10T06:00Z",
            "--to",
            "2026-03-10T18:00+01:00",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = pdf_text(out)
    assert "Shift handover — 2026-03-10 07:00 to 18:00 WAT" in text
    assert "Times in Africa/Lagos (WAT, UTC+01:00)" in text
    assert result.stdout.startswith(f"Wrote {out}: ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "No Sety API is configured: save one in the console (File → Connection…)"),
        (["--api-url", "http://127.0.0.1:9/v1/external"], "No API key for http://127.0.0.1:9/v1/external"),
        (["--sandbox", "--from", "yesterday"], "--from 'yesterday' is not an ISO time"),
        (
            ["--sandbox", "--from", "2026-03-10T18:00Z", "--to", "2026-03-10T06:00"],
            "must end after it starts",
        ),
        (
            ["--sandbox", "--severity", "urgent"],
            "Unknown severity 'urgent': choose from low, medium, high, critical",
        ),
        (["--sandbox", "--hours", "0"], "--hours must be more than 0"),
    ],
)
def test_setup_problems_are_said_in_words(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--out", str(tmp_path / "x.pdf"), *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


def test_server_refusals_and_disk_problems_exit_1(
    qapp: QApplication,
    server: SandboxProcess,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SETY_API_KEY", "sety_test_" + "0" * 32)
    assert main(["report", "--api-url", server.base_url, "--out", str(tmp_path / "x.pdf")]) == 1
    assert "the report could not be written" in capsys.readouterr().err
    monkeypatch.setenv("SETY_API_KEY", server.keys["supervisor"])
    assert main(["report", "--api-url", server.base_url, "--out", str(tmp_path / "no" / "x.pdf")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_the_url_saved_by_the_connection_dialog_is_used(
    qapp: QApplication,
    server: SandboxProcess,
    key: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """File → Connection… saves the URL in settings.json (the key in the keyring, here the environment)."""
    save_settings(Settings(api_url=server.base_url), tmp_path / "settings.json")
    monkeypatch.setattr("sety_console.config.settings_path", lambda: tmp_path / "settings.json")
    monkeypatch.setenv("SETY_API_KEY", key)
    out = tmp_path / "saved.pdf"
    assert main(["report", "--hours", "24", "--out", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"Wrote {out}: ")
    assert server.base_url.rstrip("/") in pdf_text(out)


def test_sandbox_option_reads_the_consoles_sandbox(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--sandbox joins the sandbox the console runs (same database), not a temporary one."""
    with SandboxProcess(sandbox_database(), seed="demo") as running:
        answer = asyncio.run(_create_sos(running.base_url, running.keys["operator"]))
        out = tmp_path / "demo.pdf"
        assert main(["report", "--sandbox", "--hours", "2", "--out", str(out)]) == 0
    text = pdf_text(out)
    assert "from the console's demo sandbox" in text
    assert answer in text
    assert "Using the console's demo sandbox" in capsys.readouterr().err


async def _create_sos(base_url: str, key: str) -> str:
    async with SetyClient(base_url, key) as client:
        created = await client.create_incident(
            CreateIncidentRequest.model_validate(
                {
                    "category": "sos",
                    "severity": "critical",
                    "subject": {"name": "Report Check"},
                    "location": {"coordinates": [3.39, 6.45], "address": "1 Report Close, Ikoyi"},
                }
            )
        )
    return created.incident.incident_id


def test_sandbox_option_needs_no_url_or_key(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "demo.pdf"
    assert main(["report", "--sandbox", "--out", str(out)]) == 0
    assert "from the console's demo sandbox" in pdf_text(out)
    assert "Using the console's demo sandbox" in capsys.readouterr().err
