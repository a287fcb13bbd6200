"""One-microphone rows: who spoke when on a single mixed channel.

* Generated conversations (mono mix, both partners enrolled from a sentence of
  their own): interruption and encourager precision/recall, and speed.
* The real pyannote sample: attribution error on 10 ms frames where exactly one
  person speaks (RTTM), each speaker enrolled from their own first clean stretch
  and those stretches left out of the score. Nothing was tuned on this file.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import numpy as np

#: Seeds 0-7 are the tuning split; these were never looked at while tuning.
SEEDS = range(100, 120)
TUNING_SEEDS = range(0, 8)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"
#: Enrol from the first single-speaker stretch at least this long (up to ENROL_MAX).
ENROL_MIN, ENROL_MAX = 2.5, 4.0


def generated_scores(seeds) -> dict:
    from bench.conversations import enrolment_clip, f1, generate, match_events
    from listen_coach.turns.one_mic import enroll
    from listen_coach.turns.pipeline import analyse_one_mic

    a, b = enroll("A", enrolment_clip("A")), enroll("B", enrolment_clip("B"))
    totals = {"interruption": [0, 0, 0], "backchannel": [0, 0, 0]}
    audio_s = compute_s = 0.0
    errors = []
    for seed in seeds:
        conv = generate(seed=seed, piper_a=True)
        errors.append(attribution_error(conv.mono, [(u.speaker, u.start, u.end)
                                                    for u in conv.utterances],
                                        voices={"A": a, "B": b})[0])
        started = time.perf_counter()
        result = analyse_one_mic(conv.mono, a, b)
        compute_s += time.perf_counter() - started
        audio_s += len(conv.mono) / 16000
        for kind, counts in match_events(conv.utterances, list(result.events)).items():
            for i, c in enumerate(counts):
                totals[kind][i] += c
    out = {"speed": audio_s / compute_s, "audio_s": audio_s,
           "attribution_error": float(np.mean(errors))}
    for kind, (tp, fp, fn) in totals.items():
        out[kind] = (f1(tp, fp, fn), tp / max(1, tp + fp), tp / max(1, tp + fn), tp + fn)
    return out


def read_rttm(path: Path) -> list[tuple[str, float, float]]:
    turns = []
    for line in path.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            turns.append((f[7], float(f[3]), float(f[3]) + float(f[4])))
    return turns


def attribution_error(audio: np.ndarray, truth: list[tuple[str, float, float]],
                      step: float = 0.01, voices: dict | None = None) -> tuple[float, dict]:
    """Enrol each speaker from their first clean stretch (or use `voices`, enrolled
    elsewhere), attribute the rest, and return the share of single-speaker frames
    (outside enrolment) missed (silence or uncertain) or given to the wrong one."""
    from listen_coach.turns.one_mic import attribute, enroll

    speakers = sorted({s for s, _, _ in truth})
    n = int(len(audio) / 16000 / step)
    active = {s: np.zeros(n, bool) for s in speakers}
    for s, start, end in truth:
        active[s][int(start / step):int(end / step)] = True
    single = sum(active[s].astype(int) for s in speakers) == 1
    enrolled, excluded = dict(voices or {}), np.zeros(n, bool)
    for s in speakers:
        if s in enrolled:
            continue
        only = active[s] & single
        start = None
        for i in range(n + 1):  # the first clean stretch of ENROL_MIN seconds or more
            if i < n and only[i]:
                start = i if start is None else start
            elif start is not None:
                if (i - start) * step >= ENROL_MIN:
                    stop = min(i, start + int(ENROL_MAX / step))
                    clip = audio[int(start * step * 16000):int(stop * step * 16000)]
                    enrolled[s] = enroll(s, clip)
                    excluded[start:stop] = True
                    break
                start = None
        if s not in enrolled:
            raise RuntimeError(f"{s} has no clean stretch of {ENROL_MIN} s to enrol from")
    result = attribute(audio, enrolled[speakers[0]], enrolled[speakers[1]])
    said = np.full(n, "", dtype=object)
    for t in result.turns:
        said[int(t.start / step):int(t.end / step)] = t.speaker
    scored = single & ~excluded
    truth_label = np.full(n, "", dtype=object)
    for s in speakers:
        truth_label[active[s] & single] = s
    missed = scored & (said == "")
    wrong = scored & (said != "") & (said != truth_label)
    total = int(scored.sum())
    return (int(missed.sum()) + int(wrong.sum())) / total, {
        "frames": total, "missed": int(missed.sum()) / total, "wrong": int(wrong.sum()) / total}


def bench_one_mic(rows: list[dict]) -> None:
    if shutil.which("espeak-ng") is None:
        rows.append({"name": "turns.one_mic", "skipped": "espeak-ng is not installed"})
    else:
        got = generated_scores(SEEDS)
        for kind, target in (("interruption", ">= 0.85"), ("backchannel", "")):
            f, p, r, n = got[kind]
            rows.append({"name": f"turns.one_mic.{kind}.f1", "value": round(f, 4),
                         "target": target, "detail": f"{len(SEEDS)} generated mono "
                         f"conversations: precision {p:.3f}, recall {r:.3f} ({n} true events)"})
        rows.append({"name": "turns.one_mic.generated_attribution_error",
                     "value": round(got["attribution_error"], 4), "target": "",
                     "detail": f"{len(SEEDS)} generated mono conversations, both partners "
                     "enrolled from a sentence of their own: single-speaker 10 ms frames "
                     "missed or given to the wrong partner (mean)"})
        rows.append({"name": "turns.one_mic.speed_x_realtime", "value": round(got["speed"], 1),
                     "target": ">= 5", "detail": f"{got['audio_s']:.0f} s of mono audio: voice "
                     "activity + voice embeddings + events"})
    folder = SHARED / "conversation" / "pyannote_sample"
    if not folder.exists():
        rows.append({"name": "turns.one_mic.pyannote_attribution_error",
                     "skipped": f"{folder} is not there"})
        return
    from listen_coach.audio.files import load_audio

    audio = load_audio(folder / "sample.wav").samples
    error, parts = attribution_error(audio, read_rttm(folder / "sample.rttm"))
    rows.append({"name": "turns.one_mic.pyannote_attribution_error", "value": round(error, 4),
                 "target": "<= 0.15", "detail": f"{parts['frames']} single-speaker 10 ms "
                 f"frames outside enrolment: missed {parts['missed']:.3f}, wrong speaker "
                 f"{parts['wrong']:.3f}"})
