"""With a certificate the hub speaks HTTPS and WSS; consoles verify it (an unknown certificate is refused)."""

from __future__ import annotations

import random
import shutil
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest

from sety_console.api import SetyClient
from sety_console.api.errors import ConnectionLostError
from sety_console.api.hub_stream import hub_stream
from sety_console.core.hub_session import connect_to_hub
from sety_console.hub.hub import HubConfig
from sety_console.hub.server import HubServer
from sety_console.sandbox.server import SandboxServer

from .conftest import incident_request, wait_for

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command")


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[str, str]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


@pytest.mark.asyncio
async def test_the_hub_over_tls(
    certificate: tuple[str, str],
    sandbox: SandboxServer,
    keys: dict[str, str],
    hub_database: str,
    direct: SetyClient,
    tmp_path: Path,
) -> None:
    certfile, keyfile = certificate
    config = HubConfig(database_url=hub_database, api_url=sandbox.base_url, api_key=keys["admin"])
    with HubServer(config, certfile=certfile, keyfile=keyfile) as server:
        assert server.contract_url.startswith("https://")
        token = server.add_operator("Ada")
        trusted = ssl.create_default_context(cafile=certfile)
        ada = connect_to_hub(
            server.contract_url,
            token,
            data_dir=tmp_path / "ada",
            operator_name="Ada",
            ssl_context=trusted,
            client_options={"transport": httpx.AsyncHTTPTransport(verify=trusted)},
        )
        await ada.session.start()
        try:
            incident = (await direct.create_incident(incident_request(random.Random(31)))).incident
            await wait_for(lambda: incident.incident_id in ada.session.incidents)
            assert (await ada.hub.whoami()).operator == "Ada"
        finally:
            await ada.close()
        with pytest.raises(ConnectionLostError):  # the system's trust store does not know this certificate
            async for _ in hub_stream(server.contract_url, token):
                pass
