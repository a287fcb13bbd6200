"""The summary's final pass while it is recorded: windows that depend on the audio
alone, the same transcript at any speed, and the real model on the demo's summary."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from listen_coach.asr.engine import SAMPLE_RATE
from listen_coach.asr.incremental import (
    WINDOW_MIN_S,
    IncrementalTranscriber,
    context_terms,
    partition,
)
from listen_coach.asr.transcriber import WINDOW_SECONDS
from listen_coach.asr.wer import wer
from listen_coach.audio.files import load_audio

DEMO = Path(__file__).resolve().parents[1] / "exercises" / "demo"
S = SAMPLE_RATE


def _regions(spans_s):
    return [(int(a * S), int(b * S)) for a, b in spans_s]


def test_a_window_closes_at_the_first_pause_after_enough_speech():
    regions = _regions([(0, 3), (3.6, 7), (7.5, 9), (10, 12), (13, 14)])
    windows = partition(regions, min_seconds=8.0)
    assert [len(w) for w in windows] == [4, 1]  # 3 + 3.4 + 1.5 + 2 s >= 8 s; then the rest
    assert sum(len(w) for w in windows) == len(regions)


def test_a_long_region_is_cut_to_the_longest_window():
    windows = partition(_regions([(0, 70)]))
    lengths = [sum(e - s for s, e in w) / S for w in windows]
    assert lengths == [WINDOW_SECONDS, WINDOW_SECONDS, 70 - 2 * WINDOW_SECONDS]


def test_the_windows_of_a_beginning_are_the_windows_of_the_whole():
    rng = np.random.default_rng(7)
    t, regions = 0.0, []
    for _ in range(60):
        t += rng.uniform(0.5, 2.0)
        length = rng.uniform(0.3, 6.0)
        regions.append((int(t * S), int((t + length) * S)))
        t += length
    whole = partition(regions)
    for k in range(1, len(regions)):
        part = partition(regions[:k])
        closed = [w for w in part if sum(e - s for s, e in w) >= WINDOW_MIN_S * S]
        assert closed == whole[:len(closed)]


def test_context_terms_are_the_names_and_rare_words():
    text = ("So the museum asked us. And Nadia left, Nadia was the only one who knew the "
            "Buking system. I told Harbour Foods. Everything was complicated.")
    terms = context_terms(text)
    assert terms[0] == "Nadia"
    assert {"Buking", "Harbour Foods", "complicated"} <= set(terms)
    assert "So" not in terms and "And" not in terms and "I" not in terms


@pytest.fixture(scope="module")
def demo():
    meta = tomllib.loads((DEMO / "demo.toml").read_text(encoding="utf-8"))
    summary = load_audio(DEMO / "summary.ogg").samples
    return meta, summary if summary.ndim == 1 else summary.mean(axis=1)


def _run(transcriber, audio, block_s, pause_s, context="") -> str:
    inc = IncrementalTranscriber(transcriber, context=lambda: context)
    block = int(block_s * S)
    for i in range(0, len(audio), block):
        inc.feed(audio[i:i + block])
        if pause_s:
            time.sleep(pause_s)
    return inc.finish().text


@pytest.mark.slow
def test_the_same_summary_gives_the_same_transcript_at_any_speed(transcriber, demo):
    meta, audio = demo
    context = meta["speaker"]["text"]
    at_once = _run(transcriber, audio, len(audio) / S + 1, 0, context)
    fed = [_run(transcriber, audio, 0.5, 0.06, context),  # about 8x real time
           _run(transcriber, audio, 0.1, 0.0, context)]  # as fast as it goes
    assert fed == [at_once, at_once]
    assert wer(meta["listener"]["text"], at_once) <= 0.10


@pytest.mark.slow
def test_silence_and_nothing_are_empty(transcriber):
    assert _run(transcriber, np.zeros(5 * S, np.float32), 0.5, 0).strip() == ""
    assert IncrementalTranscriber(transcriber).finish().is_empty


@pytest.mark.slow
def test_a_pair_round_scores_the_summary_s_final_transcript_the_same_every_run(transcriber):
    """The demo round through the runner at two speeds: the summary that is scored is
    the final pass over the listener's channel, with the speaker's words as context,
    and it does not depend on how fast the audio came."""
    from listen_coach.audio.sources import FileSource
    from listen_coach.drill.machine import Drill, Timing
    from listen_coach.drill.runner import DrillRunner

    texts, scores = [], []
    for realtime, speed in ((False, 1.0), (True, 6.0)):
        def source(phase, channels, recorder, realtime=realtime, speed=speed):
            name = "speak.ogg" if phase == "speak" else "summary.ogg"
            return FileSource(DEMO / name, stereo=True, realtime=realtime, speed=speed)

        drill = Drill("pair", ("Sam", "Alex"), "demo", "Demo", Timing(120, 90))
        runner = DrillRunner(drill, transcriber, source, two_channel=True)
        runner.capture(lambda: False)
        take = runner.capture(lambda: False)
        score = runner.score()
        r = drill.current
        again = IncrementalTranscriber(transcriber, context=runner._summary_context)
        again.feed(take.audio[:, 1])
        assert r.summary_text == again.finish().text  # the final pass, not the caption
        texts.append(r.summary_text)
        scores.append(score.overall)
    assert texts[0] == texts[1] and scores[0] == scores[1]
    assert "Nadia" in texts[0]
