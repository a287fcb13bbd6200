"""Waiting inside a Pilot test for the app to reach a state."""

from __future__ import annotations

import asyncio


async def until(predicate, timeout: float = 30.0) -> None:
    """Return once `predicate()` holds; fail the test after `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)
