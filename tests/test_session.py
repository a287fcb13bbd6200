"""The drill session below the UI (drill/session.py), driven without Textual: its
lanes, its events, resume and the demo, against the real SQLite store, the real
transcriber and the real scorer."""

from __future__ import annotations

import threading
import time

import pytest

from listen_coach.config import load_settings
from listen_coach.drill import events as ev
from listen_coach.drill.lanes import Lane
from listen_coach.drill.machine import Phase, Timing
from listen_coach.drill.packs import load_library, settings_dirs
from listen_coach.drill.session import DrillSession
from listen_coach.store import open_store
from listen_coach.store.repo import RoundStart
from support.sources import IdleSource


class Recorder:
    """Every event the session sends, with the thread it came from."""

    def __init__(self):
        self.events: list[ev.SessionEvent] = []
        self.threads: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, event: ev.SessionEvent) -> None:
        with self.lock:
            self.events.append(event)
            self.threads.append(threading.current_thread().name)

    def of(self, kind):
        with self.lock:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(self, kind, timeout: float = 120.0, count: int = 1):
        deadline = time.monotonic() + timeout
        while len(self.of(kind)) < count:
            assert time.monotonic() < deadline, f"no {kind.__name__}: {self.events}"
            time.sleep(0.02)
        return self.of(kind)[count - 1]


def _session(store_factory, transcriber=None, source=None, emit=None, **kwargs) -> DrillSession:
    settings = load_settings()
    return DrillSession(settings, load_library(settings_dirs(settings.exercise_dir)),
                        transcriber, source or (lambda phase, ch, rec: IdleSource()),
                        store_factory, emit or Recorder(), **kwargs)


def test_a_lane_runs_jobs_in_order_off_the_caller_s_thread_and_outlives_a_failure():
    done, failures = [], []
    lane = Lane("test", lambda what, exc: failures.append((what, str(exc))))
    lane.submit("first", lambda: done.append(("first", threading.current_thread().name)))
    lane.submit("broken", lambda: 1 / 0)
    lane.submit("third", lambda: done.append(("third", threading.current_thread().name)))
    assert lane.wait(10)
    assert [d[0] for d in done] == ["first", "third"]
    assert {d[1] for d in done} == {"session-test"}
    assert failures == [("broken", "division by zero")]
    assert not lane.busy
    deadline = time.monotonic() + 5  # an idle lane holds no thread
    while any(t.name == "session-test" for t in threading.enumerate()):
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_every_call_returns_at_once_while_the_database_is_slow(tmp_path):
    """A shared database that takes seconds to answer (connection timeouts) must not
    hold up the caller, which in the app is the UI thread."""
    opened_on = []

    def slow_store():
        opened_on.append(threading.current_thread().name)
        time.sleep(1.5)
        return open_store(tmp_path / "data", database="")

    got = Recorder()
    session = _session(slow_store, emit=got)
    began = time.monotonic()
    session.open(check_store=True)
    session.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
    session.flush()
    assert time.monotonic() - began < 0.1
    started = got.wait_for(ev.PhaseStarted, timeout=30)
    assert started.runner.drill.phase == Phase.SPEAK
    assert opened_on == ["session-store"]
    assert all(name.startswith("session-") for name in got.threads)
    assert session.wait(60)


def test_resume_at_the_tick_screen_keeps_the_summary_and_scores_it(transcriber, tmp_path):
    store = open_store(tmp_path / "data", database="")
    store.begin_round(RoundStart(listener="Alex", speaker="Sam", exercise="project-setback",
                                 exercise_title="A project that went wrong", uid="r1"))
    store.save_phase("r1", "speak", text="We promised the museum a new site by March. Our "
                     "lead developer Nadia left six weeks before the deadline.", seconds=60)
    flac = store.recording_path("r1", "summary")
    flac.write_bytes(b"fLaC")
    store.save_phase("r1", "summary", text="So the museum wanted a new site by March and "
                     "Nadia left. How did you cope?", seconds=20.4, recording=flac)
    got = Recorder()
    session = _session(lambda: store, transcriber, emit=got)
    [row] = store.unfinished()
    session.resume(row)
    started = got.wait_for(ev.PhaseStarted)
    assert started.runner.drill.phase == Phase.CONFIRM
    scored = got.wait_for(ev.Scored)
    assert scored.runner is started.runner and scored.score.points
    came_across = [True] * len(scored.score.points)
    session.confirm(scored.runner, came_across)
    assert got.wait_for(ev.PhaseStarted, count=2).runner.drill.phase == Phase.RESULTS
    session.finish(scored.runner, "home")
    got.wait_for(ev.WentHome)
    assert session.wait(30)
    detail = store.round_detail("r1")
    assert (detail.phases["summary"].recording, detail.phases["summary"].seconds) == (flac, 20.4)
    assert [c for _, _, c, _ in detail.confirmations] == came_across
    assert store.unfinished() == []


