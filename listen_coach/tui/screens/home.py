"""The home screen: start a pair drill, a solo drill, the demo or the review, and
see at a glance what is ready (models, microphone, sessions store, exercises)."""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static

from listen_coach.store.records import RoundRow
from listen_coach.tui import messages as msg


class HomeScreen(Screen):
    BINDINGS = [
        Binding("p", "pair", "Pair"),
        Binding("s", "solo", "Solo"),
        Binding("d", "demo", "Demo"),
        Binding("r", "review", "Review"),
        Binding("m", "mic_check", "Mic"),
        Binding("c", "settings", "Settings"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("listen-coach", id="title")
        yield Static("Let them finish. Say back what you heard. Ask one good question.",
                     id="tagline")
        with Grid(id="actions"):
            yield Button("Pair drill", id="pair", variant="primary")
            yield Button("Solo drill", id="solo")
            yield Button("Demo", id="demo")
            yield Button("Review", id="review")
            yield Button("Mic check", id="mic")
            yield Button("Settings", id="settings")
        yield Static("Checking models and microphone…", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pair", Button).focus()
        self.post_message(msg.StatusWanted())

    def show_status(self, lines: list[str]) -> None:
        # Lines hold names of files, devices and databases: text, never markup.
        self.query_one("#status", Static).update(escape("\n".join(lines)))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = {"pair": self.action_pair, "solo": self.action_solo, "demo": self.action_demo,
                  "review": self.action_review, "mic": self.action_mic_check,
                  "settings": self.action_settings}.get(event.button.id or "")
        if action:
            action()

    def action_pair(self) -> None:
        from listen_coach.tui.screens.setup import PairSetupScreen

        self.app.push_screen(PairSetupScreen())

    def action_solo(self) -> None:
        from listen_coach.tui.screens.setup import SoloSetupScreen

        self.app.push_screen(SoloSetupScreen())

    def action_demo(self) -> None:
        self.post_message(msg.StartDemo())

    def action_review(self) -> None:
        from listen_coach.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_mic_check(self) -> None:
        from listen_coach.tui.screens.mic import MicCheckScreen

        self.app.push_screen(MicCheckScreen())

    def action_settings(self) -> None:
        from listen_coach.tui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())


class ResumeScreen(ModalScreen[str]):
    """A round was left unfinished (the app quit or crashed): resume or discard it."""

    BINDINGS = [Binding("r", "dismiss('resume')", "Resume"),
                Binding("d", "dismiss('discard')", "Discard"),
                Binding("escape", "dismiss('later')", "Later")]

    def __init__(self, row: RoundRow, saved: list[str]):
        super().__init__()
        self.row = row
        self.saved = saved

    def compose(self) -> ComposeResult:
        r = self.row
        who = f"{r.listener} listening to {r.speaker}" if r.speaker else f"{r.listener}, solo"
        kept = ", ".join(self.saved) or "nothing yet"
        with Vertical(id="dialog"):
            yield Static(f"[b]An unfinished round[/b]\n{escape(who)}: "
                         f"{escape(r.exercise_title or r.exercise)}"
                         f"\nstarted {r.started_at[:16].replace('T', ' ')}; saved: {kept}.")
            with Horizontal(classes="buttons"):
                yield Button("Resume (r)", id="resume", variant="primary")
                yield Button("Discard (d)", id="discard", variant="error")
                yield Button("Later (Esc)", id="later")

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "later")


