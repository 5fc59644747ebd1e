"""Child process of the crash test: a console session that submits a note, or replays its outbox.

python crash_child.py BASE_URL KEY DATA_DIR INCIDENT_ID submit   # queue the note, deliver (killed)
python crash_child.py BASE_URL KEY DATA_DIR INCIDENT_ID replay   # restart: deliver what is open, exit 0
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sety_console.api import SetyClient
from sety_console.core.session import ConsoleSession

NOTE = "Crash test: caller confirmed safe"


async def main(base_url: str, key: str, data_dir: str, incident_id: str, mode: str) -> int:
    async with SetyClient(base_url, key, timeout=10.0) as client:
        # a note whose try was cut short is looked up once it can no longer arrive: 10 s + 2 s here
        session = ConsoleSession(
            client, data_dir=Path(data_dir), operator_name="Op Crash", outbox_quiet_margin_s=2.0
        )
        if mode == "submit":
            await session.add_note(incident_id, NOTE)
            print("submitted", flush=True)
        await session.start()
        for _ in range(600):
            if mode == "replay" and not session.outbox.open_entries():
                await session.close()
                print("replayed", flush=True)
                return 0
            await asyncio.sleep(0.1)
        await session.close()
        return 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:6])))
