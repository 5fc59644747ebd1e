"""Operator tokens: added and listed by the CLI, stored hashed, revoked mid-shift (also on an open stream)."""

from __future__ import annotations

import asyncio
import io
import random
from contextlib import redirect_stdout

import pytest
from sqlalchemy import select

from sety_console.api import AuthenticationError, SetyClient
from sety_console.cli import main
from sety_console.core.connection import ConnectionState
from sety_console.core.hub_link import LinkState
from sety_console.hub.db import HubDatabase, OperatorRow

from .conftest import MakeRig, incident_request, wait_for

pytestmark = pytest.mark.asyncio


def cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["hub", *args])
    return code, out.getvalue()


async def test_tokens_are_issued_once_and_stored_hashed(hub_database: str) -> None:
    code, out = cli("add-operator", "Ada Obi", "--db", hub_database)
    token = out.strip().splitlines()[-1]
    assert code == 0
    assert token.startswith("sety_hub_")
    db = HubDatabase(hub_database)
    with db.session() as session:
        stored = session.scalars(select(OperatorRow)).all()
    db.close()
    assert [r.name for r in stored] == ["Ada Obi"]
    assert token not in stored[0].token_hash
    code, out = cli("list-operators", "--db", hub_database)
    assert code == 0
    assert "Ada Obi" in out
    assert "active" in out
    assert token not in out
    assert cli("revoke-operator", "Nobody", "--db", hub_database)[0] == 1


async def test_a_token_revoked_mid_shift_is_refused_at_once(
    make_rig: MakeRig, hub_database: str, direct: SetyClient
) -> None:
    rig = await make_rig()
    ada = await rig.console("Ada")
    bo = await rig.console("Bo")
    states: list[LinkState] = []
    ada.link.link_changed.connect(states.append)
    await wait_for(lambda: ada.link.seq is not None and bo.link.seq is not None)

    code, _out = await asyncio.to_thread(
        cli, "revoke-operator", "Ada", "--db", hub_database
    )  # another process's job
    assert code == 0
    with pytest.raises(AuthenticationError):
        await ada.client.list_incidents(limit=1)  # HTTP: refused at once
    await wait_for(lambda: LinkState.REFUSED in states, timeout=3)  # the open stream is closed
    assert ada.session.connection.status.state is ConnectionState.UNAUTHORIZED
    await wait_for(lambda: "Ada" not in {s.operator for s in bo.link.on_shift}, timeout=3)

    incident = (await direct.create_incident(incident_request(random.Random(11)))).incident
    await wait_for(lambda: incident.incident_id in bo.session.incidents)  # Bo works on
    assert incident.incident_id not in ada.session.incidents
    assert cli("list-operators", "--db", hub_database)[1].count("revoked") == 1
