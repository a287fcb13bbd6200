"""The listen-coach terminal app: home screen and microphone check.

`make_app()` is the one factory the CLI and the tests share: tests inject a
file-backed audio source so the real app runs, through the real transcriber,
without a microphone. Blocking work (model load, capture, decoding) runs in
thread workers that only post results back with `call_from_thread`.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from listen_coach.asr.transcriber import Transcriber
from listen_coach.asr.types import Caption
from listen_coach.audio.sources import AudioSource
from listen_coach.config import Settings, load_settings
from listen_coach.errors import UserError

SourceFactory = Callable[[], AudioSource]


def meter_bar(db: float, width: int = 40) -> str:
    """A text level meter from -60 dBFS (empty) to 0 dBFS (full)."""
    filled = int(round(max(0.0, min(1.0, (db + 60) / 60)) * width))
    return "█" * filled + "░" * (width - filled) + f" {db:6.1f} dBFS"


class HomeScreen(Screen):
    BINDINGS = [
        Binding("m", "mic_check", "Microphone check"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("listen-coach", id="title")
        yield Static("Practise listening: let them finish, say back what you heard, ask.",
                     id="tagline")
        yield Static("Checking models and microphone…", id="status")
        with Horizontal(id="actions"):
            yield Button("Microphone check", id="mic", variant="primary")
            yield Button("Quit", id="quit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#mic", Button).focus()
        self.app.refresh_status()  # type: ignore[attr-defined]

    def show_status(self, lines: list[str]) -> None:
        self.query_one("#status", Static).update("\n".join(lines))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "mic":
            self.action_mic_check()
        elif event.button.id == "quit":
            self.app.exit()

    def action_mic_check(self) -> None:
        self.app.push_screen(MicCheckScreen())


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

    @work(thread=True, exclusive=True, group="mic")
    def listen(self) -> None:
        from listen_coach.asr.live import LiveCaptioner

        app: ListenCoachApp = self.app  # type: ignore[assignment]
        try:
            source = app.source_factory()
            source.start()
        except UserError as exc:
            self.app.call_from_thread(self._show_name, f"[b]No microphone:[/b] {exc}")
            return
        name = getattr(source, "device", None) or getattr(source, "name", "audio source")
        self.app.call_from_thread(self._show_name, f"Listening on [b]{name}[/b]")
        live = LiveCaptioner(
            app.transcriber, on_update=lambda c: self.app.call_from_thread(self._show, c)
        )
        try:
            while not self._stopping:
                block = source.read(timeout=0.1)
                if block is None:
                    break
                if block.size:
                    live.feed(block)
                    level = max(source.levels)
                    self.app.call_from_thread(self._show_level, level)
        except UserError as exc:
            self.app.call_from_thread(self._show_name, f"[b]Microphone lost:[/b] {exc}")
        finally:
            source.stop()
            final = live.close()
            if not self._stopping:
                self.app.call_from_thread(self._show, final)

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


class ListenCoachApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "listen-coach"

    def __init__(self, settings: Settings, transcriber: Transcriber,
                 source_factory: SourceFactory):
        super().__init__()
        self.settings = settings
        self.transcriber = transcriber
        self.source_factory = source_factory
        self.model_state = "loading the speech model…"

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        self.warm_up()

    @work(thread=True, exclusive=True, group="models")
    def warm_up(self) -> None:
        """Load the speech model in the background so the home screen is instant."""
        try:
            self.transcriber.load()
            self.model_state = "ready"
        except UserError as exc:
            self.model_state = str(exc)
        self.call_from_thread(self.refresh_status)

    def refresh_status(self) -> None:
        from listen_coach import models

        lines = []
        speech_ok = self.model_state == "ready"
        lines.append(f"{'✔' if speech_ok else '…' if 'loading' in self.model_state else '✘'} "
                     f"Speech model: {self.model_state}")
        spacy_ok = models.spacy_model_available()
        lines.append(f"{'✔' if spacy_ok else '✘'} Language model: "
                     f"{'ready' if spacy_ok else 'missing; run make setup'}")
        try:
            from listen_coach.audio.devices import find_input_device

            device = find_input_device(self.settings.audio.input_device or None)
            lines.append(f"✔ Microphone: {device.name}")
        except UserError as exc:
            lines.append(f"✘ Microphone: {exc}")
        screen = self.screen
        if isinstance(screen, HomeScreen):
            screen.show_status(lines)


def make_app(settings: Settings | None = None, transcriber: Transcriber | None = None,
             source_factory: SourceFactory | None = None) -> ListenCoachApp:
    """Build the app; tests pass a file-backed `source_factory` and a shared transcriber."""
    settings = settings or load_settings()
    transcriber = transcriber or Transcriber(settings.asr)
    if source_factory is None:
        def source_factory() -> AudioSource:
            from listen_coach.audio.sources import MicrophoneSource

            return MicrophoneSource(settings.audio.input_device or None)
    return ListenCoachApp(settings, transcriber, source_factory)