def test_resume_with_only_the_talk_saved_starts_at_the_summary(tmp_path):
    store = open_store(tmp_path / "data", database="")
    store.begin_round(RoundStart(listener="Alex", speaker="Sam", exercise="project-setback",
                                 exercise_title="A project that went wrong", uid="r2"))
    store.save_phase("r2", "speak", text="We lost the museum contract.", seconds=60)
    got = Recorder()
    session = _session(lambda: store, emit=got)
    session.open()
    offer = got.wait_for(ev.Resumable)
    assert (offer.row.uid, offer.saved) == ("r2", ("speak",))
    session.resume(offer.row)
    runner = got.wait_for(ev.PhaseStarted).runner
    assert runner.drill.phase == Phase.SUMMARY and runner.drill.current.uid == "r2"
    assert runner.drill.current.speak_text == "We lost the museum contract."


def test_a_job_that_fails_mid_drill_is_one_sentence_and_ends_the_drill(tmp_path, monkeypatch):
    """A bug in a scoring step (a fault no input causes, so it is injected)."""
    from listen_coach.drill.runner import DrillRunner

    def broken(self):
        raise RuntimeError("a scoring step broke")

    monkeypatch.setattr(DrillRunner, "score", broken)
    store = open_store(tmp_path / "data", database="")
    store.begin_round(RoundStart(listener="Alex", speaker="Sam", exercise="project-setback",
                                 exercise_title="A project that went wrong", uid="r3"))
    store.save_phase("r3", "speak", text="We lost the contract.", seconds=60)
    store.save_phase("r3", "summary", text="You lost the contract?", seconds=10)
    got = Recorder()
    session = _session(lambda: store, emit=got)
    session.resume(store.unfinished()[0])
    failed = got.wait_for(ev.Failed)
    assert failed.in_drill and failed.sentence.startswith(
        "Scoring the round failed: RuntimeError: a scoring step broke")
    assert session.runner is None
    assert set(store.round_detail("r3").phases) == {"speak", "summary"}


def test_no_sound_is_not_a_round(tmp_path):
    """A microphone that delivers nothing: a sentence, home, and no round saved."""
    class Dead(IdleSource):
        def read(self, timeout=None):
            return None

    store = open_store(tmp_path / "data", database="")
    got = Recorder()
    session = _session(lambda: store, source=lambda phase, ch, rec: Dead(), emit=got)
    session.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
    runner = got.wait_for(ev.PhaseStarted).runner
    session.capture(runner, lambda: False)
    got.wait_for(ev.WentHome)
    assert "No sound came from the microphone" in got.of(ev.Notice)[-1].text
    assert store.rounds() == [] and store.unfinished() == []


def test_leaving_mid_phase_keeps_the_take_and_sends_no_more_events_of_it(tmp_path):
    store = open_store(tmp_path / "data", database="")
    got = Recorder()
    stop = threading.Event()
    session = _session(lambda: store, emit=got)
    session.start_pair(("Sam", "Alex"), "customer-complaint", Timing(120, 45))
    runner = got.wait_for(ev.PhaseStarted).runner
    session.capture(runner, stop.is_set)
    time.sleep(0.3)
    session.leave(runner)
    stop.set()
    got.wait_for(ev.WentHome)
    assert session.wait(30)
    assert len(got.of(ev.PhaseStarted)) == 1  # the drill moved no further
    row = store.rounds(status=None)[0]
    assert row.status == "discarded"


