"""App rows: launch to an interactive home screen, results latency after a summary,
key response while transcribing, the review with 1,000 rounds, peak memory."""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

async def answer_key(app) -> float:
    """Seconds from a key reaching the app to the screen repainted after its action.

    Pilot.press is not a latency probe: it waits until the whole process has been
    idle (up to a second at a time), and the app is never idle while models load or
    speech is transcribed. So the key (tab: move the focus, bound on every screen)
    goes in the way Pilot sends it, through the driver, and the clock stops when
    the bound action has run and the next refresh is done: what a person sees."""
    from textual import events

    loop = asyncio.get_running_loop()
    painted: asyncio.Future = loop.create_future()
    original = app.action_focus_next

    def action() -> None:
        original()
        app.call_after_refresh(lambda: painted.done() or painted.set_result(
            time.perf_counter()))

    app.action_focus_next = action
    event = events.Key("tab", "\t")
    event.set_sender(app)
    started = time.perf_counter()
    app._driver.send_message(event)
    try:
        return await asyncio.wait_for(painted, 30) - started
    finally:
        app.action_focus_next = original


LAUNCH = textwrap.dedent("""
    import asyncio, os, sys, time
    from listen_coach.tui.app import make_app
    from bench.app import answer_key
    async def main():
        app = make_app(microphone_status=lambda: "mic")
        async with app.run_test(size=(80, 24)):
            while type(app.screen).__name__ != "HomeScreen":
                await asyncio.sleep(0.005)
            await answer_key(app)  # a key answered: the screen is interactive
            print(time.time() - float(os.environ["LC_T0"]), flush=True)
            app.exit()
    asyncio.run(main())
""")


def _env(tmp: Path) -> dict:
    return {**os.environ, "LISTEN_COACH_CONFIG": str(tmp / "config.toml"),
            "LISTEN_COACH_DATA_DIR": str(tmp / "data")}


def bench_launch(rows: list[dict]) -> None:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(5):
            env = {**_env(Path(tmp)), "LC_T0": repr(time.time())}
            out = subprocess.run([sys.executable, "-c", LAUNCH], env=env, cwd=ROOT,
                                 capture_output=True, text=True, check=True)
            times.append(float(out.stdout.strip().splitlines()[-1]))
    rows.append({"name": "app.home_interactive_s", "value": round(statistics.median(times), 3),
                 "target": "< 1.5", "detail": "process start to a key answered on the home "
                 f"screen, models loading behind; median of 5 (max {max(times):.2f})"})


DEMO = textwrap.dedent("""
    import asyncio
    from listen_coach.tui.app import make_app
    async def main():
        app = make_app(microphone_status=lambda: "mic", demo_speed=2.0)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("d")
            while type(app.screen).__name__ != "ConfirmScreen" or app.screen.score is None:
                await asyncio.sleep(0.2)
            await pilot.press("space", "enter")
            while type(app.screen).__name__ != "ResultsScreen":
                await asyncio.sleep(0.1)
            await pilot.press("enter")
            app.exit()
    asyncio.run(main())
    # VmHWM: this process's own peak. (ru_maxrss would start from the parent's size
    # at fork: Linux carries the high-water mark across fork and exec.)
    status = open("/proc/self/status").read()
    print(status.split("VmHWM:")[1].split()[0])
""")


def bench_memory(rows: list[dict]) -> None:
    """Peak resident memory of the app through a whole demo round, in a fresh process;
    the worst of 3 runs (it depends on how the transcriptions overlap in time)."""
    peaks = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            out = subprocess.run([sys.executable, "-c", DEMO], env=_env(Path(tmp)), cwd=ROOT,
                                 capture_output=True, text=True, check=True)
        peaks.append(int(out.stdout.strip().splitlines()[-1]) / 1024)
    rows.append({"name": "app.peak_memory_mib", "value": round(max(peaks)), "target": "< 800",
                 "detail": "the app running the whole demo round (capture, live captions, "
                 "final pass, turns, scoring, results) at 2x speed; worst of 3 fresh "
                 f"processes (runs: {', '.join(str(round(p)) for p in peaks)})"})


def _speech(seconds: float) -> np.ndarray:
    """About `seconds` of real-sounding speech: solo passages back to back."""
    from listen_coach.audio.files import load_audio
    from listen_coach.drill.packs import load_library

    parts, total = [], 0
    for passage in load_library().passages:
        clip = load_audio(passage.audio["normal"]).samples
        parts.append(clip)
        total += len(clip)
        if total >= seconds * 16000:
            break
    return np.concatenate(parts)[:int(seconds * 16000)]


def bench_results_latency(rows: list[dict]) -> None:
    """2 min of speaking, a 45 s summary in real time; from the summary's end to a
    scored round (the confirm screen's points, then the results). Median of 3."""
    import soundfile as sf

    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.audio.sources import FileSource
    from listen_coach.config import AsrSettings
    from listen_coach.drill.machine import Drill, Timing
    from listen_coach.drill.runner import DrillRunner
    from listen_coach.scoring.report import score_round

    transcriber = Transcriber(AsrSettings())
    transcriber.load()
    # The app warms the scorer up while the home screen is open; so does this.
    score_round("I stayed late three nights.", "You stayed late three nights?")
    latencies = []
    with tempfile.TemporaryDirectory() as tmp:
        speak, summary = Path(tmp) / "speak.wav", Path(tmp) / "summary.wav"
        sf.write(speak, _speech(120), 16000)
        passages = _speech(200)
        sf.write(summary, passages[-45 * 16000:], 16000)  # 45 s of other speech
        ended: dict[str, float] = {}

        class Timed(FileSource):
            def _run(self):
                super()._run()
                ended["at"] = time.monotonic()

        def factory(phase, channels, recorder):
            if phase == "speak":
                return FileSource(speak, realtime=False)
            return Timed(summary, realtime=True)

        for _ in range(3):

            drill = Drill("pair", ("Sam", "Alex"), "bench", "bench", Timing(180, 90))
            runner = DrillRunner(drill, transcriber, factory)
            runner.capture(lambda: False)
            runner.capture(lambda: False)
            runner.score()
            latencies.append(time.monotonic() - ended["at"])
            from listen_coach.scoring import lexical, nlp, report

            nlp.clear_cache()  # the next round starts cold, as a new round would
            lexical.analyse.cache_clear()
            report._extracted.cache_clear()
    rows.append({"name": "app.results_after_summary_s",
                 "value": round(statistics.median(latencies), 2), "target": "< 1.5",
                 "detail": "120 s speaking, 45 s summary in real time: the summary's final "
                 "pass (its last window) + the speaker's final pass + scoring; median of 3 "
                 f"(max {max(latencies):.2f})"})


