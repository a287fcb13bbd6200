"""SVG snapshots of every screen at 80x24 (pytest-textual-snapshot). After a
deliberate change of the look: `pytest tests/test_snapshots.py --snapshot-update`,
then look at the new SVGs before committing them."""

from __future__ import annotations

import asyncio

import pytest

from listen_coach.config import load_settings
from listen_coach.drill.machine import Drill, Phase, Timing
from listen_coach.drill.runner import DrillRunner
from listen_coach.store import open_store
from listen_coach.store.repo import RoundStart
from listen_coach.tui.app import make_app
from listen_coach.turns.overlaps import OverlapEvent
from support.rounds import seed as _seed
from support.sources import IdleSource

pytestmark = pytest.mark.slow
SIZE = (80, 24)
NO_MIC = "✘ Microphone: No microphone was found. Press d for the demo."
SPEAKER = ("So last month our biggest client, Harbour Foods, threatened to leave. We had "
           "missed three deliveries in a row. I stayed late three nights to sort out the "
           "orders, and honestly I was exhausted and a bit scared we would lose them. My "
           "manager, Priya, never said a word about it.")
SUMMARY = ("So Harbour Foods nearly left because three deliveries were missed, and you stayed "
           "late three nights fixing the orders. You sound exhausted and worried. "
           "What would have helped you most?")


def _devices():
    from listen_coach.audio.devices import InputDevice

    return [InputDevice(0, "Built-in Microphone", 2, 48000.0, "ALSA", True),
            InputDevice(3, "USB Headset", 1, 16000.0, "ALSA", False)]


@pytest.fixture
def app(transcriber, tmp_path):
    store = open_store(tmp_path / "data", database="")
    return make_app(load_settings(), transcriber, lambda phase, ch, rec: IdleSource(),
                    store_factory=lambda: store, clock=lambda: 1000.0,
                    microphone_status=lambda: NO_MIC, playback=False, list_devices=_devices)


async def _settle(pilot, until=lambda: True, timeout=60.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not until():
        assert loop.time() < deadline
        await asyncio.sleep(0.05)
    await pilot.pause()
    await pilot.pause()


async def _home_ready(pilot):
    status = lambda: str(pilot.app.screen.query_one("#status").render())  # noqa: E731
    await _settle(pilot, lambda: "Sessions" in status() and "Speech model: ready" in status())


def _scored_runner(app) -> DrillRunner:
    drill = Drill("pair", ("Sam", "Alex"), "customer-complaint", "An unhappy customer",
                  Timing(), clock=lambda: 0.0)
    runner = DrillRunner(drill, app.transcriber, app.session.source_factory, two_channel=True,
                         card=app.library.card("customer-complaint"))
    drill.end_speak(SPEAKER, [OverlapEvent("backchannel", "Alex", 9.0, 9.3, "Sam", "mm"),
                              OverlapEvent("interruption", "Alex", 41.0, 43.5, "Sam",
                                           "wait which client")])
    drill.end_summary(SUMMARY)
    return runner


def test_home(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=_home_ready)


def test_pair_setup(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        await pilot.press("p")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_voice_enrolment(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        await pilot.press("p", *"Sam", "enter", *"Alex", "f3")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_settings(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        await pilot.press("c")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_solo_setup(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        await pilot.press("s")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_ready_to_speak(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        app.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
        await _settle(pilot, lambda: type(app.screen).__name__ == "PhaseScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_speak_phase(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        app.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
        await _settle(pilot, lambda: type(app.screen).__name__ == "PhaseScreen")
        await pilot.press("enter")
        await _settle(pilot, lambda: app.screen.started)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_confirm(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        app.session.after_phase(_scored_runner(app))  # the tick screen; scored on a lane
        await _settle(pilot, lambda: getattr(app.screen, "score", None) is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_results(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        from listen_coach.tui.screens.results import ResultsScreen

        runner = _scored_runner(app)
        score = runner.score()
        runner.drill.confirm([i != 1 for i in range(len(score.points))])  # the 2nd missed
        app.push_screen(ResultsScreen(runner))
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_results_light_theme(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        from listen_coach.tui.screens.results import ResultsScreen

        app.theme = "textual-light"
        runner = _scored_runner(app)
        runner.score()
        runner.drill.confirm([True] * len(runner.drill.current.score.points))
        app.push_screen(ResultsScreen(runner))
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_round_summary(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        from listen_coach.tui.screens.results import RoundSummaryScreen

        runner = _scored_runner(app)
        runner.score()
        runner.drill.phase = Phase.DONE
        app.push_screen(RoundSummaryScreen(runner))
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_review(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        _seed(app.store)
        await pilot.press("r")
        await _settle(pilot, lambda: app.screen.query_one("DataTable").row_count == 4)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_agreement(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        _seed(app.store)
        await pilot.press("r")
        await _settle(pilot, lambda: app.screen.query_one("DataTable").row_count == 4)
        await pilot.press("a")
        await _settle(pilot, lambda: type(app.screen).__name__ == "AgreementScreen" and
                      app.screen.query_one("#disagreements").option_count == 2)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_ruling(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        _seed(app.store)
        from listen_coach.tui.screens.review import RoundDetailScreen

        app.push_screen(RoundDetailScreen("round-2"))
        await _settle(pilot, lambda: app.screen.detail is not None)
        await pilot.press("j")
        await _settle(pilot, lambda: type(app.screen).__name__ == "RulingScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_round_detail(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        _seed(app.store)
        from listen_coach.tui.screens.review import RoundDetailScreen

        app.push_screen(RoundDetailScreen("round-2"))
        await _settle(pilot, lambda: app.screen.detail is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_resume_offer(snap_compare, transcriber, tmp_path):
    store = open_store(tmp_path / "data", database="")
    store.begin_round(RoundStart(listener="Alex", speaker="Sam", exercise="mentor-advice",
                                 exercise_title="Advice that stuck", uid="left",
                                 started_at="2026-03-01T10:00:00+00:00"))
    store.save_phase("left", "speak", text="My mentor told me to write things down.")
    app = make_app(load_settings(), transcriber, store_factory=lambda: store,
                   microphone_status=lambda: NO_MIC)

    async def before(pilot):
        await _settle(pilot, lambda: type(app.screen).__name__ == "ResumeScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_leave_round(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        app.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
        await _settle(pilot, lambda: type(app.screen).__name__ == "PhaseScreen")
        await pilot.press("escape")
        await _settle(pilot, lambda: type(app.screen).__name__ == "LeaveScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_solo_listen(snap_compare, app):
    """The passage's screen (shown as text here: the fixture has no speaker)."""
    async def before(pilot):
        await _home_ready(pilot)
        app.start_solo("Kim", app.library.passages[0].id, "normal", Timing(120, 45))
        await _settle(pilot, lambda: type(app.screen).__name__ == "ListenScreen")

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_mic_check(snap_compare, app):
    async def before(pilot):
        await _home_ready(pilot)
        await pilot.press("m")
        await _settle(pilot, lambda: "Listening" in str(
            app.screen.query_one("#mic-name").render()))

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("key", ["n", "o"])
def test_note_and_override(snap_compare, app, key):
    async def before(pilot):
        await _home_ready(pilot)
        _seed(app.store)
        from listen_coach.tui.screens.review import RoundDetailScreen

        app.push_screen(RoundDetailScreen("round-2"))
        await _settle(pilot, lambda: app.screen.detail is not None)
        await pilot.press(key)
        await _settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
