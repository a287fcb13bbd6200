"""The microphone check: a level meter and live captions, to see that the right
microphone hears you before a drill. The listening runs in the drill session
(drill/mic_check.py); this screen draws what it hears."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from listen_coach.asr.types import Caption
from listen_coach.drill.mic_check import Heard
from listen_coach.tui.base import coach, later
from listen_coach.tui.widgets import meter_bar


class MicCheckScreen(Screen):
    """Speak and watch the level meter and live captions: is the microphone right?"""

    BINDINGS = [Binding("escape", "back", "Back"), Binding("q", "back", "Back", show=False)]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Opening the microphone…", id="mic-name")
        yield Static(meter_bar(-100.0), id="meter")
        yield Static("Say something: your words appear here.", id="caption")
        yield Static("Esc goes back. Nothing leaves this machine.", id="hint")
        yield Footer()

    def on_mount(self) -> None:
        self._stopping = False
        coach(self).session.check_microphone(
            lambda: self._stopping,
            Heard(opened=later(self, self._opened), lost=later(self, self._lost),
                  level=later(self, self._show_level), caption=later(self, self._show)))

    def _opened(self, name: str) -> None:
        self.query_one("#mic-name", Static).update(f"Listening on [b]{escape(name)}[/b]")

    def _lost(self, what: str, why: str) -> None:
        self.query_one("#mic-name", Static).update(f"[b]{escape(what)}:[/b] {escape(why)}")

    def _show_level(self, db: float) -> None:
        self.query_one("#meter", Static).update(meter_bar(db))

    def _show(self, caption: Caption) -> None:
        text = escape(caption.committed)
        if caption.tentative:
            text += f" [dim]{escape(caption.tentative)}[/dim]"
        self.query_one("#caption", Static).update(text or "Say something: your words appear here.")

    def action_back(self) -> None:
        self._stopping = True
        self.app.pop_screen()

    def on_unmount(self) -> None:
        """However the screen goes (back, or the app quitting), the microphone closes."""
        self._stopping = True
