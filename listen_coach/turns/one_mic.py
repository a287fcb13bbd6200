"""One-microphone mode: tell two enrolled partners apart by voice.

Before the drill each partner says a sentence (about 5 s). During it, speech
(Silero voice activity) is cut into 1 s windows every 0.25 s; each window's
voice embedding is compared with both enrolments and the closer one names it,
unless the two are nearly as close (then the window is *uncertain*: on one
microphone, two people talking at once look exactly like that). DESIGN.md §3
measured this recipe at 10-15 % misattributed single-speaker frames on the real
two-speaker recordings, most of it at turn changes.

One microphone cannot show that two people spoke at once, so an interruption is
inferred from the turn change itself: the new speaker comes in with no silence
(or through an uncertain stretch), where a polite turn change leaves about 200 ms
(DESIGN.md §3). The silence is read from the voice activity itself, not from the
voice boundary, which 1 s windows place only to within a few hundred ms.

Limits, said plainly: an encourager ("mm-hmm", a median 0.31 s) inside the
other's speech is mostly too short for a 1 s window to hear, so one-microphone
encourager counts are low (`make bench`: recall 0.2); speech that sounds like
neither partner is reported, not given to one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from listen_coach.errors import UserError
from listen_coach.turns.activity import FRAME, FRAME_SECONDS, hysteresis, speech_probabilities
from listen_coach.turns.activity import to_stretches as _stretches
from listen_coach.turns.overlaps import (
    BACKCHANNEL_MAX_SECONDS,
    OverlapEvent,
    Turn,
    kind_of,
    merge_continuations,
)

SAMPLE_RATE = 16_000
#: Enrolment needs this much speech: under 2 s the embedding wanders (two 1.6 s
#: partials at least).
MIN_ENROL_SPEECH = 2.0
#: Enrolments this similar are the same voice, or voices too alike to separate.
#: Measured here: one speaker across clips 0.79 (JFK) to 0.93 (a LibriVox
#: reader); JFK against that reader 0.52; two espeak-ng voices 0.74-0.77.
SAME_VOICE = 0.80
WINDOW = 1.0  # seconds per attribution window (DESIGN.md §3: 1.0 s windows)
HOP = 0.25
#: A window is uncertain when its similarities to the two voices differ by less.
MARGIN = 0.03
#: A window this unlike both enrolments is someone else (or noise), not a partner.
#: Measured on 1 s windows: a partner's own speech has a median best similarity of
#: 0.79 (10th percentile 0.69); LibriVox readers nobody enrolled 0.48-0.59.
UNKNOWN_VOICE = 0.6
#: A turn change with less silence than this is a cut-in (polite gaps are ~200 ms).
CUT_IN_GAP = 0.1
#: Interrupters start a median 0.45 s before the other stops (ICSI, DESIGN.md §3).
MEDIAN_OVERLAP = 0.45
#: How far (s) around a turn change to look for the other's speech and the silence.
SEARCH = 0.5


@dataclass(frozen=True)
class Enrolment:
    name: str
    embedding: np.ndarray
    speech_seconds: float


def speech_only(audio: np.ndarray) -> tuple[np.ndarray, float]:
    mask = hysteresis(speech_probabilities(audio))
    keep = np.repeat(mask, FRAME)[:len(audio)]
    speech = audio[: len(keep)][keep]
    return speech, len(speech) / SAMPLE_RATE


def enroll(name: str, audio: np.ndarray) -> Enrolment:
    """A partner's voice from a short clip; UserError when it is silent or too short."""
    from listen_coach.turns.voice import encoder

    speech, seconds = speech_only(np.asarray(audio, np.float32))
    if seconds < 0.3:
        raise UserError(f"{name}'s enrolment clip has no speech in it; record {name} saying "
                        f"a sentence of about five seconds.")
    if seconds < MIN_ENROL_SPEECH:
        raise UserError(f"{name}'s enrolment clip holds only {seconds:.1f} s of speech; "
                        f"{MIN_ENROL_SPEECH:g} s or more is needed (about five seconds "
                        f"of talking).")
    return Enrolment(name, encoder().embed(speech), round(seconds, 2))


def check_pair(a: Enrolment, b: Enrolment) -> float:
    similarity = float(a.embedding @ b.embedding)
    if similarity >= SAME_VOICE:
        raise UserError(f"{a.name}'s and {b.name}'s enrolments sound like the same voice "
                        f"(similarity {similarity:.2f}); each partner should enrol with "
                        f"their own voice.")
    return similarity


