"""Whole drills in the real app, driven by Pilot: audio from files through the real
transcriber, turn-taking analysis, scorer and SQLite store."""

from __future__ import annotations

import asyncio
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from listen_coach.audio.files import load_audio
from listen_coach.audio.sources import FileSource
from listen_coach.config import load_settings
from listen_coach.drill.runner import DrillRunner
from listen_coach.store import open_store
from listen_coach.store.repo import RoundStart
from listen_coach.tui.app import DEMO_DIR, make_app
from support.pilot import ready_at_every_phase
from support.speech import espeak

pytestmark = pytest.mark.slow
NO_MIC = "✘ Microphone: No microphone was found. Press d for the demo."


async def wait_for(predicate, timeout=120.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, f"timed out on {screen_name(_app_of(predicate))}"
        await asyncio.sleep(0.1)


def screen_name(app) -> str:
    return type(app.screen).__name__ if app is not None else "?"


def _app_of(predicate):
    """The app a `lambda: ... app ...` predicate closes over, for the timeout message."""
    for cell in predicate.__closure__ or ():
        if hasattr(cell.cell_contents, "screen_stack"):
            return cell.cell_contents
    return None


@pytest.fixture(scope="module")
def pair_files(tmp_path_factory) -> dict[tuple[int, str], Path]:
    """Round 1: the demo recordings (Sam left, Alex right). Round 2: the same with
    the channels swapped, so Alex speaks on the right and Sam answers on the left."""
    folder = tmp_path_factory.mktemp("pair")
    files = {}
    for phase in ("speak", "summary"):
        clip = load_audio(DEMO_DIR / f"{phase}.ogg", stereo=True).samples
        files[(1, phase)] = DEMO_DIR / f"{phase}.ogg"
        swapped = folder / f"{phase}-swapped.wav"
        sf.write(swapped, clip[:, ::-1], 16000)
        files[(2, phase)] = swapped
    return files


def file_factory(files: dict[tuple[int, str], Path], stereo: bool = True):
    calls = {"speak": 0, "summary": 0}

    def factory(phase, channels, recorder):
        calls[phase] += 1
        return FileSource(files[(calls[phase], phase)], stereo=stereo, realtime=False,
                          recorder=recorder)

    return factory


def test_a_whole_pair_drill(transcriber, pair_files, tmp_path):
    store = open_store(tmp_path / "data", database="")
    app = make_app(load_settings(), transcriber, file_factory(pair_files),
                   store_factory=lambda: store, microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                await pilot.press("p")
                assert screen_name(app) == "PairSetupScreen"
                await pilot.press(*"Sam", "enter", *"Alex")
                app.screen.query_one("#mode").value = "two"
                app.screen.query_one("#workshop").value = "Spring"
                await pilot.press("ctrl+s")
                for round_number in (1, 2):
                    await wait_for(lambda: screen_name(app) == "ConfirmScreen")
                    await wait_for(lambda: app.screen.score is not None)
                    await pilot.press("space", "down", "space", "enter")  # two points ticked
                    await wait_for(lambda: screen_name(app) == "ResultsScreen")
                    report = str(app.screen.query_one("#report").render())
                    assert "Points" in report and "Question" in report
                    if round_number == 1:
                        assert "While they spoke" in report and "interruptions 1" in report
                    await pilot.press("enter")
                await wait_for(lambda: screen_name(app) == "RoundSummaryScreen")
                assert app.screen.query_one("DataTable").row_count == 2
                await pilot.press("enter")
                assert screen_name(app) == "HomeScreen"

    asyncio.run(run())
    rounds = store.rounds()
    assert [(r.listener, r.speaker, r.workshop) for r in rounds] == [
        ("Alex", "Sam", "Spring"), ("Sam", "Alex", "Spring")]
    first = store.round_detail(rounds[0].uid)
    assert (first.row.interruptions, first.row.encouragers) == (1, 2)
    assert "museum" in first.phases["speak"].text.lower()
    assert "how did the team feel" in first.phases["summary"].text.lower()
    assert first.phases["speak"].recording.exists()  # the FLAC of the phase
    assert first.score["overall"] == first.row.score and first.row.score > 0
    ticks = [c for _, _, c, _ in first.confirmations]
    assert ticks[0] and sum(ticks) == 2 and len(ticks) == len(first.score["points"])
    # The speakers' ticks read back as the scorer's audit, counted from the same rows.
    from listen_coach.store import audit

    points = audit.verdicts(store, workshop="Spring")
    assert len(points) == sum(len(store.round_detail(r.uid).confirmations) for r in rounds)
    agreed = sum(c == m for r in rounds for _, _, c, m in store.round_detail(r.uid).confirmations)
    assert audit.agreement(points).agreed == agreed
    assert {v.listener for v in points} == {"Alex", "Sam"}


@pytest.fixture(scope="module")
def solo_summary(tmp_path_factory) -> Path:
    text = tomllib.loads((Path(__file__).parent / "data" / "passage_summaries.toml")
                         .read_text(encoding="utf-8"))["deadline-week"]["good"]
    return espeak(text, tmp_path_factory.mktemp("solo") / "summary.wav", voice="en-us")


def test_a_whole_solo_drill_with_retry(transcriber, solo_summary, tmp_path):
    store = open_store(tmp_path / "data", database="")

    def factory(phase, channels, recorder):
        assert phase == "summary" and channels == 1
        return FileSource(solo_summary, realtime=False, recorder=recorder)

    app = make_app(load_settings(), transcriber, factory, store_factory=lambda: store,
                   microphone_status=lambda: NO_MIC, playback=False)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                await pilot.press("s")
                await pilot.press(*"Kim")
                app.screen.query_one("#passage").value = "deadline-week"
                await pilot.press("ctrl+s")
                await wait_for(lambda: screen_name(app) == "ListenScreen")
                shown = lambda: str(app.screen.query_one("#transcript").render())  # noqa: E731
                await wait_for(lambda: "three deadlines" in shown())
                await pilot.press("enter")
                await wait_for(lambda: screen_name(app) == "ResultsScreen")
                report = str(app.screen.query_one("#report").render())
                assert "Kim scored" in report and "three deadlines" in report
                await pilot.press("r")  # listen again and retry
                await wait_for(lambda: screen_name(app) == "ListenScreen")
                await pilot.press("escape")
                await wait_for(lambda: screen_name(app) == "HomeScreen")

    asyncio.run(run())
    [done] = store.rounds()
    assert (done.listener, done.speaker, done.exercise) == ("Kim", None, "deadline-week")
    detail = store.round_detail(done.uid)
    caught = sum(p["match"]["covered"] for p in detail.score["points"])
    assert caught >= 5, detail.phases["summary"].text  # a good summary, through espeak
    assert [r.status for r in store.rounds(status=None)] == ["done", "discarded"]


def test_an_unfinished_round_is_offered_and_resumed(transcriber, pair_files, tmp_path):
    store = open_store(tmp_path / "data", database="")
    start = RoundStart(listener="Alex", speaker="Sam", exercise="project-setback",
                       exercise_title="A project that went wrong", uid="left-behind")
    store.begin_round(start)  # as a crashed app leaves it: speak phase saved, no more
    store.save_phase(start.uid, "speak", text="We promised the museum a new site by March. "
                     "Our lead developer Nadia left six weeks before.")

    def factory(phase, channels, recorder):
        return FileSource(pair_files[(1, "summary")], stereo=channels == 2, realtime=False,
                          recorder=recorder)

    app = make_app(load_settings(), transcriber, factory, store_factory=lambda: store,
                   microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                await wait_for(lambda: screen_name(app) == "ResumeScreen")
                await pilot.pause()
                await pilot.press("r")
                await wait_for(lambda: screen_name(app) == "ConfirmScreen", timeout=180)
                await wait_for(lambda: app.screen.score is not None)
                await pilot.press("enter")
                await wait_for(lambda: screen_name(app) == "ResultsScreen")
                await pilot.press("escape")

    asyncio.run(run())
    [row] = store.rounds()
    assert row.uid == "left-behind" and row.score is not None
    assert "museum" in store.round_detail(row.uid).phases["summary"].text.lower()


def test_no_microphone_offers_the_demo(transcriber, tmp_path):
    app = make_app(load_settings(), transcriber,
                   store_factory=lambda: open_store(tmp_path / "d", database=""),
                   microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(80, 24)):
            await wait_for(lambda: "Sessions" in str(app.screen.query_one("#status").render()))
            status = str(app.screen.query_one("#status").render())
            assert "No microphone was found. Press d for the demo." in status
            assert "21 topic cards, 12 passages" in status

    asyncio.run(run())


def test_demo_runs_to_its_results(transcriber, tmp_path):
    app = make_app(load_settings(), transcriber, demo_speed=0,
                   store_factory=lambda: open_store(tmp_path / "d", database=""),
                   microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(80, 24)) as pilot:
            async with ready_at_every_phase(pilot):
                await pilot.press("d")
                await wait_for(lambda: screen_name(app) == "ConfirmScreen")
                await wait_for(lambda: app.screen.score is not None)
                # A newcomer is told what to do on the tick screen, and the ticks decide.
                assert "your ticks decide" in str(app.screen.query_one("#demo-hint").render())
                await pilot.press("space", "enter")
                await wait_for(lambda: screen_name(app) == "ResultsScreen")
                report = str(app.screen.query_one("#report").render())
                assert "Alex" in report and "came across, as Sam ticked" in report
                first = app.screen.runner.drill.current.score.points[0]
                assert first.match.covered and first.scorer_covered is not None

    asyncio.run(run())


def test_two_channel_events_need_two_channels():
    silence = np.zeros((16000 * 2, 2), np.float32)
    from listen_coach.drill.capture import final_events

    assert final_events(silence[:, 0], ("A", "B")) == ([], [])


@pytest.fixture(scope="module")
def one_mic_files(tmp_path_factory) -> dict[str, Path]:
    """The demo round mixed down to one microphone, and each partner's enrolment:
    Sam in the demo's Piper voice, Alex in its espeak-ng voice, saying sentences
    the round never uses; plus a silent take, as a muted microphone gives."""
    from bench.conversations import ENROL_LINES, enrolment_clip

    folder = tmp_path_factory.mktemp("one-mic")
    files = {"silent": folder / "silent.wav", "sam": folder / "sam.wav"}
    sf.write(files["silent"], np.zeros(16000 * 6, np.float32), 16000)
    sf.write(files["sam"], enrolment_clip("A"), 16000)
    files["alex"] = espeak(ENROL_LINES["B"], folder / "alex.wav", voice="en-us+m3")
    for phase in ("speak", "summary"):
        files[phase] = folder / f"{phase}.wav"
        sf.write(files[phase], load_audio(DEMO_DIR / f"{phase}.ogg", stereo=True)
                 .samples.mean(axis=1), 16000)
    return files


def test_one_microphone_drill_with_voice_enrolment(transcriber, one_mic_files, tmp_path):
    store = open_store(tmp_path / "data", database="")
    enrolments = iter(["silent", "sam", "alex"])

    def factory(phase, channels, recorder):
        assert channels == 1
        name = next(enrolments) if phase == "enrol" else phase
        return FileSource(one_mic_files[name], realtime=False, recorder=recorder)

    app = make_app(load_settings(), transcriber, factory, store_factory=lambda: store,
                   microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                await pilot.press("p", *"Sam", "enter", *"Alex")
                assert app.screen.query_one("#mode").value == "one"
                assert "Not enrolled" in str(app.screen.query_one("#voices-status").render())
                await pilot.press("f3")
                assert screen_name(app) == "EnrolScreen"
                status = lambda: str(app.screen.query_one("#enrol-status").render())  # noqa: E731
                await pilot.press("space")  # a silent take is re-asked, with the reason
                await wait_for(lambda: "Again, please" in status())
                assert "no speech" in status() and "Sam" in status()
                await pilot.press("space")
                await wait_for(lambda: "Sam's voice is learnt" in status())
                await pilot.press("space")
                await wait_for(lambda: screen_name(app) == "PairSetupScreen")
                voices = str(app.screen.query_one("#voices-status").render())
                assert "Sam and Alex enrolled" in voices
                await pilot.press("ctrl+s")
                await wait_for(lambda: screen_name(app) == "ConfirmScreen")
                await wait_for(lambda: app.screen.score is not None)
                await pilot.press("enter")
                await wait_for(lambda: screen_name(app) == "ResultsScreen")
                report = str(app.screen.query_one("#report").render())
                assert "While they spoke" in report and "interruptions 1" in report

    asyncio.run(run())
    row = store.rounds(status=None)[0]  # the app stopped at round 1's results
    assert row.interruptions == 1
    cut_in = [e for e in store.round_detail(row.uid).phases["speak"].turns
              if e.kind == "interruption"]
    assert cut_in[0].speaker == "Alex" and abs(cut_in[0].start - 27.0) < 1.0


def test_resuming_at_the_tick_screen_keeps_the_summary_s_recording(transcriber, tmp_path):
    """Killed on the tick screen: the summary is stored with its recording; resuming
    and ticking keeps it, and a bundle still carries the FLAC."""
    from listen_coach.store.export import write_bundle

    store = open_store(tmp_path / "data", database="")
    start = RoundStart(listener="Alex", speaker="Sam", exercise="project-setback",
                       exercise_title="A project that went wrong", uid="at-ticks")
    store.begin_round(start)
    store.save_phase(start.uid, "speak", text="We promised the museum a new site by March. "
                     "Our lead developer Nadia left six weeks before.", seconds=60)
    flac = store.recording_path(start.uid, "summary")
    flac.write_bytes(b"fLaC-summary")
    store.save_phase(start.uid, "summary", text="So the museum wanted a site by March and "
                     "Nadia left. How did you cope?", seconds=20.41, recording=flac,
                     words=[["So", 0.0, 0.2]])
    app = make_app(load_settings(), transcriber, store_factory=lambda: store,
                   microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                await wait_for(lambda: screen_name(app) == "ResumeScreen")
                await pilot.pause()
                await pilot.press("r")
                await wait_for(lambda: screen_name(app) == "ConfirmScreen")
                await wait_for(lambda: app.screen.score is not None)
                await pilot.press("space", "enter")
                await wait_for(lambda: screen_name(app) == "ResultsScreen")
                await pilot.press("escape")

    asyncio.run(run())
    summary = store.round_detail("at-ticks").phases["summary"]
    assert (summary.recording, summary.seconds, summary.words) == (flac, 20.41, [["So", 0.0, 0.2]])
    bundle = tmp_path / "b.zip"
    write_bundle(store, bundle)
    import zipfile

    assert "recordings/at-ticks-summary.flac" in zipfile.ZipFile(bundle).namelist()


def test_a_failing_scorer_is_a_sentence_and_the_app_goes_on(transcriber, tmp_path,
                                                             monkeypatch):
    """A bug in a scoring step (a fault no input causes, so it is injected): the app
    says so in one sentence, returns home and keeps running; the round's phases stay
    saved and the round is offered for resume."""
    def broken(self):
        raise RuntimeError("a scoring step broke")

    monkeypatch.setattr(DrillRunner, "score", broken)
    store = open_store(tmp_path / "d", database="")
    app = make_app(load_settings(), transcriber, file_factory_for_demo(), store_factory=lambda:
                   store, microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                await pilot.press("p")
                await pilot.press(*"Sam", "enter", *"Alex")
                app.screen.query_one("#mode").value = "two"
                await pilot.press("ctrl+s")
                await wait_for(lambda: screen_name(app) == "HomeScreen" and any(
                    "Scoring the round failed: RuntimeError" in n.message
                    for n in app._notifications))
                assert app.is_running

    asyncio.run(run())
    [left] = store.unfinished()
    assert set(store.round_detail(left.uid).phases) == {"speak", "summary"}


def file_factory_for_demo():
    demo = DEMO_DIR

    def factory(phase, channels, recorder):
        return FileSource(demo / ("speak.ogg" if phase == "speak" else "summary.ogg"),
                          stereo=channels == 2, realtime=False, recorder=recorder)

    return factory


def test_leaving_mid_phase_keeps_what_was_recorded_and_goes_home(tmp_path):
    from listen_coach.drill.machine import Timing

    store = open_store(tmp_path / "d", database="")
    sources: list[FileSource] = []

    def factory(phase, channels, recorder):
        sources.append(FileSource(DEMO_DIR / "speak.ogg", realtime=True, recorder=recorder))
        return sources[-1]

    app = make_app(load_settings(), None, factory,
                   store_factory=lambda: store, microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                app.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
                await wait_for(lambda: screen_name(app) == "PhaseScreen")
                # A second and a half of the talk has played into the recording (on a
                # busy machine the capture can start well after the screen shows).
                await wait_for(lambda: sources and sources[0].started_at
                               and time.monotonic() - sources[0].started_at > 1.5)
                await pilot.press("escape")
                await wait_for(lambda: screen_name(app) == "LeaveScreen")
                await pilot.press("y")
                await wait_for(lambda: screen_name(app) == "HomeScreen")
                await asyncio.sleep(1.0)  # the capture worker ends after the screen goes
                assert screen_name(app) == "HomeScreen" and app.is_running
                assert not [n for n in app._notifications if "failed" in n.message]

    asyncio.run(run())
    [row] = store.rounds(status=None)
    assert row.status == "discarded"
    speak = store.round_detail(row.uid).phases["speak"]  # what was recorded stays
    assert speak.seconds > 0.5 and speak.recording.exists()


def test_nothing_is_recorded_until_the_partner_is_ready(tmp_path):
    """Each recording phase waits for Enter: no source is opened, no round is written
    and Space ends nothing until then; Enter starts the recording."""
    from listen_coach.drill.machine import Timing

    store = open_store(tmp_path / "d", database="")
    opened: list[str] = []

    def factory(phase, channels, recorder):
        opened.append(phase)
        return FileSource(DEMO_DIR / "speak.ogg", realtime=True, recorder=recorder)

    app = make_app(load_settings(), None, factory, store_factory=lambda: store,
                   microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            app.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
            await wait_for(lambda: screen_name(app) == "PhaseScreen"
                           and app.screen.query("#cue"))
            assert "Press Enter when Sam is ready" in str(app.screen.query_one("#cue").render())
            await pilot.press("space")
            await asyncio.sleep(1.0)
            assert opened == [] and store.rounds(status=None) == []
            assert screen_name(app) == "PhaseScreen" and not app.screen.started
            await pilot.press("enter")
            await wait_for(lambda: opened == ["speak"])
            await wait_for(lambda: len(store.rounds(status=None)) == 1)
            await pilot.press("escape", "y")
            await wait_for(lambda: screen_name(app) == "HomeScreen")

    asyncio.run(run())


def test_a_phase_with_no_sound_is_never_scored_or_saved_as_a_round(tmp_path):
    """A source that delivers nothing (a dead or muted input; here an empty file, read
    through the real file source): one sentence, home, and no 0/100 round."""
    empty = tmp_path / "empty.wav"
    sf.write(empty, np.zeros(0, np.float32), 16000)
    store = open_store(tmp_path / "d", database="")
    app = make_app(load_settings(), None,
                   lambda phase, ch, rec: FileSource(empty, realtime=False, recorder=rec),
                   store_factory=lambda: store, microphone_status=lambda: NO_MIC)

    async def run():
        async with app.run_test(size=(100, 30)) as pilot:
            async with ready_at_every_phase(pilot):
                await pilot.press("p")
                await pilot.press(*"Bo", "enter", *"Ann")
                await pilot.press("ctrl+s")
                await wait_for(lambda: any("No sound came from the microphone" in n.message
                                           for n in app._notifications))
                await wait_for(lambda: screen_name(app) == "HomeScreen")

    asyncio.run(run())
    assert store.rounds() == []  # nothing done: no round in exports or the report
    assert [r.status for r in store.rounds(status=None)] == ["discarded"]