@pytest.mark.slow
def test_the_demo_plays_a_whole_round_in_the_core(transcriber, tmp_path):
    got = Recorder()
    session = _session(lambda: open_store(tmp_path / "data", database=""), transcriber,
                       emit=got, demo_speed=0)
    session.start_demo()
    runner = got.wait_for(ev.PhaseStarted).runner
    assert runner.drill.kind == "demo" and runner.drill.store is None
    session.capture(runner, lambda: False)
    assert got.wait_for(ev.PhaseStarted, count=2).runner.drill.phase == Phase.SUMMARY
    assert got.of(ev.Captioned) and got.of(ev.Level)
    session.capture(runner, lambda: False)
    assert got.wait_for(ev.PhaseStarted, count=3).runner.drill.phase == Phase.CONFIRM
    score = got.wait_for(ev.Scored, timeout=180).score
    assert score.points and score.interruptions is not None
    assert not (tmp_path / "data").exists()  # the demo is never saved


def test_a_stored_score_comes_back_as_the_same_record():
    """The review shows stored rounds through the same typed score a fresh round has;
    a partial or odd stored score (older versions, other machines) still builds."""
    from listen_coach.scoring.report import score_round
    from listen_coach.scoring.stored import score_from_dict

    fresh = score_round("I stayed late three nights because the client moved the date. "
                        "I felt exhausted.", "So you stayed late three nights and you were "
                        "worn out. What did the client say?", speaker_name="Sam",
                        interruptions=1, encouragers=2)
    assert score_from_dict(fresh.to_dict()) == fresh
    odd = score_from_dict({"overall": "61", "points": [{"match": {"point": "p"}}, "junk"],
                           "question": "none", "tips": None})
    assert (odd.overall, len(odd.points), odd.question, odd.tips) == (61, 1, None, ())


def test_the_microphone_check_captions_on_the_capture_lane_and_says_when_there_is_none(
        transcriber, speech_dir, tmp_path):
    from listen_coach.audio.sources import FileSource
    from listen_coach.drill.mic_check import Heard
    from listen_coach.errors import NoInputDevice

    named, levels, captions, threads = [], [], [], set()

    def noted(into):
        def add(value):
            threads.add(threading.current_thread().name)
            into.append(value)
        return add

    heard = Heard(noted(named), lambda what, why: named.append(f"{what}: {why}"),
                  noted(levels), noted(captions))
    session = _session(lambda: open_store(tmp_path / "data", database=""), transcriber,
                       lambda phase, ch, rec: FileSource(speech_dir / "mentor-lead.wav",
                                                                  realtime=False))
    session.check_microphone(lambda: False, heard)  # the file ends: the check ends
    assert session.wait(120)
    assert named == ["mentor-lead.wav"]
    assert levels and all(-100 <= db <= 0 for db in levels)
    assert captions[-1].committed.strip(), captions[-1]
    assert "session-capture" in threads and threading.main_thread().name not in threads

    def no_mic(phase, ch, rec):
        raise NoInputDevice("No microphone was found; plug one in.")

    named.clear()
    session = _session(lambda: open_store(tmp_path / "data", database=""), transcriber, no_mic)
    session.check_microphone(lambda: False, heard)
    assert session.wait(10)
    assert named == ["No microphone: No microphone was found; plug one in."]


def test_learning_a_voice_hands_back_the_enrolment_or_what_to_redo(speech_dir, tmp_path):
    import numpy as np
    import soundfile as sf

    from listen_coach.audio.sources import FileSource
    from listen_coach.turns.one_mic import Enrolment

    sf.write(tmp_path / "silence.wav", np.zeros(16000 * 6, np.float32), 16000)
    store = lambda: open_store(tmp_path / "data", database="")  # noqa: E731
    results: list = []
    for clip in (speech_dir / "mentor-lead.wav", tmp_path / "silence.wav"):
        session = _session(store, source=lambda phase, ch, rec, clip=clip:
                           FileSource(clip, realtime=False))
        session.learn_voice("Sam", lambda: False, lambda db: None, results.append)
        assert session.wait(60)
    voice, redo = results
    assert isinstance(voice, Enrolment) and voice.name == "Sam" and voice.speech_seconds > 1
    assert redo.startswith("Sam's enrolment clip has no speech")

    stopped: list = []  # stopped before the clip was taken: nothing is handed back
    session = _session(store, source=lambda phase, ch, rec: FileSource(speech_dir /
                                                                       "mentor-lead.wav"))
    session.learn_voice("Sam", lambda: True, lambda db: None, stopped.append)
    assert session.wait(60) and stopped == []

    def broken(phase, ch, rec):
        raise OSError("device vanished")

    session = _session(store, source=broken)
    session.learn_voice("Sam", lambda: False, lambda db: None, stopped.append)
    assert session.wait(10)
    assert stopped == ["Learning the voice failed: OSError: device vanished"]
