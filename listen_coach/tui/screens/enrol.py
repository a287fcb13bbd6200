"""Voice enrolment for one microphone: each partner talks for six seconds so the
drill can tell their voices apart and count interruptions."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from listen_coach.drill.voices import ENROL_SECONDS, PROMPT, enrol_pair
from listen_coach.errors import UserError
from listen_coach.tui.base import coach, later
from listen_coach.tui.widgets import meter_bar
from listen_coach.turns.one_mic import Enrolment


class EnrolScreen(ModalScreen):
    """Record each partner in turn; dismissed with both enrolments, or None."""

    BINDINGS = [Binding("space", "record", "Record"), Binding("escape", "cancel", "Cancel")]

    def __init__(self, names: tuple[str, str]):
        super().__init__()
        self.names = names
        self.voices: list[Enrolment] = []
        self.recording = False
        self.gone = False  # cancelled or closed: a recording in flight stops, unreported

    def compose(self) -> ComposeResult:
        with Vertical(id="enrol-box"):
            yield Static("[b]Voices[/b]: one microphone hears you both, so it learns each "
                         "voice first. Nothing leaves this machine.", id="enrol-title")
            yield Static("", id="enrol-who")
            yield Static(PROMPT, id="enrol-prompt")
            yield Static(meter_bar(-100.0), id="enrol-meter")
            yield Static("", id="enrol-status")
        yield Footer()

    def on_mount(self) -> None:
        self._ask()

    def _ask(self, status: str = "") -> None:
        name = self.names[len(self.voices)]
        self.query_one("#enrol-who", Static).update(
            f"[b]{escape(name)}[/b]: press space, then talk for {ENROL_SECONDS:g} seconds.")
        self.query_one("#enrol-status", Static).update(status)

    def action_record(self) -> None:
        if self.recording:
            return
        self.recording = True
        name = self.names[len(self.voices)]
        self.query_one("#enrol-who", Static).update(f"[b]{escape(name)}[/b]: talk now…")
        self.query_one("#enrol-status", Static).update("Recording…")
        self._record(name)

    def _record(self, name: str) -> None:
        coach(self).session.learn_voice(name, lambda: self.gone, later(self, self._level),
                                        later(self, self._learnt))

    def _learnt(self, voice: Enrolment | str) -> None:
        if isinstance(voice, str):
            self._failed(voice)
        else:
            self._enrolled(voice)

    def _level(self, db: float) -> None:
        if self.gone:
            return
        self.query_one("#enrol-meter", Static).update(meter_bar(db))

    def _failed(self, reason: str) -> None:
        if self.gone:
            return
        self.recording = False
        self._ask(f"[b]Again, please.[/b] {escape(reason)}")

    def _enrolled(self, voice: Enrolment) -> None:
        if self.gone:
            return
        self.recording = False
        self.voices.append(voice)
        if len(self.voices) < 2:
            self._ask(f"✔ {escape(voice.name)}'s voice is learnt ({voice.speech_seconds:.1f} s of "
                      "speech).")
            return
        try:
            pair = enrol_pair(*self.voices)
        except UserError as exc:
            self.voices.clear()
            self._ask(f"[b]Both again, please.[/b] {escape(str(exc))}")
            return
        self.dismiss(pair)

    def action_cancel(self) -> None:
        self.gone = True
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.gone = True
