"""Interruption or backchannel: what a listener's overlapping speech was.

Thresholds come from the ICSI meeting corpus figures in DESIGN.md §3 (75
meetings, human-labelled):

- backchannels ("mm-hmm", "right", "yeah"): median 0.31 s, 90 % under 0.6 s,
  99.4 % two words or fewer;
- interruptions: the interrupter says a median 5 words, 68 % say 3 or more.

So a segment of two words or fewer that lasts at most `BACKCHANNEL_MAX_SECONDS`
is a backchannel; anything longer or wordier takes the floor. When there is no
text (speech found by voice activity alone, which is how "mm-hmm" survives:
Whisper drops it), duration decides alone, with `BACKCHANNEL_MAX_SECONDS` again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Two words cover 99.4 % of backchannels; 68 % of interruptions say 3 or more.
BACKCHANNEL_MAX_WORDS = 2
#: 90 % of backchannels end within 0.6 s; 1.0 s leaves room for a drawn-out
#: "mmm, yeah" and for voice-activity padding (about 0.2 s each side).
BACKCHANNEL_MAX_SECONDS = 1.0


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: float
    end: float
    text: str = ""


@dataclass(frozen=True)
class OverlapEvent:
    kind: str  # "interruption" or "backchannel"
    speaker: str  # who came in
    start: float
    end: float
    #: Who was speaking when they came in.
    over: str = ""
    text: str = ""

    @classmethod
    def from_record(cls, record: Any) -> OverlapEvent | None:
        """An event as stored (JSON) or imported from a bundle; None for a record
        that is not one (a damaged or foreign bundle loses that event only)."""
        if not isinstance(record, dict):
            return None
        try:
            start = float(record.get("start", 0.0))
            return cls(kind=str(record["kind"]), speaker=str(record.get("speaker", "")),
                       start=start, end=float(record.get("end", start)),
                       over=str(record.get("over", "")), text=str(record.get("text", "")))
        except (KeyError, TypeError, ValueError):
            return None


def from_records(records: Any) -> list[OverlapEvent]:
    """The events of a stored or imported list, skipping any that are not events."""
    if not isinstance(records, list):
        return []
    return [e for e in map(OverlapEvent.from_record, records) if e is not None]


def _get(seg: Any, name: str, default: Any = None) -> Any:
    if isinstance(seg, dict):
        return seg.get(name, default)
    return getattr(seg, name, default)


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text or ""))


def kind_of(duration: float, text: str | None) -> str:
    if duration > BACKCHANNEL_MAX_SECONDS:
        return "interruption"
    if text and _words(text) > BACKCHANNEL_MAX_WORDS:
        return "interruption"
    return "backchannel"


#: A speaker who pauses for less than this, while the other at most says
#: "mm-hmm", has kept the floor: the next stretch continues the same turn.
CONTINUE_SECONDS = 0.8


def merge_continuations(turns: list[Turn]) -> list[Turn]:
    """Join a speaker's stretches across short pauses in which the other started
    nothing longer than a backchannel: resuming after an "mm-hmm" is not cutting in,
    and "Wait, ... who sent that?" is one interruption, not two."""
    ordered = sorted(turns, key=lambda t: (t.start, t.end))
    merged: list[Turn] = []
    for turn in ordered:
        prev = next((m for m in reversed(merged) if m.speaker == turn.speaker), None)
        if prev is not None and 0 <= turn.start - prev.end < CONTINUE_SECONDS:
            others = [o for o in ordered if o.speaker != turn.speaker
                      and prev.end <= o.start < turn.start]
            if all(o.end - o.start <= BACKCHANNEL_MAX_SECONDS for o in others):
                i = merged.index(prev)
                text = " ".join(x for x in (prev.text, turn.text) if x)
                merged[i] = Turn(prev.speaker, prev.start, max(prev.end, turn.end), text)
                continue
        merged.append(turn)
    return sorted(merged, key=lambda t: (t.start, t.end))


def _holds_floor(other: Turn, seg: Turn) -> bool:
    """`other` was speaking when `seg` began (on a tie, the longer segment holds it)."""
    if other.speaker == seg.speaker:
        return False
    if other.start < seg.start < other.end:
        return True
    return other.start == seg.start and other.end > seg.end


def classify_overlaps(segments: Iterable[Any]) -> list[OverlapEvent]:
    """One event for every segment that begins while another speaker's segment is
    still running (DESIGN.md §2). Segments need `speaker`, `start`, `end`, `text`
    (attributes or dict keys; seconds)."""
    turns = sorted(
        (Turn(str(_get(s, "speaker")), float(_get(s, "start")), float(_get(s, "end")),
              str(_get(s, "text", "") or "")) for s in segments),
        key=lambda t: (t.start, t.end),
    )
    events = []
    for seg in turns:
        holders = [o for o in turns if _holds_floor(o, seg)]
        if not holders:
            continue
        over = max(holders, key=lambda o: o.end).speaker
        events.append(OverlapEvent(kind_of(seg.end - seg.start, seg.text), seg.speaker,
                                   seg.start, seg.end, over, seg.text))
    return events
