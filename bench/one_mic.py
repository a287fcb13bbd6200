"""One-microphone rows: who spoke when on a single mixed channel.

* Generated conversations (mono mix, both partners enrolled from a sentence of
  their own): interruption and encourager precision/recall, and speed.
* The real pyannote sample: attribution error on 10 ms frames where exactly one
  person speaks (RTTM), each speaker enrolled from their own first clean stretch
  and those stretches left out of the score. Nothing was tuned on this file.
"""

from __future__ import annotations

import random
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


def _tally(conv, a, b, totals: dict[str, list[int]]) -> tuple[float, float]:
    """One speak phase (the speaker, A, holds the floor): its attribution error and
    the seconds its analysis took; its events' counts are added to `totals`."""
    from bench.conversations import match_events
    from listen_coach.turns.pipeline import analyse_one_mic

    truth = [(u.speaker, u.start, u.end) for u in conv.utterances]
    error = attribution_error(conv.mono, truth, voices={"A": a, "B": b})[0]
    started = time.perf_counter()
    result = analyse_one_mic(conv.mono, a, b, floor="A")
    seconds = time.perf_counter() - started
    for kind, counts in match_events(conv.utterances, list(result.events)).items():
        for i, c in enumerate(counts):
            totals[kind][i] += c
    return error, seconds


def generated_scores(seeds) -> dict:
    from bench.conversations import enrolment_clip, f1, generate
    from listen_coach.turns.one_mic import enroll

    a, b = enroll("A", enrolment_clip("A")), enroll("B", enrolment_clip("B"))
    totals = {"interruption": [0, 0, 0], "backchannel": [0, 0, 0]}
    audio_s = compute_s = 0.0
    errors = []
    for seed in seeds:
        conv = generate(seed=seed, piper_a=True)
        error, seconds = _tally(conv, a, b, totals)
        errors.append(error)
        compute_s += seconds
        audio_s += len(conv.mono) / 16000
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


