"""What a drill session tells whoever shows it (drill/session.py).

Each event is a small frozen record; the app turns each into a Textual message
and the screen for it draws what it carries. Events are sent from the session's
worker lanes, so a listener must hand them to its own thread (the app posts a
message, which Textual delivers on the UI thread).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from listen_coach.asr.types import Caption
from listen_coach.errors import UserError
from listen_coach.turns.overlaps import OverlapEvent

if TYPE_CHECKING:
    from listen_coach.drill.runner import DrillRunner
    from listen_coach.scoring.report import DrillScore
    from listen_coach.store.records import RoundRow

Severity = Literal["information", "warning", "error"]


@dataclass(frozen=True)
class PhaseStarted:
    """The drill is at a new phase (its `runner.drill.phase`): show its screen. Sent
    when a round starts or resumes and after every phase ends."""

    runner: DrillRunner


@dataclass(frozen=True)
class Captioned:
    """The live transcript of the phase being recorded, so far."""

    caption: Caption


@dataclass(frozen=True)
class Level:
    """The input level of the last block, in dBFS (the loudest channel)."""

    db: float


@dataclass(frozen=True)
class TurnCue:
    """The listener came in while the speaker held the floor: an encourager or an
    interruption, final (drill/capture.settled)."""

    event: OverlapEvent


@dataclass(frozen=True)
class Played:
    """Solo drill: how far the passage has played."""

    done: float
    total: float


@dataclass(frozen=True)
class ReadInstead:
    """Solo drill: the passage cannot be played; `reason` says why."""

    reason: str


@dataclass(frozen=True)
class Scored:
    """The round is scored; in a pair round the speaker ticks its points next."""

    runner: DrillRunner
    score: DrillScore


@dataclass(frozen=True)
class Resumable:
    """A round the app left unfinished can be resumed or discarded."""

    row: RoundRow
    saved: tuple[str, ...]


@dataclass(frozen=True)
class StatusChanged:
    """A line of the home screen's status changed (`what`: "models" or "store")."""

    what: Literal["models", "store"]
    text: str


@dataclass(frozen=True)
class Notice:
    """A sentence for the user (a kept write written, a round not saved, ...)."""

    text: str
    severity: Severity = "information"


@dataclass(frozen=True)
class Failed:
    """Work failed: `sentence` says what and why. `in_drill`: the drill cannot go on,
    so the app goes home; what was recorded is saved and offered for resume."""

    what: str
    sentence: str
    in_drill: bool


@dataclass(frozen=True)
class WentHome:
    """The drill is over (finished, left, or it could not start)."""


SessionEvent = (PhaseStarted | Captioned | Level | TurnCue | Played | ReadInstead | Scored
                | Resumable | StatusChanged | Notice | Failed | WentHome)
Listener = Callable[[SessionEvent], None]


def sentence(what: str, exc: Exception) -> str:
    """One line a person can act on: a UserError says it already; anything else is
    named with its type, so a report of it can be traced."""
    text = str(exc).strip()
    first = text.splitlines()[0] if text else ""
    reason = (first[:300] if isinstance(exc, UserError) and first else
              f"{type(exc).__name__}: {first[:200] if first else 'no detail'}")
    return f"{what} failed: {reason}"
