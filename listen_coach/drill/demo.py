"""The demo round: two bundled recordings played as a pair round's two phases.

It runs through the real transcriber, turn-taking analysis and scorer, so a new
user sees what a round looks like without a partner or a microphone. It is never
saved: the review holds real rounds only.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from typing import TYPE_CHECKING

from listen_coach.drill.machine import Drill, Timing
from listen_coach.drill.packs import Library
from listen_coach.drill.runner import DrillRunner
from listen_coach.errors import UserError
from listen_coach.resources import exercises_dir

if TYPE_CHECKING:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.audio.recorder import TakeRecorder
    from listen_coach.audio.sources import AudioSource

DEMO_DIR = exercises_dir() / "demo"


def demo_runner(library: Library, transcriber: Transcriber, speed: float,
                clock: Callable[[], float]) -> DrillRunner:
    """The demo's drill, ready for its first phase; `speed` 0 replays as fast as the
    files can be read (tests). UserError when the demo's files are missing or broken."""
    try:
        meta = tomllib.loads((DEMO_DIR / "demo.toml").read_text(encoding="utf-8"))
        files = {"speak": DEMO_DIR / meta["speaker"]["audio"],
                 "summary": DEMO_DIR / meta["listener"]["audio"]}
        names = (str(meta["speaker"]["name"]), str(meta["listener"]["name"]))
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"The demo cannot start: {exc}") from exc
    missing = [p.name for p in files.values() if not p.exists()]
    if missing:
        raise UserError(f"The demo recordings are missing ({', '.join(missing)}); "
                        "run `make exercises-audio`.")
    card = library.card(str(meta.get("card", "")))

    def demo_source(phase: str, channels: int, recorder: TakeRecorder | None) -> AudioSource:
        from listen_coach.audio.sources import FileSource

        return FileSource(files[phase], stereo=True, realtime=speed > 0, speed=speed or 1.0,
                          recorder=recorder)

    drill = Drill("demo", names, card.id if card else "demo", card.title if card else "Demo",
                  Timing(90, 60), store=None, rounds=1, clock=clock)
    return DrillRunner(drill, transcriber, demo_source, two_channel=True, card=card)
