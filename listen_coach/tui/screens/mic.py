"""The microphone check: a level meter and live captions, to see that the right
microphone hears you before a drill."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from listen_coach.asr.types import Caption
from listen_coach.errors import UserError
from listen_coach.tui.base import coach
from listen_coach.tui.widgets import meter_bar
from listen_coach.tui.workers import background


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
        self.listen()

    @background("The microphone check", group="mic")
    def listen(self) -> None:
        from listen_coach.asr.live import LiveCaptioner

        app = self.app
        try:
            source = coach(app).session.source_factory("check", 1, None)
            source.start()
        except UserError as exc:
            app.call_from_thread(self._show_name, f"[b]No microphone:[/b] {exc}")
            return
        name = getattr(source, "device", None) or getattr(source, "name", "audio source")
        name = getattr(name, "name", name)
        app.call_from_thread(self._show_name, f"Listening on [b]{name}[/b]")
        live = LiveCaptioner(coach(app).transcriber,
                             on_update=lambda c: app.call_from_thread(self._show, c))
        try:
            while not self._stopping:
                block = source.read(timeout=0.1)
                if block is None:
                    break
                if block.size:
                    live.feed(block)
                    app.call_from_thread(self._show_level, max(source.levels))
        except UserError as exc:
            app.call_from_thread(self._show_name, f"[b]Microphone lost:[/b] {exc}")
        finally:
            source.stop()
            final = live.close()
            if not self._stopping:
                app.call_from_thread(self._show, final)

    def _show_name(self, text: str) -> None:
        self.query_one("#mic-name", Static).update(text)

    def _show_level(self, db: float) -> None:
        self.query_one("#meter", Static).update(meter_bar(db))

    def _show(self, caption: Caption) -> None:
        text = caption.committed
        if caption.tentative:
            text += f" [dim]{caption.tentative}[/dim]"
        self.query_one("#caption", Static).update(text or "Say something: your words appear here.")

    def action_back(self) -> None:
        self._stopping = True
        self.app.pop_screen()

    def on_unmount(self) -> None:
        """However the screen goes (back, or the app quitting), the microphone closes."""
        self._stopping = True
