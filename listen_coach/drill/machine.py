"""The drill as a state machine: who speaks, which phase, how long, what is saved.

No UI and no audio here: screens drive it (`start_phase`, `end_phase`, ...) and
read it (`phase`, `remaining`). Every phase end is saved through the store at
once, so quitting or a crash loses at most the phase in progress.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

from listen_coach.store.records import RoundStart, new_uid
from listen_coach.turns.overlaps import OverlapEvent

if TYPE_CHECKING:
    from listen_coach.scoring.report import DrillScore
    from listen_coach.store.repo import Store

#: Phase lengths a drill may be set to (seconds). Speaking for 1-3 minutes gives a
#: listener 6-12 points to hold (scoring/points.py); a summary of 30-90 s is long
#: enough to say them back and ask one question, short enough to stay a summary.
SPEAK_RANGE = (60, 180)
SUMMARY_RANGE = (30, 90)
SPEAK_DEFAULT, SUMMARY_DEFAULT = 120, 45


class Phase(Enum):
    SPEAK = "speak"  # the speaker talks; the listener listens (pair drill)
    LISTEN = "listen"  # the passage plays (solo drill)
    SUMMARY = "summary"  # the listener says back what they heard and asks
    CONFIRM = "confirm"  # the speaker ticks which points came across (pair drill)
    RESULTS = "results"
    DONE = "done"  # every round finished: the round summary


@dataclass(frozen=True)
class Timing:
    speak_seconds: int = SPEAK_DEFAULT
    summary_seconds: int = SUMMARY_DEFAULT

    def __post_init__(self) -> None:
        for value, (low, high), what in ((self.speak_seconds, SPEAK_RANGE, "speaking"),
                                          (self.summary_seconds, SUMMARY_RANGE, "summary")):
            if not low <= value <= high:
                raise ValueError(f"The {what} phase lasts {low}-{high} s, not {value}.")


@dataclass
class RoundState:
    number: int
    speaker: str
    listener: str
    uid: str = field(default_factory=new_uid)
    speak_text: str = ""
    summary_text: str = ""
    turns: list[OverlapEvent] = field(default_factory=list)  # overlaps while speaking
    score: DrillScore | None = None
    confirmed: list[bool] | None = None
    saved: bool = True  # False when the last write went to the store's outbox


class Drill:
    """A pair drill (two rounds, roles swapped) or a solo drill (one round, retryable)."""

    def __init__(self, kind: str, partners: tuple[str, str | None], exercise_id: str,
                 exercise_title: str, timing: Timing = Timing(), store: Store | None = None,
                 workshop: str | None = None, rounds: int | None = None,
                 clock: Callable[[], float] = time.monotonic):
        if kind not in ("pair", "solo", "demo"):
            raise ValueError(kind)
        self.kind = kind
        self.partners = partners
        self.exercise_id, self.exercise_title = exercise_id, exercise_title
        self.timing = timing
        self.store = store
        self.workshop = workshop
        self.clock = clock
        self.session_uid = new_uid()
        self.total_rounds = rounds or (2 if kind == "pair" else 1)
        self.rounds: list[RoundState] = []
        #: Set at once when the user leaves; `abandon()` (a database write) follows on
        #: a worker, and a capture that ends meanwhile must not move the drill on.
        self.leaving = False
        self.phase: Phase | None = None
        self.phase_started = 0.0
        self._new_round()

    # ----- structure ----------------------------------------------------------------

    @property
    def solo(self) -> bool:
        return self.kind == "solo"

    @property
    def current(self) -> RoundState:
        return self.rounds[-1]

    def _new_round(self) -> None:
        n = len(self.rounds)
        a, b = self.partners
        if self.solo or b is None:
            speaker, listener = "", a
        else:
            speaker, listener = (a, b) if n % 2 == 0 else (b, a)
        self.rounds.append(RoundState(n + 1, speaker, listener))
        self.phase = Phase.LISTEN if self.solo else Phase.SPEAK
        self.phase_started = self.clock()

    def phase_seconds(self, phase: Phase | None = None) -> int | None:
        phase = phase or self.phase
        if phase == Phase.SPEAK:
            return self.timing.speak_seconds
        if phase == Phase.SUMMARY:
            return self.timing.summary_seconds
        return None

    def start_phase(self, register: bool = True) -> None:
        """The clock of the current phase starts now (and the round is registered).
        A screen passes `register=False` and calls `register_round()` from a worker
        thread: a database that is slow or gone must not hold up the keys."""
        self.phase_started = self.clock()
        if register:
            self.register_round()

    def register_round(self) -> None:
        """Write the round's start (the first phase of a round only); idempotent."""
        if self.phase in (Phase.SPEAK, Phase.LISTEN) and self.store is not None:
            r = self.current
            self._saved(self.store.begin_round(RoundStart(
                listener=r.listener, speaker=r.speaker or None, kind=self.kind,
                exercise=self.exercise_id, exercise_title=self.exercise_title,
                workshop=self.workshop, session_uid=self.session_uid, uid=r.uid,
                number=r.number)))

    def remaining(self) -> float | None:
        total = self.phase_seconds()
        if total is None:
            return None
        return max(0.0, total - (self.clock() - self.phase_started))

    def elapsed(self) -> float:
        return self.clock() - self.phase_started

    def _saved(self, ok: bool) -> None:
        self.current.saved = self.current.saved and ok

    # ----- transitions ----------------------------------------------------------------

    def end_speak(self, text: str, turns: list[OverlapEvent] | None = None, recording=None,
                  words: list | None = None) -> None:
        """The speaker (or the passage) has finished: save it, the summary starts."""
        assert self.phase in (Phase.SPEAK, Phase.LISTEN), self.phase
        r = self.current
        r.speak_text, r.turns = text, list(turns or [])
        if self.store is not None:
            self._saved(self.store.save_phase(
                r.uid, "speak", text=text, words=words or [], turns=r.turns,
                seconds=round(self.elapsed(), 2), recording=recording))
        self.phase = Phase.SUMMARY
        self.phase_started = self.clock()

    def end_summary(self, text: str, recording=None, words: list | None = None,
                    save: bool = True) -> None:
        """The listener has finished: save the summary, the ticks (or the results)
        come next. `save=False` resumes a round whose summary is already stored, so
        its recording, words and length stay as they were."""
        assert self.phase == Phase.SUMMARY, self.phase
        r = self.current
        r.summary_text = text
        if self.store is not None and save:
            self._saved(self.store.save_phase(
                r.uid, "summary", text=text, words=words or [],
                seconds=round(self.elapsed(), 2), recording=recording))
        self.phase = Phase.RESULTS if self.solo else Phase.CONFIRM

    def set_score(self, score) -> None:
        """The scorer's result (a DrillScore); saved as soon as it exists."""
        r = self.current
        r.score = score
        if self.store is not None:
            self._saved(self.store.save_score(r.uid, score.to_dict()))

    def confirm(self, came_across: list[bool]) -> None:
        """The speaker's ticks, one per point of the round's score."""
        assert self.phase == Phase.CONFIRM, self.phase
        r = self.current
        r.confirmed = list(came_across)
        if r.score is not None:
            from listen_coach.scoring.report import with_ticks

            scorer = r.score
            # The speaker's ticks are the verdict; the scorer's stays beside each point.
            r.score = with_ticks(scorer, came_across, r.speaker)
            if self.store is not None:
                self._saved(self.store.save_confirmations(r.uid, [
                    (i, p.match.point, bool(c), bool(p.match.covered))
                    for i, (p, c) in enumerate(zip(scorer.points, came_across, strict=True))]))
                self._saved(self.store.save_score(r.uid, r.score.to_dict()))
        self.phase = Phase.RESULTS

    def finish_round(self) -> None:
        """Results seen: the round is done; next round (roles swapped) or the end."""
        assert self.phase == Phase.RESULTS, self.phase
        if self.store is not None:
            self._saved(self.store.finish_round(self.current.uid))
        if len(self.rounds) < self.total_rounds:
            self._new_round()
        else:
            self.phase = Phase.DONE

    def retry(self) -> None:
        """Solo drill: try the same passage again, as a new round."""
        if self.phase == Phase.RESULTS and self.store is not None:
            self._saved(self.store.finish_round(self.current.uid))
        self.total_rounds = len(self.rounds) + 1
        self._new_round()

    def abandon(self) -> None:
        """Leave mid-round: the round is kept as discarded (its phases stay on disk)."""
        if self.store is not None and self.phase not in (Phase.DONE, None):
            self._saved(self.store.finish_round(self.current.uid, "discarded"))
        self.phase = Phase.DONE
