"""From a recording to segments (who spoke when, and what) and overlap events."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from listen_coach.errors import UserError
from listen_coach.turns.activity import frame_levels
from listen_coach.turns.overlaps import OverlapEvent, Turn, classify_overlaps
from listen_coach.turns.two_channel import FLOOR_MARGIN_DB, two_channel_turns

#: Channels this correlated are one signal twice (real two-headset recordings,
#: even with crosstalk at -10 dB, stay far below: bleed is a small part of each).
SAME_SIGNAL_CORR = 0.95


@dataclass(frozen=True)
class TurnsResult:
    segments: tuple[Turn, ...]
    events: tuple[OverlapEvent, ...]
    notes: tuple[str, ...] = field(default=())

    def count(self, kind: str, speaker: str | None = None) -> int:
        return sum(e.kind == kind and (speaker is None or e.speaker == speaker)
                   for e in self.events)

    def to_dict(self) -> dict:
        return {"segments": [asdict(s) for s in self.segments],
                "events": [asdict(e) for e in self.events], "notes": list(self.notes)}


def _with_text(turns: list[Turn], channel: np.ndarray, speaker: str, transcriber) -> list[Turn]:
    """Give each of `speaker`'s segments the words whose middle is nearest to it."""
    words = transcriber.transcribe(channel).words
    own = [i for i, t in enumerate(turns) if t.speaker == speaker]
    said: dict[int, list[str]] = {i: [] for i in own}
    for w in words:
        mid = (w.start + w.end) / 2
        nearest = min(own, key=lambda i: max(turns[i].start - mid, mid - turns[i].end, 0.0))
        said[nearest].append(w.text)
    return [Turn(t.speaker, t.start, t.end, " ".join(said[i])) if i in said else t
            for i, t in enumerate(turns)]


def _words_to_turns(turns: list[Turn], words) -> list[Turn]:
    """One transcript of the shared microphone: each word goes to the segment its
    middle falls in (or the nearest one)."""
    said: dict[int, list[str]] = {i: [] for i in range(len(turns))}
    for w in words:
        mid = (w.start + w.end) / 2
        nearest = min(range(len(turns)),
                      key=lambda i: max(turns[i].start - mid, mid - turns[i].end, 0.0))
        said[nearest].append(w.text)
    return [Turn(t.speaker, t.start, t.end, " ".join(said[i])) for i, t in enumerate(turns)]


def analyse_two_channel(stereo: np.ndarray, names: tuple[str, str] = ("A", "B"),
                        transcriber=None) -> TurnsResult:
    """Segments and events for a recording with one partner per channel. With a
    transcriber, each segment gets the words its speaker said in it."""
    left, right = stereo[:, 0].astype(np.float64), stereo[:, 1].astype(np.float64)
    denom = float(np.linalg.norm(left) * np.linalg.norm(right))
    if denom > 0 and float(np.dot(left, right)) / denom > SAME_SIGNAL_CORR:
        raise UserError("The two channels carry the same sound (a mono recording saved as "
                        "stereo), so the partners cannot be told apart by channel.")
    notes = []
    for c, name in enumerate(names):
        levels = frame_levels(stereo[:, c])
        if len(levels) == 0 or float(np.max(levels)) < float(np.percentile(levels, 10)) + \
                FLOOR_MARGIN_DB:
            notes.append(f"{name}'s channel ({'left' if c == 0 else 'right'}) is silent: "
                         f"check that microphone.")
    turns = two_channel_turns(stereo, names)
    if transcriber is not None:
        for c, name in enumerate(names):
            if any(t.speaker == name for t in turns):
                turns = _with_text(turns, stereo[:, c], name, transcriber)
    return TurnsResult(tuple(turns), tuple(classify_overlaps(turns)), tuple(notes))


def analyse_one_mic(mono: np.ndarray, a, b, transcriber=None,
                    floor: str | None = None) -> TurnsResult:
    """Segments and events for one microphone shared by two enrolled partners
    (`one_mic.Enrolment`s); `floor` names the partner who holds it (the speaker, in
    the speak phase), whose own events are then not reported. Stretches whose voice
    cannot be told are reported in the notes as uncertain rather than given to either
    partner; voices as close as real people's, and short enrolments, are said."""
    from listen_coach.turns.one_mic import (
        CLOSE_VOICES,
        SHORT_ENROL_SPEECH,
        attribute,
        infer_events,
    )

    mono = np.asarray(mono, np.float32)
    if mono.ndim == 2:
        mono = mono.mean(axis=1)
    att = attribute(mono, a, b)
    turns = sorted(att.turns, key=lambda t: t.start)
    if transcriber is not None and turns:
        turns = _words_to_turns(turns, transcriber.transcribe(mono).words)
    notes = []
    alike = float(a.embedding @ b.embedding)
    if alike >= CLOSE_VOICES:
        notes.append(f"{a.name}'s and {b.name}'s voices are close (similarity {alike:.2f}), "
                     "so some of who spoke when may be wrong; with a microphone each, "
                     "partners are told apart for certain.")
    short = [v.name for v in (a, b) if v.speech_seconds < SHORT_ENROL_SPEECH]
    if short:
        notes.append(f"{' and '.join(short)} enrolled with under {SHORT_ENROL_SPEECH:g} s of "
                     "speech; enrolling again with about six seconds makes the counts surer.")
    unsure = sum(e - s for s, e in att.uncertain)
    if unsure >= 0.5:
        notes.append(f"{unsure:.1f} s of speech could not be given to either partner (both "
                     "talking at once, or two voices too alike there); it is not counted.")
    other = sum(e - s for s, e in att.unknown)
    if other >= 2.0:
        notes.append(f"{other:.1f} s of speech sounds like neither enrolled partner: someone "
                     "else may be talking, or the enrolments were recorded elsewhere. That "
                     "speech is left out of the counts.")
    return TurnsResult(tuple(turns), tuple(infer_events(att, floor)), tuple(notes))
