"""User text is never read as Rich markup: names, titles and errors with brackets
show as written on every screen they reach, and nothing crashes."""

from __future__ import annotations

import asyncio

import pytest

from listen_coach.config import load_settings
from listen_coach.drill.machine import Timing
from listen_coach.store import open_store
from listen_coach.store.repo import RoundStart
from listen_coach.tui.app import make_app
from support.pilot import until as _until
from support.sources import IdleSource

pytestmark = pytest.mark.slow
ODD, ODDER = "Jo [/]", "[b]Max"



def test_names_with_brackets_on_the_resume_offer_the_home_screen_and_a_drill(transcriber,
                                                                             tmp_path):
    store = open_store(tmp_path / "data", database="")
    store.begin_round(RoundStart(listener=ODD, speaker=ODDER, exercise="[/b]",
                                 exercise_title="Cards [/i]", uid="odd"))
    store.save_phase("odd", "speak", text="I moved [/] house.")
    app = make_app(load_settings(), transcriber, lambda phase, ch, rec: IdleSource(),
                   store_factory=lambda: store, microphone_status=lambda: "✘ Mic [/b] gone")

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            await _until(lambda: type(app.screen).__name__ == "ResumeScreen"
                         and bool(app.screen.query("Static")))  # composed, not just pushed
            shown = str(app.screen.query("Static").first().render())
            assert ODD in shown and ODDER in shown and "Cards [/i]" in shown
            await pilot.press("escape")
            await _until(lambda: type(app.screen).__name__ == "HomeScreen")
            await _until(lambda: "Mic [/b] gone" in str(app.screen.query_one("#status").render()))
            app.notify("A note about [/b] and [dim]")  # shown as text, no MarkupError
            app.start_pair((ODDER, ODD), "customer-complaint", Timing(120, 45))
            await _until(lambda: type(app.screen).__name__ == "PhaseScreen" and
                         bool(app.screen.query("#phase-heading")))
            heading = str(app.screen.query_one("#phase-heading").render())
            assert f"{ODDER} speaks · {ODD} listens" in heading
            await pilot.pause()
            app.exit()

    asyncio.run(run())


def test_names_with_brackets_on_the_enrolment_screen(tmp_path):
    """Each partner's name is asked for, and a failed take explained, as typed."""
    import numpy as np
    import soundfile as sf

    from listen_coach.audio.sources import FileSource
    from listen_coach.tui.screens.enrol import EnrolScreen

    sf.write(tmp_path / "quiet.wav", np.zeros(16000 * 6, np.float32), 16000)
    app = make_app(load_settings(), microphone_status=lambda: "mic", list_devices=lambda: [],
                   source_factory=lambda phase, ch, rec: FileSource(tmp_path / "quiet.wav",
                                                                    realtime=False))

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            app.push_screen(EnrolScreen((ODD, ODDER)))
            # The prompt is filled in after the screen mounts: wait for its words.
            await _until(lambda: isinstance(app.screen, EnrolScreen)
                         and bool(app.screen.query("#enrol-who"))
                         and "press space" in str(app.screen.query_one("#enrol-who").render()))
            assert f"{ODD}: press space" in str(app.screen.query_one("#enrol-who").render())
            await pilot.press("space")  # silence: asked again, the reason shown as text
            await _until(lambda: "Again, please." in str(
                app.screen.query_one("#enrol-status").render()))
            status = str(app.screen.query_one("#enrol-status").render())
            assert f"{ODD}'s enrolment clip has no speech" in status
            app.exit()

    asyncio.run(run())