def speaker_frames(truth: list[tuple[str, float, float]], n: int, step: float
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Per speaker, which of `n` frames of `step` seconds they speak in; and which
    frames hold exactly one speaker."""
    active = {s: np.zeros(n, bool) for s, _, _ in truth}
    for s, start, end in truth:
        active[s][int(start / step):int(end / step)] = True
    return active, sum(m.astype(int) for m in active.values()) == 1


def attribution_error(audio: np.ndarray, truth: list[tuple[str, float, float]],
                      step: float = 0.01, voices: dict | None = None,
                      enrol_first: float | None = None) -> tuple[float, dict]:
    """Enrol each speaker from their first clean stretch (or use `voices`, enrolled
    elsewhere; or, with `enrol_first`, from the first that many seconds of their
    single-speaker speech, stretches joined), attribute the rest, and return the
    share of single-speaker frames (outside enrolment) missed (silence or
    uncertain) or given to the wrong one."""
    from listen_coach.turns.one_mic import attribute, enroll

    speakers = sorted({s for s, _, _ in truth})
    n = int(len(audio) / 16000 / step)
    active, single = speaker_frames(truth, n, step)
    enrolled, excluded = dict(voices or {}), np.zeros(n, bool)
    for s in speakers:
        if s in enrolled:
            continue
        only = active[s] & single
        if enrol_first is not None:
            take = np.nonzero(only)[0][:int(enrol_first / step)]
            clip = np.concatenate([audio[int(i * step * 16000):int((i + 1) * step * 16000)]
                                   for i in take])
            enrolled[s] = enroll(s, clip)
            excluded[take] = True
            continue
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
        "frames": total, "missed": int(missed.sum()) / total, "wrong": int(wrong.sum()) / total,
        "similarity": float(enrolled[speakers[0]].embedding @ enrolled[speakers[1]].embedding)}


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
    truth = read_rttm(folder / "sample.rttm")
    error, parts = attribution_error(audio, truth)
    rows.append({"name": "turns.one_mic.pyannote_attribution_error", "value": round(error, 4),
                 "target": "<= 0.15", "detail": f"{parts['frames']} single-speaker 10 ms "
                 f"frames outside enrolment: missed {parts['missed']:.3f}, wrong speaker "
                 f"{parts['wrong']:.3f}"})
    for seconds, target in ((6.0, "<= 0.15"), (1.7, "")):
        error, parts = attribution_error(audio, truth, enrol_first=seconds)
        rows.append({"name": f"turns.one_mic.pyannote_enrol_{seconds:g}s_attribution_error",
                     "value": round(error, 4), "target": target,
                     "detail": f"each speaker enrolled from their first {seconds:g} s of "
                     f"single-speaker speech (joined; similarity {parts['similarity']:.2f}), "
                     f"{parts['frames']} frames left: missed {parts['missed']:.3f}, wrong "
                     f"{parts['wrong']:.3f}"})


def realistic_scores(pairs, seeds) -> dict:
    """Attribution, events and speed on bench/realistic.py conversations, each pair
    enrolled from its own sentences in its own room; and the live cue's delay."""
    from bench.conversations import f1
    from bench.realistic import generate
    from listen_coach.turns.one_mic import enroll

    totals = {"interruption": [0, 0, 0], "backchannel": [0, 0, 0]}
    errors, sims, delays, missed_live = [], [], [], 0
    audio_s = compute_s = 0.0
    for pair in pairs:
        for seed in seeds:
            conv, enrol_a, enrol_b = generate(pair, seed)
            a, b = enroll("A", enrol_a), enroll("B", enrol_b)
            sims.append(float(a.embedding @ b.embedding))
            error, seconds = _tally(conv, a, b, totals)
            errors.append(error)
            compute_s += seconds
            audio_s += len(conv.mono) / 16000
            for lag in live_delays(conv, a, b):
                if lag is None:
                    missed_live += 1
                else:
                    delays.append(lag)
    out = {"speed": audio_s / compute_s, "audio_s": audio_s, "n": len(errors),
           "attribution_error": float(np.mean(errors)), "similarity": (min(sims), max(sims)),
           "delay": float(np.median(delays)) if delays else float("nan"),
           "live_found": (len(delays), len(delays) + missed_live)}
    for kind, (tp, fp, fn) in totals.items():
        out[kind] = (f1(tp, fp, fn), tp / max(1, tp + fp), tp / max(1, tp + fn), tp + fn)
    return out


def live_delays(conv, a, b) -> list[float | None]:
    """Seconds from each true interruption's start to its live cue, replaying the
    capture's cue (drill/capture.py: the last CUE_WINDOW_ONE_MIC_S every
    CUE_EVERY_ONE_MIC_S of audio, an event reported once `capture.settled`);
    None where the live cue never showed it."""
    from listen_coach.drill.capture import CUE_EVERY_ONE_MIC_S, CUE_WINDOW_ONE_MIC_S, settled
    from listen_coach.turns.one_mic import attribute, infer_events

    reported: list[tuple[float, float]] = []  # (event start, when shown)
    total = len(conv.mono) / 16000
    now = CUE_EVERY_ONE_MIC_S
    while now <= total + CUE_EVERY_ONE_MIC_S:
        end = min(now, total)
        offset = max(0.0, end - CUE_WINDOW_ONE_MIC_S)
        window = conv.mono[int(offset * 16000):int(end * 16000)]
        for ev in infer_events(attribute(window, a, b), floor="A"):
            start = ev.start + offset
            if ev.kind != "interruption" or not settled(ev, offset, end):
                continue
            if not any(abs(start - s) < 0.5 for s, _ in reported):
                reported.append((start, end))
        now += CUE_EVERY_ONE_MIC_S
    out: list[float | None] = []
    for u in conv.utterances:
        if u.kind == "interruption":
            shown = [when for s, when in reported if abs(s - u.start) <= 0.5]
            out.append(min(shown) - u.start if shown else None)
    return out


def bench_one_mic_realistic(rows: list[dict]) -> None:
    """Held-out voice pairs of bench/realistic.py (none used while choosing a rule)."""
    if shutil.which("espeak-ng") is None:
        rows.append({"name": "turns.one_mic.realistic", "skipped": "espeak-ng is not installed"})
        return
    from bench.realistic import HELD_OUT_PAIRS

    got = realistic_scores(HELD_OUT_PAIRS, (100, 101))
    lo, hi = got["similarity"]
    where = (f"{got['n']} generated speak phases, {len(HELD_OUT_PAIRS)} held-out voice pairs "
             f"(enrolments {lo:.2f}-{hi:.2f} alike) in rooms through a laptop microphone")
    rows.append({"name": "turns.one_mic.realistic_attribution_error",
                 "value": round(got["attribution_error"], 4), "target": "<= 0.15",
                 "detail": f"{where}: single-speaker 10 ms frames missed or misattributed "
                 "(mean)"})
    for kind, target in (("interruption", "F1 >= 0.85"), ("backchannel", "R >= 0.5")):
        f, p, r, n = got[kind]
        rows.append({"name": f"turns.one_mic.realistic_{kind}.f1", "value": round(f, 4),
                     "target": target, "detail": f"precision {p:.3f}, recall {r:.3f} ({n} true "
                     "events; the listener's only, the speaker holds the floor)"})
    found, total = got["live_found"]
    rows.append({"name": "turns.one_mic.realistic_live_cue_delay_s",
                 "value": round(got["delay"], 2), "target": "",
                 "detail": f"median seconds from a cut-in's start to its live cue; the live "
                 f"cue showed {found} of {total}"})
    rows.append({"name": "turns.one_mic.realistic_enrolled_elsewhere_attribution_error",
                 "value": round(enrolled_elsewhere(HELD_OUT_PAIRS, (100, 101)), 4),
                 "target": "", "detail": "the same phases, each partner enrolled close to "
                 "the microphone in a quiet, dry corner instead of from their seat"})
    rows.append({"name": "turns.one_mic.realistic_speed_x_realtime",
                 "value": round(got["speed"], 1), "target": ">= 5",
                 "detail": f"{got['audio_s']:.0f} s of audio on this machine"})


def bench_voice_pairs(rows: list[dict]) -> None:
    """The same-voice refusal against real people: the two speakers of the pyannote
    sample enrolled from several stretches (two different people), and each speaker's
    first half of their speech against their second (one person enrolled twice)."""
    folder = SHARED / "conversation" / "pyannote_sample"
    if not folder.exists():
        rows.append({"name": "turns.one_mic.voice_pairs", "skipped": f"{folder} is not there"})
        return
    from listen_coach.audio.files import load_audio
    from listen_coach.errors import UserError
    from listen_coach.turns.one_mic import check_pair, enroll

    audio = load_audio(folder / "sample.wav").samples
    truth = read_rttm(folder / "sample.rttm")
    step = 0.01
    active, single = speaker_frames(truth, int(len(audio) / 16000 / step), step)

    def clip(speaker: str, lo: float, hi: float) -> np.ndarray:
        idx = np.nonzero(active[speaker] & single)[0]
        take = idx[int(lo * len(idx)):int(hi * len(idx))]
        return np.concatenate([audio[int(i * step * 16000):int((i + 1) * step * 16000)]
                               for i in take])

    def refused(x, y) -> tuple[bool, float]:
        try:
            return False, check_pair(x, y)
        except UserError:
            return True, float(x.embedding @ y.embedding)

    a, b = sorted(active)
    halves = {s: (enroll(s, clip(s, 0, 0.5)), enroll(s, clip(s, 0.5, 1))) for s in (a, b)}
    different = [refused(x, y) for x in halves[a] for y in halves[b]]
    same = [refused(*halves[s]) for s in (a, b)]
    rows.append({"name": "turns.one_mic.real_different_people_refused",
                 "value": sum(r for r, _ in different), "target": "0",
                 "detail": f"of {len(different)} enrolment pairs of the sample's two people "
                 f"(halves of their speech, 4-5 s each): similarity "
                 f"{min(s for _, s in different):.2f}-{max(s for _, s in different):.2f}"})
    rows.append({"name": "turns.one_mic.real_same_person_refused",
                 "value": sum(r for r, _ in same), "target": f"{len(same)}",
                 "detail": f"of {len(same)}: each speaker's first half against their second "
                 f"(similarity {', '.join(f'{s:.2f}' for _, s in same)})"})
    generated = []
    from bench.realistic import HELD_OUT_PAIRS, TUNING_PAIRS, Room, enrolment

    for k, (x, y) in enumerate(TUNING_PAIRS + HELD_OUT_PAIRS):
        room = Room.draw(random.Random(k))
        ex, ey = enroll("x", enrolment(x, "A", room, 0, 1)), enroll("y", enrolment(y, "B", room,
                                                                                   1, 2))
        generated.append(float(ex.embedding @ ey.embedding))
    rows.append({"name": "turns.one_mic.generated_pair_similarity",
                 "value": round(float(np.median(generated)), 3), "target": "",
                 "detail": f"median of {len(generated)} realistic generated pairs (range "
                 f"{min(generated):.2f}-{max(generated):.2f}); the real pair above "
                 f"{min(s for _, s in different):.2f}-{max(s for _, s in different):.2f}"})


def enrolled_elsewhere(pairs, seeds) -> float:
    """Mean attribution error when the enrolments were recorded somewhere else than
    the drill (close to the microphone, little reverberation, no fan): the mismatch
    the session adaptation in turns/one_mic.py is there for."""
    from bench.realistic import Room, enrolment, generate
    from listen_coach.turns.one_mic import enroll

    corner = Room(rt60=0.25, distances=(0.35, 0.35), noise_db=-60)
    errors = []
    for pair in pairs:
        for seed in seeds:
            conv, _, _ = generate(pair, seed)
            a = enroll("A", enrolment(pair[0], "A", corner, 0, seed + 77))
            b = enroll("B", enrolment(pair[1], "B", corner, 1, seed + 78))
            truth = [(u.speaker, u.start, u.end) for u in conv.utterances]
            errors.append(attribution_error(conv.mono, truth, voices={"A": a, "B": b})[0])
    return float(np.mean(errors))
