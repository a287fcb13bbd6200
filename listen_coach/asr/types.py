"""Transcription results as frozen dataclasses (times in seconds from the take's start)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Word:
    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    text: str
    start: float
    end: float
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0


@dataclass(frozen=True)
class Transcript:
    text: str
    duration: float
    language: str
    segments: tuple[Segment, ...] = ()
    #: Why parts of the audio were dropped (silence, likely hallucination), for --json and logs.
    notes: tuple[str, ...] = field(default=())

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()

    def to_dict(self) -> dict:
        data = asdict(self)
        data["words"] = [asdict(w) for w in self.words]
        return data


@dataclass(frozen=True)
class Caption:
    """Live caption state: text that will not change, and a tentative tail that may."""

    committed: str
    tentative: str
    words: tuple[Word, ...] = ()
    #: Seconds of audio received so far.
    audio_seconds: float = 0.0
    final: bool = False
