"""The listen-coach terminal app.

`make_app()` is the one factory the CLI and the tests share: tests inject a
file-backed audio source (and a store) so the real app runs, through the real
transcriber and scorer, without a microphone. The app only shows screens: the
drill session below it (drill/session.py) does every slow thing on its worker
lanes and answers with typed events, which arrive here as `SessionMessage` and
are handed to the screen they are for. Screens ask by posting messages
(tui/messages.py); none of them calls into the app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from listen_coach.asr.transcriber import Transcriber
from listen_coach.config import Settings, load_settings
from listen_coach.drill import events as ev
from listen_coach.drill.demo import DEMO_DIR
from listen_coach.drill.machine import Phase
from listen_coach.drill.packs import Library, load_library, settings_dirs
from listen_coach.drill.runner import DrillRunner, SourceFactory
from listen_coach.drill.session import DrillSession
from listen_coach.store.records import RoundRow
from listen_coach.tui import devices
from listen_coach.tui import messages as msg
from listen_coach.tui.screens.home import HomeScreen, ResumeScreen
from listen_coach.tui.screens.mic import MicCheckScreen  # noqa: F401 - re-exported for tests
from listen_coach.tui.widgets import meter_bar  # noqa: F401 - re-exported for tests

if TYPE_CHECKING:
    from listen_coach.store.repo import Store

__all__ = ["DEMO_DIR", "ListenCoachApp", "make_app"]
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
        self.settings = settings
        self.model_state = "loading the speech model…"
        self.store_state = ""
        self.start_with_demo = False
        self.session = DrillSession(settings, Library(), transcriber, source_factory,
                                    store_factory, self._deliver, demo_speed, clock, playback)

    def _deliver(self, event: ev.SessionEvent) -> None:
        """From the session's lanes: onto the UI thread, as a message."""
        self.post_message(msg.SessionMessage(event))

    # ----- what the screens read ------------------------------------------------------

    @property
    def library(self) -> Library:
        return self.session.library

    @property
    def transcriber(self) -> Transcriber:
        return self.session.transcriber

    @property
    def playback(self) -> bool:
        return self.session.playback

    @property
    def store(self) -> Store:
        """The sessions store (opens it if need be: call from a worker or a test)."""
        return self.session.store

    # ----- start-up -----------------------------------------------------------------

    def on_mount(self) -> None:
        self.session.library = load_library(settings_dirs(self.settings.exercise_dir))
        self.push_screen(HomeScreen())
        self.session.open(check_store=not self.start_with_demo)
        if self.start_with_demo:
            self.call_after_refresh(self.session.start_demo)
        self.set_interval(FLUSH_EVERY_S, self.session.flush)

    # ----- settings ---------------------------------------------------------------

    def settings_file(self) -> Path:
        from listen_coach.config import config_path

        return config_path()

    def save_settings(self) -> Path:
        from listen_coach.config import save_settings

        return save_settings(self.settings, self.settings_file())

    @on(msg.SettingsChanged)
    def settings_changed(self) -> None:
        """Settings were edited: reread the exercise packs, show the new microphone."""
        self.session.library = load_library(settings_dirs(self.settings.exercise_dir))
        self.refresh_status()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """Notifications carry names, paths and error text, never markup: a participant
        called "Jo [/]" must not break the screen (screens' notify lands here too)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    @on(msg.StatusWanted)
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

    # ----- requests from the screens ----------------------------------------------------

    @on(msg.StartPair)
    def _start_pair(self, m: msg.StartPair) -> None:
        self.start_pair(m.partners, m.card_id, m.timing, m.two_channel, m.workshop, m.voices)

    def start_pair(self, partners: tuple[str, str], card_id: str, timing,
                   two_channel: bool = False, workshop: str | None = None,
                   voices: tuple | None = None) -> None:
        self.session.start_pair(partners, card_id, timing, two_channel, workshop, voices)

    @on(msg.StartSolo)
    def _start_solo(self, m: msg.StartSolo) -> None:
        self.start_solo(m.name, m.passage_id, m.rate, m.timing)

    def start_solo(self, name: str, passage_id: str, rate: str, timing) -> None:
        self.session.start_solo(name, passage_id, rate, timing)

    @on(msg.StartDemo)
    def start_demo(self) -> None:
        self.session.start_demo()

    @on(msg.Record)
    def _record(self, m: msg.Record) -> None:
        self.session.capture(m.runner, m.should_stop)

    @on(msg.Play)
    def _play(self, m: msg.Play) -> None:
        self.session.play(m.runner, m.should_stop)

    @on(msg.Listened)
    def _listened(self, m: msg.Listened) -> None:
        self.session.listened(m.runner)

    @on(msg.Confirmed)
    def _confirmed(self, m: msg.Confirmed) -> None:
        self.session.confirm(m.runner, m.came_across)

    @on(msg.Finished)
    def _finished(self, m: msg.Finished) -> None:
        self.session.finish(m.runner, m.then)

    @on(msg.Leave)
    def _leave(self, m: msg.Leave) -> None:
        self.session.leave(m.runner)

    @on(msg.GoHome)
    def go_home(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        self.refresh_status()

    # ----- what the session tells -------------------------------------------------------

    @on(msg.SessionMessage)
    def _session_event(self, m: msg.SessionMessage) -> None:
        from listen_coach.tui.screens.drill import ConfirmScreen, ListenScreen, PhaseScreen

        e, screen = m.event, self.screen
        if isinstance(e, ev.PhaseStarted):
            self._run(e.runner)
        elif isinstance(e, ev.Captioned | ev.Level | ev.TurnCue):
            if isinstance(screen, PhaseScreen):
                screen.show(e)
        elif isinstance(e, ev.Played | ev.ReadInstead):
            if isinstance(screen, ListenScreen):
                screen.show(e)
        elif isinstance(e, ev.Scored):
            if isinstance(screen, ConfirmScreen) and screen.runner is e.runner:
                screen.show_points(e.score)
        elif isinstance(e, ev.Resumable):
            self._offer_resume(e.row, list(e.saved))
        elif isinstance(e, ev.StatusChanged):
            if e.what == "models":
                self.model_state = e.text
            else:
                self.store_state = e.text
            self.refresh_status()
        elif isinstance(e, ev.Notice):
            self.notify(e.text, severity=e.severity,
                        timeout=20 if e.severity == "error" else None)
        elif isinstance(e, ev.Failed):
            self.notify(e.sentence, severity="error", timeout=20)
            if e.in_drill:
                # After the next refresh: a screen that failed while mounting must
                # finish mounting before it is popped (its header's watchers still run).
                self.set_timer(0.2, self.go_home)
        elif isinstance(e, ev.WentHome):
            self.go_home()

    def _offer_resume(self, row: RoundRow, saved: list[str]) -> None:
        def chosen(choice: str | None) -> None:
            if choice == "discard":
                self.session.discard(row)
            elif choice == "resume":
                self.session.resume(row)

        self.push_screen(ResumeScreen(row, saved), chosen)

    def _run(self, runner: DrillRunner) -> None:
        """Show the screen for the drill's current phase."""
        from listen_coach.tui.screens.drill import ConfirmScreen, ListenScreen, PhaseScreen
        from listen_coach.tui.screens.results import ResultsScreen, RoundSummaryScreen

        phase = runner.drill.phase or Phase.DONE
        screen = {Phase.SPEAK: PhaseScreen, Phase.SUMMARY: PhaseScreen,
                  Phase.LISTEN: ListenScreen, Phase.CONFIRM: ConfirmScreen,
                  Phase.RESULTS: ResultsScreen, Phase.DONE: RoundSummaryScreen}[phase](runner)
        # Drill screens replace each other just above the home screen (the stack is
        # Textual's default screen, home, then one drill or setup screen).
        while len(self.screen_stack) > 3:
            self.pop_screen()
        if len(self.screen_stack) == 3:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)


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