@dataclass(frozen=True)
class Attribution:
    turns: list[Turn]
    uncertain: list[tuple[float, float]]  # stretches where the voice could not be told
    #: Voice activity per 32 ms frame, unbridged: the silences at turn changes.
    speech: np.ndarray | None = None
    #: Speech that sounds like neither partner (a third person, noise).
    unknown: list[tuple[float, float]] = field(default_factory=list)

    def longest_silence(self, start: float, end: float) -> float:
        """The longest run of silence (seconds) between `start` and `end`."""
        if self.speech is None:
            return 0.0
        lo, hi = max(0, int(start / FRAME_SECONDS)), int(np.ceil(end / FRAME_SECONDS))
        best = run = 0
        for active in self.speech[lo:hi]:
            run = 0 if active else run + 1
            best = max(best, run)
        return best * FRAME_SECONDS


def attribute(audio: np.ndarray, a: Enrolment, b: Enrolment) -> Attribution:
    """Who spoke when on one microphone: each speech frame goes to the partner whose
    enrolment its windows resemble more; near-ties are left uncertain."""
    from listen_coach.turns.voice import encoder

    audio = np.asarray(audio, np.float32)
    mask = hysteresis(speech_probabilities(audio))
    n = len(mask)
    win, hop = int(WINDOW / FRAME_SECONDS), max(1, int(HOP / FRAME_SECONDS))
    starts = [s for s in range(0, max(1, n - win + 1), hop) if mask[s:s + win].mean() >= 0.5]
    votes = np.zeros((n, 4))  # per frame: A, B, uncertain; and unlike both
    if starts:
        windows = [(s * FRAME, min(len(audio), (s + win) * FRAME)) for s in starts]
        emb = encoder().embed_windows(audio, windows)
        sim_a, sim_b = emb @ a.embedding, emb @ b.embedding
        for s, sa, sb in zip(starts, sim_a, sim_b, strict=True):
            label = 2 if abs(sa - sb) < MARGIN else (0 if sa > sb else 1)
            if max(sa, sb) < UNKNOWN_VOICE:
                votes[s + win // 4: s + 3 * win // 4, 3] += 1  # reported, not relabelled
            # The window's middle half decides its frames (its edges overlap neighbours).
            votes[s + win // 4: s + 3 * win // 4, label] += 1
    labels = np.full(n, -1)
    voted = votes[:, :3].sum(axis=1) > 0
    labels[voted] = votes[voted, :3].argmax(axis=1)
    # Speech frames no window's middle reached take the nearest voted label.
    idx = np.nonzero(voted)[0]
    for i in np.nonzero(mask & ~voted)[0]:
        if len(idx):
            labels[i] = labels[idx[np.argmin(np.abs(idx - i))]]
    labels[~mask] = -1
    turns = [Turn(a.name, s, e) for s, e in _stretches(labels == 0)]
    turns += [Turn(b.name, s, e) for s, e in _stretches(labels == 1)]
    uncertain = _stretches(labels == 2, min_speech=0.0)
    unknown = _stretches(mask & (votes[:, 3] * 2 > votes[:, :3].sum(axis=1)), min_speech=0.0)
    return Attribution(merge_continuations(turns), uncertain, mask, unknown)


def infer_events(att: Attribution) -> list[OverlapEvent]:
    """Cut-ins from turn changes: the newcomer starts with no silence between the
    other's speech and theirs (or through an uncertain stretch), where a polite turn
    change leaves a gap. The boundary between two voices is only known to within
    about a window's quarter, so the silence is looked for on either side of it."""
    turns = sorted(att.turns, key=lambda t: t.start)
    events = []
    for i, turn in enumerate(turns):
        before = [t for t in turns[:i] if t.speaker != turn.speaker
                  and t.end >= turn.start - SEARCH]
        if not before:
            continue
        prev = max(before, key=lambda t: t.end)
        if prev.end - prev.start <= BACKCHANNEL_MAX_SECONDS and any(
                t.speaker == turn.speaker and abs(t.end - prev.start) <= SEARCH
                for t in turns[:i]):
            continue  # the floor holder going on after the other's "mm-hmm"
        # Speech from the other on both sides of this turn's start (it began inside
        # their turn) or a change of voice: either way, the silence at the start.
        lo, hi = (turn.start, turn.start) if prev.end > turn.start else (prev.end, turn.start)
        silence = att.longest_silence(lo - SEARCH, hi + SEARCH)
        through_uncertain = any(u_start <= turn.start + 0.1 and u_end >= prev.end - 0.1
                                for u_start, u_end in att.uncertain)
        if silence < CUT_IN_GAP or through_uncertain:
            start = min(turn.start, prev.end)
            if prev.end <= turn.start + SEARCH:
                # A change of voice is found where neither voice dominates: mid-overlap.
                # The overlap itself is a median 0.45 s (DESIGN.md §3), so the cut-in
                # began about half of that earlier.
                start = max(prev.start, start - MEDIAN_OVERLAP / 2)
            events.append(OverlapEvent(kind_of(turn.end - turn.start, turn.text),
                                       turn.speaker, round(start, 3), turn.end, prev.speaker))
    return events
