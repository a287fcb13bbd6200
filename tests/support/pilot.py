"""Waiting inside a Pilot test for the app to reach a state."""

from __future__ import annotations

import asyncio
import contextlib


async def until(predicate, timeout: float = 30.0) -> None:
    """Return once `predicate()` holds; fail the test after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def ready_at_every_phase(pilot):
    """Press Enter at each recording phase's "ready" prompt, as the partners would,
    while the test drives the rest of the drill."""

    async def press() -> None:
        while True:
            screen = pilot.app.screen
            if type(screen).__name__ == "PhaseScreen" and not screen.started:
                await pilot.press("enter")
            await asyncio.sleep(0.05)

    task = asyncio.create_task(press())
    try:
        yield
    finally:
        task.cancel()
