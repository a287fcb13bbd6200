"""Setting up a drill: partners, exercise, microphone mode, phase lengths."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from listen_coach.drill.machine import SPEAK_DEFAULT, SUMMARY_DEFAULT, Timing
from listen_coach.tui import messages as msg
from listen_coach.tui.base import coach
from listen_coach.tui.screens.settings import device_options, with_value

SPEAK_CHOICES = (60, 90, 120, 150, 180)
SUMMARY_CHOICES = (30, 45, 60, 90)
ONE_MIC, TWO_CHANNELS = "one", "two"


class PairSetupScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                Binding("ctrl+s", "start", "Start"),
                Binding("f2", "mic_check", "Mic check"),
                Binding("f3", "enrol", "Voices")]

    def __init__(self) -> None:
        super().__init__()
        #: Both partners' enrolled voices (one microphone), for the names they were
        #: recorded under.
        self.voices: tuple | None = None

    def compose(self) -> ComposeResult:
        app = self.app
        cards = coach(app).library.cards
        settings = coach(app).settings
        yield Header(show_clock=False)
        with VerticalScroll(id="form"):
            yield Static("[b]Pair drill[/b]: the speaker talks, the listener listens, then "
                         "summarises and asks one question. Then you swap.", classes="intro")
            with Horizontal(classes="row"):
                yield Label("Speaks first", classes="label")
                yield Input(placeholder="name", id="name-a")
                yield Label("Listens first", classes="label")
                yield Input(placeholder="name", id="name-b")
            with Horizontal(classes="row"):
                yield Label("Topic card", classes="label")
                yield Select([(Text(f"{c.title} ({c.difficulty})"), c.id) for c in cards],
                             value=cards[0].id if cards else Select.BLANK, id="card",
                             allow_blank=not cards)
            with Horizontal(classes="row"):
                yield Label("Microphones", classes="label")
                two = bool(settings.audio.second_device)
                yield Select([("One microphone for both", ONE_MIC),
                              ("One channel each (stereo, or two microphones)", TWO_CHANNELS)],
                             value=TWO_CHANNELS if two else ONE_MIC, id="mode", allow_blank=False)
            with Horizontal(classes="row"):
                yield Label("Device", classes="label")
                options, _ = device_options(app)
                yield Select(with_value(options, settings.audio.input_device),
                             value=settings.audio.input_device, id="device", allow_blank=False)
            with Horizontal(classes="row", id="voices-row"):
                yield Label("Voices", classes="label")
                yield Button("Enrol voices (F3)", id="enrol")
                yield Static("", id="voices-status")
            with Horizontal(classes="row"):
                yield Label("Speaking", classes="label")
                yield Select([(f"{s // 60}:{s % 60:02d} min", s) for s in SPEAK_CHOICES],
                             value=SPEAK_DEFAULT, id="speak", allow_blank=False)
                yield Label("Summary", classes="label")
                yield Select([(f"{s} s", s) for s in SUMMARY_CHOICES], value=SUMMARY_DEFAULT,
                             id="summary", allow_blank=False)
            with Horizontal(classes="row"):
                yield Label("Workshop", classes="label")
                yield Input(placeholder="optional, for the facilitator's review", id="workshop")
            yield Static("", id="mode-note", classes="note")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Start", id="start", variant="primary")
                yield Button("Mic check", id="mic")
                yield Button("Back", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name-a", Input).focus()
        self._mode_note()

    @on(Select.Changed, "#mode")
    def _mode_note(self, _event: object = None) -> None:
        one_mic = self.query_one("#mode", Select).value == ONE_MIC
        note = ("With one microphone, enrol both voices (F3) and interruptions are counted "
                "by voice; without it the transcript and score still work, uncounted."
                if one_mic else
                "Each partner's voice comes from their own channel (left: speaker first), so "
                "interruptions and encouragers are counted.")
        self.query_one("#mode-note", Static).update(note)
        self.query_one("#voices-row").display = one_mic
        self._voices_status()

    def _names(self) -> tuple[str, str]:
        return (self.query_one("#name-a", Input).value.strip(),
                self.query_one("#name-b", Input).value.strip())

    def _enrolled(self) -> tuple | None:
        """The enrolments, if they are still for the names in the form."""
        if self.voices and tuple(v.name for v in self.voices) == self._names():
            return self.voices
        return None

    def _voices_status(self) -> None:
        voices = self._enrolled()
        self.query_one("#voices-status", Static).update(
            f"✔ {voices[0].name} and {voices[1].name} enrolled" if voices else
            "Not enrolled: interruptions will not be counted.")

    @on(Input.Changed, "#name-a, #name-b")
    def _names_changed(self, _event: object) -> None:
        self._voices_status()

    def action_enrol(self) -> None:
        from listen_coach.tui.screens.enrol import EnrolScreen

        if self.query_one("#mode", Select).value != ONE_MIC:
            return
        a, b = self._names()
        error = ("Enter both partners' names first: each voice is enrolled under its name."
                 if not a or not b else
                 "The two partners need different names." if a.casefold() == b.casefold()
                 else "")
        self.query_one("#error", Static).update(error)
        if error:
            return

        def done(voices: tuple | None) -> None:
            if voices is not None:
                self.voices = voices
            self._voices_status()

        self.app.push_screen(EnrolScreen((a, b)), done)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        if event.input.id == "workshop":
            self.action_start()
        else:
            self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "mic":
            self.action_mic_check()
        elif event.button.id == "enrol":
            self.action_enrol()
        elif event.button.id == "back":
            self.app.pop_screen()

    def action_mic_check(self) -> None:
        from listen_coach.tui.screens.mic import MicCheckScreen

        self.app.push_screen(MicCheckScreen())

    def action_start(self) -> None:
        a = self.query_one("#name-a", Input).value.strip()
        b = self.query_one("#name-b", Input).value.strip()
        card_id = self.query_one("#card", Select).value
        error = ("Enter both partners' names." if not a or not b else
                 "The two partners need different names." if a.casefold() == b.casefold() else
                 "There is no topic card to choose; check the exercise packs."
                 if card_id is Select.BLANK else "")
        self.query_one("#error", Static).update(error)
        if error:
            return
        timing = Timing(int(self.query_one("#speak", Select).value),  # type: ignore[arg-type]
                        int(self.query_one("#summary", Select).value))  # type: ignore[arg-type]
        two_channel = self.query_one("#mode", Select).value == TWO_CHANNELS
        # This drill's microphone (Settings, `c` on the home screen, keeps one for good).
        coach(self).settings.audio.input_device = str(
            self.query_one("#device", Select).value or "")
        self.post_message(msg.StartPair(
            (a, b), str(card_id), timing, two_channel=two_channel,
            workshop=self.query_one("#workshop", Input).value.strip() or None,
            voices=None if two_channel else self._enrolled()))


class SoloSetupScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                Binding("ctrl+s", "start", "Start")]

    def compose(self) -> ComposeResult:
        passages = coach(self).library.passages
        yield Header(show_clock=False)
        with VerticalScroll(id="form"):
            yield Static("[b]Solo drill[/b]: listen to a recorded passage once, then say back "
                         "what you heard and ask one question.", classes="intro")
            with Horizontal(classes="row"):
                yield Label("Your name", classes="label")
                yield Input(placeholder="name", id="name")
            with Horizontal(classes="row"):
                yield Label("Passage", classes="label")
                yield Select([(Text(f"{p.title} ({p.difficulty('normal')})"), p.id)
                              for p in passages],
                             value=passages[0].id if passages else Select.BLANK, id="passage",
                             allow_blank=not passages)
            with Horizontal(classes="row"):
                yield Label("Speed", classes="label")
                yield Select([("Normal", "normal"), ("Slow", "slow")], value="normal",
                             id="rate", allow_blank=False)
                yield Label("Summary", classes="label")
                yield Select([(f"{s} s", s) for s in SUMMARY_CHOICES], value=SUMMARY_DEFAULT,
                             id="summary", allow_blank=False)
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Start", id="start", variant="primary")
                yield Button("Back", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, _event: Input.Submitted) -> None:
        self.focus_next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "back":
            self.app.pop_screen()

    def action_start(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        passage_id = self.query_one("#passage", Select).value
        error = ("Enter your name." if not name else
                 "There is no passage to choose; check the exercise packs."
                 if passage_id is Select.BLANK else "")
        self.query_one("#error", Static).update(error)
        if error:
            return
        self.post_message(msg.StartSolo(
            name, str(passage_id), str(self.query_one("#rate", Select).value),
            Timing(SPEAK_DEFAULT, int(self.query_one("#summary", Select).value))))  # type: ignore[arg-type]
