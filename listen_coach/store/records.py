"""The records the store hands out and takes in: frozen dataclasses, no database."""

from __future__ import annotations

import socket
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from listen_coach.turns.overlaps import OverlapEvent


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_uid() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class RoundStart:
    """What is known when a round begins (written before the first phase)."""

    listener: str
    speaker: str | None = None  # None for a solo drill (the passage's speaker is not a participant)
    kind: str = "pair"  # pair, solo, demo
    exercise: str = ""
    exercise_title: str = ""
    workshop: str | None = None
    session_uid: str = field(default_factory=new_uid)
    uid: str = field(default_factory=new_uid)
    number: int = 1
    started_at: str = field(default_factory=now)
    station: str = field(default_factory=socket.gethostname)


@dataclass(frozen=True)
class RoundRow:
    id: int
    uid: str
    listener: str
    speaker: str | None
    kind: str
    exercise: str
    exercise_title: str
    workshop: str | None
    started_at: str
    status: str
    scorer_score: int | None
    override_score: int | None
    interruptions: int | None
    encouragers: int | None

    @property
    def score(self) -> int | None:
        """What the facilitator sees: their override if they set one."""
        return self.override_score if self.override_score is not None else self.scorer_score


@dataclass(frozen=True)
class PhaseRecord:
    name: str
    started_at: str
    seconds: float
    text: str
    words: list
    turns: list[OverlapEvent]
    recording: Path | None


@dataclass(frozen=True)
class Note:
    text: str
    created_at: str


@dataclass(frozen=True)
class Ruling:
    """A facilitator's word on a point where the speaker and the scorer differ."""

    verdict: str  # "speaker" (the tick was right) or "scorer" (the scorer was right)
    by: str
    at: str


#: The verdicts a ruling can give.
RULINGS = ("speaker", "scorer")


@dataclass(frozen=True)
class RoundDetail:
    row: RoundRow
    phases: dict[str, PhaseRecord]
    score: dict | None  # DrillScore.to_dict()
    confirmations: list[tuple[int, str, bool, bool]]  # index, point, came across, scorer said
    notes: list[Note]
    override_reason: str | None
    rulings: dict[int, Ruling] = field(default_factory=dict)  # by point index


@dataclass(frozen=True)
class Forgotten:
    participant: str
    rounds: int
    files: int
    exports: int = 0  # judgment export files their lines were taken out of
    exports_changed: tuple[str, ...] = ()  # export files edited since, left as they are
