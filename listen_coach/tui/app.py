"""The listen-coach terminal app.

`make_app()` is the one factory the CLI and the tests share: tests inject a
file-backed audio source (and a store) so the real app runs, through the real
transcriber and scorer, without a microphone. Blocking work (model load, capture,
decoding, scoring, database reads) runs in thread workers that only post results
back with `call_from_thread`; screens hold their own state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from listen_coach.asr.transcriber import Transcriber
from listen_coach.audio.recorder import TakeRecorder
from listen_coach.audio.sources import AudioSource
from listen_coach.config import Settings, load_settings
from listen_coach.drill.machine import Drill, Phase, Timing
from listen_coach.drill.packs import Library, load_library, settings_dirs
from listen_coach.drill.runner import DrillRunner, SourceFactory
from listen_coach.errors import UserError
from listen_coach.resources import exercises_dir
from listen_coach.tui import devices
from listen_coach.tui.screens.home import HomeScreen, ResumeScreen
from listen_coach.tui.screens.mic import MicCheckScreen  # noqa: F401 - re-exported for tests
from listen_coach.tui.widgets import meter_bar  # noqa: F401 - re-exported for tests
from listen_coach.tui.workers import background

if TYPE_CHECKING:
    from listen_coach.store.repo import Store

DEMO_DIR = exercises_dir() / "demo"
#: How often kept writes are retried while the app runs: soon enough that a server
#: back after a blip has the rounds within a minute, rarely enough to cost nothing.
FLUSH_EVERY_S = 20.0


class ListenCoachApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "listen-coach"
    BINDINGS = [Binding("ctrl+t", "toggle_dark", "Light/dark", show=False)]

    def __init__(self, settings: Settings, transcriber: Transcriber,
                 source_factory: SourceFactory, store_factory: Callable[[], Store],
                 demo_speed: float = 1.0, clock: Callable[[], float] = time.monotonic,
                 microphone_status: Callable[[], str] | None = None, playback: bool = True,
                 list_devices: Callable[[], list] | None = None):
        super().__init__()
        self.list_devices = list_devices or devices.list_devices_now
        self.clock = clock
        self.microphone_status = microphone_status or devices.microphone_status(settings)
        self.playback = playback
        self.settings = settings
        self.transcriber = transcriber
        self.source_factory = source_factory
        self.store_factory = store_factory
        self.demo_speed = demo_speed
        self.model_state = "loading the speech model…"
        self.library: Library = Library()
        self._store: Store | None = None
        self.store_state = ""
        self.start_with_demo = False

    # ----- start-up -----------------------------------------------------------------

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = self.store_factory()
        return self._store

    def on_mount(self) -> None:
        self.library = load_library(settings_dirs(self.settings.exercise_dir))
        self.push_screen(HomeScreen())
        self.warm_up()
        if self.start_with_demo:
            self.call_after_refresh(self.start_demo)
        else:
            self.check_store()
        self.set_interval(FLUSH_EVERY_S, self.flush_outbox)

    # ----- settings ---------------------------------------------------------------

    def settings_file(self) -> Path:
        from listen_coach.config import config_path

        return config_path()

    def save_settings(self) -> Path:
        from listen_coach.config import save_settings

        return save_settings(self.settings, self.settings_file())

    def settings_changed(self) -> None:
        """Settings were edited: reread the exercise packs, show the new microphone."""
        self.library = load_library(settings_dirs(self.settings.exercise_dir))
        self.refresh_status()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    @background("Loading the speech model", group="models")
    def warm_up(self) -> None:
        """Load the models in the background so the home screen is instant."""
        try:
            self.transcriber.load()
            self.model_state = "ready"
        except UserError as exc:
            self.model_state = str(exc)
        self.call_from_thread(self.refresh_status)
        try:  # every part of the scorer too, so the first results come quickly
            from listen_coach.scoring.report import score_round

            score_round("I stayed late three nights.", "You stayed late three nights?")
        except UserError:
            pass

    @staticmethod
    def _describe_store(store: Store) -> str:
        where = ("saved on this computer" if store.backend == "sqlite" else
                 f"shared database {store.describe()}")
        if store.pending():
            return (f"✘ Sessions: {where} cannot be reached; {store.pending()} change(s) "
                    "kept on this computer, written when it is back"
                    if store.problem else
                    f"✔ Sessions: {where} ({store.pending()} change(s) waiting to be written)")
        return f"✔ Sessions: {where}"

    @background("Writing the changes kept on this computer", group="flush")
    def flush_outbox(self) -> None:
        """Every FLUSH_EVERY_S: write what the outbox kept once the database is back,
        so a server that returns mid-session gets the rounds without a restart."""
        store = self._store
        if store is None or not store.pending():
            return
        before = store.pending()
        store.try_flush()
        state = self._describe_store(store)
        if state != self.store_state:
            self.store_state = state
            self.call_from_thread(self.refresh_status)
        if before and not store.pending():
            self.call_from_thread(self.notify, f"The database is back: {before} kept "
                                  "change(s) were written.")

    @background("Opening the sessions database", group="store")
    def check_store(self) -> None:
        """Open the sessions store, prune old recordings, offer unfinished rounds."""
        try:
            store = self.store
            store.try_flush()
            store.prune_recordings(self.settings.store.keep_recordings_days)
            left = store.unfinished()
            self.store_state = self._describe_store(store)
        except UserError as exc:
            self.store_state = f"✘ Sessions: {exc}"
            left = []
        self.call_from_thread(self.refresh_status)
        if left:
            detail = self.store.round_detail(left[-1].uid)
            saved = sorted(detail.phases) if detail else []
            self.call_from_thread(self._offer_resume, left[-1], saved)

    def _offer_resume(self, row, saved: list[str]) -> None:
        def chosen(choice: str | None) -> None:
            if choice == "discard":
                self.store.finish_round(row.uid, "discarded")
                self.notify("The unfinished round was discarded; its recordings stay on disk.")
            elif choice == "resume":
                self.resume(row, saved)

        self.push_screen(ResumeScreen(row, saved), chosen)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications carry names, paths and error text, never markup: a participant
        called "Jo [/]" must not break the screen (screens' notify lands here too)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def worker_failed(self, what: str, exc: Exception) -> None:
        """Background work failed (tui/workers.py): one sentence, and the app goes on.
        A drill that cannot go on returns home; its saved phases stay, and the round
        is offered for resume at the next start."""
        text = str(exc).strip()
        reason = (text.splitlines()[0][:300] if isinstance(exc, UserError) and text else
                  f"{type(exc).__name__}: {text.splitlines()[0][:200] if text else 'no detail'}")
        in_drill = what in ("Recording", "Scoring the round", "Playing the passage")
        self.notify(f"{what} failed: {reason}" + (
            " What was recorded is saved; the round is offered again at the next start."
            if in_drill else ""), severity="error", timeout=20)
        if in_drill:
            # After the next refresh: a screen that failed while mounting must finish
            # mounting before it is popped (its header's watchers still run).
            self.set_timer(0.2, self.go_home)

    def refresh_status(self) -> None:
        from listen_coach import models

        speech_ok = self.model_state == "ready"
        lines = [f"{'✔' if speech_ok else '…' if 'loading' in self.model_state else '✘'} "
                 f"Speech model: {self.model_state}"]
        spacy_ok = models.spacy_model_available()
        lines.append(f"{'✔' if spacy_ok else '✘'} Language model: "
                     f"{'ready' if spacy_ok else 'missing; run make setup'}")
        lines.append(self.microphone_status())
        lib = self.library
        lines.append(f"✔ Exercises: {len(lib.cards)} topic cards, {len(lib.passages)} passages")
        for pack in lib.packs:
            if pack.broken:
                lines.append(f"  ✘ {pack.path.name}: {pack.problems[0].message}"
                             + (f" (+{len(pack.problems) - 1} more; `listen-coach exercises "
                                "check`)" if len(pack.problems) > 1 else ""))
        if self.store_state:
            lines.append(self.store_state)
        screen = self.screen
        if isinstance(screen, HomeScreen):
            screen.show_status(lines)

    # ----- drills ---------------------------------------------------------------------

    def start_pair(self, partners: tuple[str, str], card_id: str, timing: Timing,
                   two_channel: bool = False, workshop: str | None = None,
                   voices: tuple | None = None) -> None:
        card = self.library.card(card_id)
        drill = Drill("pair", partners, card_id, card.title if card else card_id, timing,
                      store=self._store_or_none(), workshop=workshop, clock=self.clock)
        self._run(DrillRunner(drill, self.transcriber, self.source_factory, two_channel,
                              card=card, voices=voices))

    def start_solo(self, name: str, passage_id: str, rate: str, timing: Timing) -> None:
        passage = self.library.passage(passage_id)
        if passage is None:
            self.notify(f"No passage {passage_id!r}.", severity="error")
            return
        drill = Drill("solo", (name, None), passage.id, passage.title, timing,
                      store=self._store_or_none(), clock=self.clock)
        self._run(DrillRunner(drill, self.transcriber, self.source_factory, card=None,
                              passage=passage, rate=rate))

    def start_demo(self) -> None:
        """A whole pair round from bundled recordings, through the real transcriber,
        turn-taking analysis and scorer. Not saved: the review holds real rounds only."""
        import tomllib

        try:
            meta = tomllib.loads((DEMO_DIR / "demo.toml").read_text(encoding="utf-8"))
            files = {"speak": DEMO_DIR / meta["speaker"]["audio"],
                     "summary": DEMO_DIR / meta["listener"]["audio"]}
            missing = [p.name for p in files.values() if not p.exists()]
            if missing:
                raise UserError(f"The demo recordings are missing ({', '.join(missing)}); "
                                "run `make exercises-audio`.")
        except (OSError, KeyError, tomllib.TOMLDecodeError) as exc:
            self.notify(f"The demo cannot start: {exc}", severity="error")
            return
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return
        card = self.library.card(meta.get("card", ""))
        speed = self.demo_speed

        def demo_source(phase: str, channels: int, recorder: TakeRecorder | None) -> AudioSource:
            from listen_coach.audio.sources import FileSource

            return FileSource(files[phase], stereo=True, realtime=speed > 0,
                              speed=speed or 1.0, recorder=recorder)

        names = (meta["speaker"]["name"], meta["listener"]["name"])
        drill = Drill("demo", names, card.id if card else "demo",
                      card.title if card else "Demo", Timing(90, 60), store=None, rounds=1,
                      clock=self.clock)
        self.notify("The demo plays a recorded round: watch each screen; keys still work.")
        self._run(DrillRunner(drill, self.transcriber, demo_source, two_channel=True, card=card))

    def resume(self, row, saved: list[str]) -> None:
        """Continue a round the app left unfinished, from its first unsaved phase."""
        detail = self.store.round_detail(row.uid)
        if detail is None:
            return
        card = self.library.card(row.exercise)
        passage = self.library.passage(row.exercise)
        solo = passage is not None and not row.speaker
        drill = Drill("solo" if solo else "pair",
                      (row.listener, None) if solo else (row.speaker or "", row.listener),
                      row.exercise, row.exercise_title, store=self.store, clock=self.clock)
        r = drill.current
        r.uid, r.number = row.uid, 1
        drill.session_uid = "resumed"
        runner = DrillRunner(drill, self.transcriber, self.source_factory, card=card,
                             passage=passage if solo else None)
        speak = detail.phases.get("speak")
        if speak is None:
            self._run(runner)  # nothing saved yet: start the round again, same uid
            return
        r.speak_text, r.turns = speak.text, list(speak.turns)
        drill.phase = Phase.SUMMARY
        summary = detail.phases.get("summary")
        if summary is None:
            self._run(runner)
            return
        drill.end_summary(summary.text, save=False)  # stored already, recording and all
        self.after_phase(runner)

    def _store_or_none(self) -> Store | None:
        try:
            return self.store
        except UserError as exc:
            self.notify(f"Rounds will not be saved: {exc}", severity="warning", timeout=10)
            return None

    def _run(self, runner: DrillRunner) -> None:
        """Show the screen for the drill's current phase."""
        from listen_coach.tui.screens.drill import ConfirmScreen, ListenScreen, PhaseScreen
        from listen_coach.tui.screens.results import ResultsScreen, RoundSummaryScreen

        phase = runner.drill.phase or Phase.DONE
        screen = {Phase.SPEAK: PhaseScreen, Phase.SUMMARY: PhaseScreen,
                  Phase.LISTEN: ListenScreen, Phase.CONFIRM: ConfirmScreen,
                  Phase.RESULTS: ResultsScreen, Phase.DONE: RoundSummaryScreen}[phase](runner)
        self._show(screen)

    def _show(self, screen) -> None:
        # Drill screens replace each other just above the home screen (the stack is
        # Textual's default screen, home, then one drill or setup screen).
        while len(self.screen_stack) > 3:
            self.pop_screen()
        if len(self.screen_stack) == 3:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def after_phase(self, runner: DrillRunner) -> None:
        drill = runner.drill
        if drill.phase == Phase.RESULTS and drill.current.score is None:
            self._score_then_results(runner)  # solo: no confirm step
            return
        self._run(runner)

    @background("Scoring the round", group="score")
    def _score_then_results(self, runner: DrillRunner) -> None:
        runner.score()
        self.call_from_thread(self._run, runner)

    def show_results(self, runner: DrillRunner) -> None:
        self._run(runner)

    def leave_drill(self, runner: DrillRunner) -> None:
        runner.drill.leaving = True  # at once: a capture ending now keeps its take only
        self._abandon(runner)

    @background("Leaving the round", group="leave")
    def _abandon(self, runner: DrillRunner) -> None:
        """Mark the round discarded (off the UI thread), then home."""
        runner.drill.abandon()
        self.call_from_thread(self.go_home)

    def go_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        self.refresh_status()


def make_app(settings: Settings | None = None, transcriber: Transcriber | None = None,
             source_factory: SourceFactory | None = None,
             store_factory: Callable[[], Store] | None = None,
             demo_speed: float = 1.0, clock: Callable[[], float] = time.monotonic,
             microphone_status: Callable[[], str] | None = None,
             playback: bool = True, list_devices: Callable[[], list] | None = None
             ) -> ListenCoachApp:
    """Build the app; tests pass a file-backed `source_factory` and a shared transcriber.
    `demo_speed` 0 replays the demo as fast as it can be read (tests); `clock` times the
    phases; `playback=False` shows solo passages as text instead of playing them;
    `list_devices` lists the microphones (tests: a fixed list)."""
    settings = settings or load_settings()
    transcriber = transcriber or Transcriber(settings.asr)
    if store_factory is None:
        def store_factory() -> Store:
            from listen_coach.store import open_store

            return open_store(settings.data_path, settings.store.database)
    return ListenCoachApp(settings, transcriber, source_factory or
                          devices.default_source_factory(settings), store_factory, demo_speed,
                          clock, microphone_status, playback, list_devices)
