"""A counter typing on the applicant form, headless, in a child process the parent kills.

``python -m tests.functional.typing_child HOME KEYS_JSON`` opens a fresh draft's 确认信息, presses
the keys one by one as the clerk would, prints ``typed`` and waits to be killed.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path


async def type_and_wait(home: Path, keys: list[str]) -> None:
    from counterdesk.catalog import load_catalog
    from tests.functional.test_tui_applicant_kinds import new_draft
    from tests.functional.tui_helpers import desk_app, logged_in, open_step

    app = desk_app(home, load_catalog())
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in(app, pilot)
        await open_step(app, pilot, "applicant", new_draft(app))
        for key in keys:
            await pilot.press(key)
        print("typed", flush=True)
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(type_and_wait(Path(sys.argv[1]), json.loads(sys.argv[2])))
