"""Turns rows: interruptions and encouragers found in generated two-channel conversations."""

from __future__ import annotations

import shutil
import time

#: Seeds never looked at while the two-channel thresholds were set (0-7 were).
SEEDS = range(100, 120)


def bench_two_channel(rows: list[dict]) -> None:
    if shutil.which("espeak-ng") is None:
        rows.append({"name": "turns.two_channel", "skipped": "espeak-ng is not installed"})
        return
    from bench.conversations import f1, generate, match_events
    from listen_coach.turns.pipeline import analyse_two_channel

    totals = {"interruption": [0, 0, 0], "backchannel": [0, 0, 0]}
    audio_s = compute_s = 0.0
    analyse_two_channel(generate(seed=99).stereo)  # warm-up (loads the VAD model)
    for seed in SEEDS:
        conv = generate(seed=seed)
        started = time.perf_counter()
        result = analyse_two_channel(conv.stereo)
        compute_s += time.perf_counter() - started
        audio_s += len(conv.stereo) / 16000
        for kind, counts in match_events(conv.utterances, list(result.events)).items():
            for i, c in enumerate(counts):
                totals[kind][i] += c
    for kind, target in (("interruption", ">= 0.95"), ("backchannel", ">= 0.90")):
        tp, fp, fn = totals[kind]
        rows.append({"name": f"turns.two_channel.{kind}.f1", "value": round(f1(tp, fp, fn), 4),
                     "target": target, "detail": f"{len(SEEDS)} generated conversations: "
                     f"precision {tp / max(1, tp + fp):.3f}, recall {tp / max(1, tp + fn):.3f} "
                     f"({tp + fn} true events)"})
    rows.append({"name": "turns.two_channel.speed_x_realtime",
                 "value": round(audio_s / compute_s, 1), "target": ">= 5",
                 "detail": f"{audio_s:.0f} s of stereo audio, voice activity + crosstalk + events"})
