"""One practice session below the UI: the drills, their runners, the store, and
the worker lanes their work runs on.

The terminal app (tui/app.py) only shows screens. Whatever can take time runs
here, on a lane of its own (drill/lanes.py): opening, reading and writing the
database on `store`, recording and playback on `capture`, scoring on `score`,
loading the models on `models`. What happens is told back as typed events
(drill/events.py), which the app turns into messages for its screens; screens
ask for things by message, and the app calls the methods here. Every method
returns at once. Tests and the CLI drive a session directly, without Textual.

A job that fails is told as one sentence (`Failed`); one that fails mid-drill
sends the app home. Whatever was recorded and saved before stays saved, and the
unfinished round is offered for resume at the next start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, TypeVar

from listen_coach.drill import opening
from listen_coach.drill.events import (
    Captioned,
    Failed,
    Level,
    Listener,
    Notice,
    PhaseStarted,
    Played,
    ReadInstead,
    Scored,
    SessionEvent,
    TurnCue,
    WentHome,
    sentence,
)
from listen_coach.drill.lanes import Lane
from listen_coach.drill.machine import Drill, Phase, Timing
from listen_coach.drill.mic_check import Heard, listen
from listen_coach.drill.packs import Library
from listen_coach.drill.runner import Callbacks, DrillRunner, SourceFactory, resumed
from listen_coach.errors import UserError

if TYPE_CHECKING:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.config import Settings
    from listen_coach.store.records import RoundRow
    from listen_coach.store.repo import Store
    from listen_coach.turns.one_mic import Enrolment

#: Work whose failure ends the drill in progress (the app goes home).
DRILL_WORK = ("Recording", "Scoring the round", "Playing the passage", "Starting the round",
              "Saving the ticks", "Saving the round", "Resuming the round")
T = TypeVar("T")


class DrillSession:
    """The drills of one sitting of the app, and the store they are saved to.

    `emit` gets every event, from the lanes' threads. `store_factory` opens the
    store (on the store lane: a shared database may take a while to answer)."""

    def __init__(self, settings: Settings, library: Library, transcriber: Transcriber,
                 source_factory: SourceFactory, store_factory: Callable[[], Store],
                 emit: Listener, demo_speed: float = 1.0,
                 clock: Callable[[], float] | None = None, playback: bool = True):
        import time

        self.settings = settings
        self.library = library
        self.transcriber = transcriber
        self.source_factory = source_factory
        self.store_factory = store_factory
        self.emit = emit
        self.demo_speed = demo_speed
        self.clock = clock or time.monotonic
        self.playback = playback
        #: The drill on screen; events of any other (left, or replaced) are dropped.
        self.runner: DrillRunner | None = None
        self._store: Store | None = None
        self.lanes = {name: Lane(name, self._failed)
                      for name in ("store", "capture", "score", "models")}

    # ----- plumbing -------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The sessions store, opened on first use. Call it from a lane only."""
        if self._store is None:
            self._store = self.store_factory()
        return self._store

    def wait(self, timeout: float = 120.0) -> bool:
        """Until every lane is idle (tests, the CLI); False if `timeout` passed."""
        import time

        deadline = time.monotonic() + timeout
        while any(lane.busy for lane in self.lanes.values()):
            for lane in self.lanes.values():
                if not lane.wait(max(0.0, deadline - time.monotonic())):
                    return False
        return True

    def _failed(self, what: str, exc: Exception) -> None:
        in_drill = what in DRILL_WORK
        if in_drill:
            self.runner = None
        self.emit(Failed(what, sentence(what, exc) + (
            " What was recorded is saved; the round is offered again at the next start."
            if in_drill else ""), in_drill))

    def _for(self, runner: DrillRunner, event: SessionEvent) -> None:
        """Send an event of `runner`'s drill, unless that drill was left meanwhile."""
        if runner is self.runner:
            self.emit(event)

    def _show(self, runner: DrillRunner) -> None:
        """Tell the app the drill's phase; a pair round's confirm step is scored
        first (on its lane), so its screen waits for `Scored`."""
        self.runner = runner
        self.emit(PhaseStarted(runner))
        if runner.drill.phase == Phase.CONFIRM:
            self.lanes["score"].submit("Scoring the round", self._score, runner, False)

    def _score(self, runner: DrillRunner, then_show: bool) -> None:
        score = runner.score()
        self._for(runner, Scored(runner, score))
        if then_show and runner is self.runner:
            self._show(runner)

    # ----- start-up -------------------------------------------------------------------

    def open(self, check_store: bool = True) -> None:
        """Load the models and (unless only the demo is wanted) open the store and
        offer an unfinished round, each on its own lane (drill/opening.py)."""
        self.lanes["models"].submit("Loading the speech model", opening.warm_up,
                                    self.transcriber, self.emit)
        if check_store:
            self.lanes["store"].submit(
                "Opening the sessions database", opening.check_store, lambda: self.store,
                self.settings.store.keep_recordings_days, self.emit)

    def flush(self) -> None:
        """Write what the outbox kept, if the database is back (the app calls this
        every FLUSH_EVERY_S, so a server back mid-session gets the rounds)."""
        self.lanes["store"].submit("Writing the changes kept on this computer",
                                   lambda: opening.flush(self._store, self.emit))

    def with_store(self, what: str, job: Callable[[Store], T],
                   then: Callable[[T], None]) -> None:
        """Read or write through the store on its lane, in order with the drill's own
        writes; `then(result)` is called there (a screen hands it to the UI thread).
        A store error is told as a Notice; `then` is not called."""
        def run() -> None:
            try:
                result = job(self.store)
            except UserError as exc:
                self.emit(Notice(str(exc), "error"))
                return
            then(result)

        self.lanes["store"].submit(what, run)

    # ----- starting drills ------------------------------------------------------------

    def start_pair(self, partners: tuple[str, str], card_id: str, timing: Timing,
                   two_channel: bool = False, workshop: str | None = None,
                   voices: tuple[Enrolment, Enrolment] | None = None) -> None:
        def start() -> None:
            card = self.library.card(card_id)
            drill = Drill("pair", partners, card_id, card.title if card else card_id, timing,
                          store=self._store_or_none(), workshop=workshop, clock=self.clock)
            self._show(DrillRunner(drill, self.transcriber, self.source_factory, two_channel,
                                   card=card, voices=voices))

        self.lanes["store"].submit("Starting the round", start)

    def start_solo(self, name: str, passage_id: str, rate: str, timing: Timing) -> None:
        passage = self.library.passage(passage_id)
        if passage is None:
            self.emit(Notice(f"No passage {passage_id!r}.", "error"))
            return

        def start() -> None:
            drill = Drill("solo", (name, None), passage.id, passage.title, timing,
                          store=self._store_or_none(), clock=self.clock)
            self._show(DrillRunner(drill, self.transcriber, self.source_factory, card=None,
                                   passage=passage, rate=rate))

        self.lanes["store"].submit("Starting the round", start)

    def start_demo(self) -> None:
        """A whole pair round from bundled recordings, through the real transcriber,
        turn-taking analysis and scorer. Not saved: the review holds real rounds only."""
        from listen_coach.drill.demo import demo_runner

        try:
            runner = demo_runner(self.library, self.transcriber, self.demo_speed, self.clock)
        except UserError as exc:
            self.emit(Notice(str(exc), "error"))
            return
        self.emit(Notice("The demo plays a recorded round: watch each screen; keys still "
                         "work."))
        self._show(runner)

    def resume(self, row: RoundRow) -> None:
        """Continue a round the app left unfinished, from its first unsaved phase."""
        self.lanes["store"].submit("Resuming the round", self._resume, row)

    def _resume(self, row: RoundRow) -> None:
        detail = self.store.round_detail(row.uid)
        if detail is None:
            self.emit(Notice("That round is no longer in the database.", "warning"))
            return
        self.after_phase(resumed(detail, self.library, self.transcriber, self.source_factory,
                                 self.store, self.clock))

    def discard(self, row: RoundRow) -> None:
        def run() -> None:
            self.store.finish_round(row.uid, "discarded")
            self.emit(Notice("The unfinished round was discarded; its recordings stay on "
                             "disk."))

        self.lanes["store"].submit("Discarding the round", run)

    def _store_or_none(self) -> Store | None:
        try:
            return self.store
        except UserError as exc:
            self.emit(Notice(f"Rounds will not be saved: {exc}", "warning"))
            return None

    # ----- before a drill -------------------------------------------------------------

    def check_microphone(self, should_stop: Callable[[], bool], heard: Heard) -> None:
        """Level and live captions of the chosen input until `should_stop()`."""
        self.lanes["capture"].submit("The microphone check", listen, self.source_factory,
                                     self.transcriber, should_stop, heard)

    def learn_voice(self, name: str, should_stop: Callable[[], bool],
                    on_level: Callable[[float], None],
                    then: Callable[[Enrolment | str], None]) -> None:
        """Record `name` for a few seconds and learn the voice; `then` gets the
        enrolment, or the sentence that says what to redo (drill/voices.py)."""
        from listen_coach.drill.voices import learn_voice

        self.lanes["capture"].submit("Recording the voice", learn_voice, self.source_factory,
                                     name, should_stop, on_level, then)

    # ----- during a drill -------------------------------------------------------------

    def capture(self, runner: DrillRunner, should_stop: Callable[[], bool]) -> None:
        """Record the current phase (speak or summary) until `should_stop()`; then
        save it and move the drill on. Captions, levels and cues come as events."""
        callbacks = Callbacks(
            on_caption=lambda c: self._for(runner, Captioned(c)),
            on_level=lambda levels: self._for(runner, Level(max(levels))),
            on_event=lambda e: self._for(runner, TurnCue(e)))

        def run() -> None:
            runner.drill.register_round()  # before the phase's own write, on this lane
            try:
                runner.capture(should_stop, callbacks)
            except UserError as exc:
                if runner is self.runner:
                    self.runner = None
                    self.emit(Notice(str(exc), "error"))
                    self.emit(WentHome())
                return
            if runner is self.runner and not runner.drill.leaving:
                self.after_phase(runner)

        runner.drill.start_phase(register=False)
        self.lanes["capture"].submit("Recording", run)

    def play(self, runner: DrillRunner, should_stop: Callable[[], bool]) -> None:
        """Solo drill: play the passage once (or say why it is shown instead); the
        summary starts when it ends, or at `listened()`."""
        def run() -> None:
            from listen_coach.audio.playback import play_file

            runner.drill.register_round()
            path = runner.passage_audio()
            if not self.playback:
                self._for(runner, ReadInstead("Playback is off."))
                return
            try:
                play_file(path, should_stop,
                          lambda done, total: self._for(runner, Played(done, total)))
            except UserError as exc:
                self._for(runner, ReadInstead(str(exc)))
                return
            if not should_stop():
                self._listened(runner)

        runner.drill.start_phase(register=False)
        self.lanes["capture"].submit("Playing the passage", run)

    def listened(self, runner: DrillRunner) -> None:
        """Solo drill: the passage was heard (or read); the summary starts."""
        self.lanes["store"].submit("Starting the summary", self._listened, runner)

    def _listened(self, runner: DrillRunner) -> None:
        if runner.drill.phase != Phase.LISTEN or runner is not self.runner:
            return  # the end of playback and Enter both ask: once is enough
        runner.listened()
        self.after_phase(runner)

    def after_phase(self, runner: DrillRunner) -> None:
        """Show the drill's next phase; a solo round is scored first."""
        if runner.drill.phase == Phase.RESULTS and runner.drill.current.score is None:
            self.runner = runner
            self.lanes["score"].submit("Scoring the round", self._score, runner, True)
            return
        self._show(runner)

    def confirm(self, runner: DrillRunner, came_across: list[bool]) -> None:
        """The speaker's ticks; then the results."""
        def run() -> None:
            runner.drill.confirm(came_across)
            self._for(runner, PhaseStarted(runner))

        self.lanes["store"].submit("Saving the ticks", run)

    def finish(self, runner: DrillRunner, then: Literal["next", "retry", "home"]) -> None:
        """Results seen: write the round's end, then the next round, a retry of the
        same passage, or home."""
        def run() -> None:
            drill = runner.drill
            if then == "retry":
                drill.retry()
            elif drill.phase == Phase.RESULTS:
                drill.finish_round()
            if then == "home":
                self.runner = None
                self.emit(WentHome())
            else:
                self._for(runner, PhaseStarted(runner))

        self.lanes["store"].submit("Saving the round", run)

    def leave(self, runner: DrillRunner) -> None:
        """Leave mid-round: a capture ending now keeps its take only; the round is
        marked discarded (its phases stay on disk)."""
        runner.drill.leaving = True
        if runner is self.runner:
            self.runner = None

        def run() -> None:
            runner.drill.abandon()
            self.emit(WentHome())

        self.lanes["store"].submit("Leaving the round", run)

    def rule(self, round_uid: str, index: int, verdict: str | None) -> None:
        """A facilitator's ruling on a point where the speaker and the scorer differ."""
        self.with_store("Saving the ruling", lambda store: store.rule(
            round_uid, index, verdict, self.settings.facilitator_name), lambda _ok: None)