def bench_keys(rows: list[dict]) -> None:
    """Key presses answered while the demo transcribes in real time."""
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.config import AsrSettings
    from listen_coach.tui.app import make_app

    transcriber = Transcriber(AsrSettings())
    transcriber.load()
    waits: list[float] = []

    async def run() -> None:
        app = make_app(transcriber=transcriber, microphone_status=lambda: "mic",
                       demo_speed=1.0)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.press("d")
            while type(app.screen).__name__ != "PhaseScreen":
                await asyncio.sleep(0.05)
            await asyncio.sleep(3)
            for _ in range(30):
                waits.append(await answer_key(app))
                await asyncio.sleep(0.5)
            await pilot.press("escape", "y")  # leave the round: capture and captions stop
            while type(app.screen).__name__ != "HomeScreen":
                await asyncio.sleep(0.05)
            app.exit()

    with tempfile.TemporaryDirectory() as tmp:
        old = {k: os.environ.get(k) for k in ("LISTEN_COACH_CONFIG", "LISTEN_COACH_DATA_DIR")}
        os.environ.update(_env(Path(tmp)))
        try:
            asyncio.run(run())
        finally:
            for k, v in old.items():
                os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    waits_ms = sorted(w * 1000 for w in waits)
    rows.append({"name": "app.key_response_ms", "value": round(statistics.median(waits_ms), 1),
                 "target": "< 100", "detail": "30 keys during live transcription, key to "
                 f"repaint; p90 "
                 f"{waits_ms[int(0.9 * len(waits_ms))]:.0f} ms, max {waits_ms[-1]:.0f} ms"})


def bench_review(rows: list[dict]) -> None:
    """1,000 rounds in the review screen."""
    from listen_coach.store import open_store
    from listen_coach.store.repo import RoundStart
    from listen_coach.store.report import render
    from listen_coach.tui.app import make_app
    from listen_coach.tui.screens.review import ReviewScreen

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp), database="")
        names = [f"Participant {i:02d}" for i in range(40)]
        for i in range(1000):
            start = RoundStart(listener=names[i % 40], speaker=names[(i + 1) % 40],
                               exercise="mentor-advice", exercise_title="Advice that stuck",
                               workshop=f"Workshop {i % 5}",
                               started_at=f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T10:00:00")
            store.begin_round(start)
            # Eight ticked points a round; the scorer differs on about one in eight.
            ticks = [(k + i) % 3 != 0 for k in range(8)]
            scorer = [t != ((k * 7 + i) % 8 == 0) for k, t in enumerate(ticks)]
            store.save_phase(start.uid, "summary", text="So you found a mentor. " * 20)
            store.save_score(start.uid, {"overall": 40 + i % 60, "components": {
                "coverage": 0.6, "question": 0.8}, "points": [
                {"match": {"point": f"Point {k} of the talk, a sentence of some length",
                           "score": 0.4, "covered": t, "evidence": "so you found a mentor"}}
                for k, t in enumerate(ticks)]})
            store.save_confirmations(start.uid, [
                (k, f"Point {k} of the talk, a sentence of some length", t, m)
                for k, (t, m) in enumerate(zip(ticks, scorer, strict=True))])
            store.finish_round(start.uid)
        took: list[float] = []

        async def run() -> None:
            app = make_app(microphone_status=lambda: "mic", store_factory=lambda: store)
            async with app.run_test(size=(100, 30)) as pilot:
                for _ in range(3):
                    started = time.perf_counter()
                    app.push_screen(ReviewScreen())
                    while not (isinstance(app.screen, ReviewScreen) and
                               app.screen.query("DataTable") and
                               app.screen.query_one("DataTable").row_count >= 1000 and
                               "points" in str(app.screen.query_one("#agreement").render())):
                        await asyncio.sleep(0.005)
                    took.append(time.perf_counter() - started)
                    await pilot.press("escape")
                app.exit()

        asyncio.run(run())
        report_s = []
        for _ in range(3):
            started = time.perf_counter()
            page = render(store)
            report_s.append(time.perf_counter() - started)
        assert "How far to trust the scorer here" in page
    rows.append({"name": "store.review_1000_rounds_s", "value": round(statistics.median(took), 3),
                 "target": "< 1.0", "detail": "open the review until all 1,000 rounds are in "
                 "the table with the scorer's agreement over their 8,000 ticked points "
                 "(SQLite); median of 3"})
    rows.append({"name": "store.report_1000_rounds_s",
                 "value": round(statistics.median(report_s), 3), "target": "< 2.0",
                 "detail": "the HTML report of 1,000 rounds with agreement and "
                 "disagreements (SQLite); median of 3"})
