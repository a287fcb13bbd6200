"""Keys answered on every drill screen while the shared database does not answer.

A PostgreSQL server that accepts the connection and then says nothing (a hung
server, a dropped VPN) makes every database call wait for its connect timeout
(store/db.py: 5 s). The screens must not: their reads and writes run in workers
and writes queue in the outbox. The bench runs a whole pair round from the demo's
recordings against such a server and times keys on each screen it passes."""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path

from bench.app import _env, answer_key

#: Keys timed on each screen, half a second apart.
KEYS_PER_SCREEN = 6


def _hung_server() -> socket.socket:
    """A listening socket that never accepts: connections open, nothing answers."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    return server


def bench_keys_db_unreachable(rows: list[dict]) -> None:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.audio.sources import FileSource
    from listen_coach.config import AsrSettings
    from listen_coach.drill.machine import Timing
    from listen_coach.tui.app import DEMO_DIR, make_app

    transcriber = Transcriber(AsrSettings())
    transcriber.load()
    waits: dict[str, list[float]] = {}

    def source(phase: str, channels: int, recorder):
        return FileSource(DEMO_DIR / f"{phase}.ogg", stereo=True, realtime=True, speed=3.0,
                          recorder=recorder)

    async def time_keys(app, name: str) -> None:
        for _ in range(KEYS_PER_SCREEN):
            waits.setdefault(name, []).append(await answer_key(app))
            await asyncio.sleep(0.5)

    async def reach(app, name: str, timeout: float = 300.0) -> None:
        deadline = time.monotonic() + timeout
        while type(app.screen).__name__ != name:
            assert time.monotonic() < deadline, f"never reached {name}"
            await asyncio.sleep(0.05)

    apps = []

    async def run() -> None:
        app = make_app(transcriber=transcriber, source_factory=source,
                       microphone_status=lambda: "mic")
        apps.append(app)
        async with app.run_test(size=(100, 30)) as pilot:
            await reach(app, "HomeScreen")
            await time_keys(app, "home")
            app.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45),
                           two_channel=True)
            for phase in ("speak", "summary"):
                await reach(app, "PhaseScreen")
                await pilot.press("enter")
                await time_keys(app, phase)
                while type(app.screen).__name__ == "PhaseScreen" and app.screen.started:
                    await asyncio.sleep(0.1)
            await reach(app, "ConfirmScreen")
            await time_keys(app, "tick")
            while app.screen.score is None:
                await asyncio.sleep(0.1)
            await pilot.press("enter")
            await reach(app, "ResultsScreen")
            await time_keys(app, "results")
            await pilot.press("escape")
            await reach(app, "HomeScreen")
            await pilot.press("r")
            await reach(app, "ReviewScreen")
            await time_keys(app, "review")
            app.exit()

    server = _hung_server()
    url = f"postgresql://lc:lc@127.0.0.1:{server.getsockname()[1]}/lc"
    with tempfile.TemporaryDirectory() as tmp:
        keys = ("LISTEN_COACH_CONFIG", "LISTEN_COACH_DATA_DIR", "LISTEN_COACH_DB")
        old = {k: os.environ.get(k) for k in keys}
        os.environ.update({**_env(Path(tmp)), "LISTEN_COACH_DB": url})
        try:
            asyncio.run(run())
        finally:
            server.close()
            for app in apps:  # writes still trying the server, before the folder goes
                app.session.wait(60)
            for k, v in old.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    every = sorted(w * 1000 for ws in waits.values() for w in ws)
    worst = {name: round(max(ws) * 1000) for name, ws in waits.items()}
    rows.append({"name": "app.key_response_db_unreachable_ms",
                 "value": round(statistics.median(every), 1), "target": "< 100",
                 "detail": f"{len(every)} keys over a pair round and the review with the "
                 f"shared database hung; worst per screen (ms) {worst}"})
