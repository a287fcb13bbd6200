"""The phases of a round on screen: speak, listen (solo), summarise, confirm.

Capture, captions and scoring run on the drill session's lanes (drill/session.py);
these screens ask for them by message and show the events the app hands them,
so keys are answered at once.
"""

from __future__ import annotations

from rich.markup import escape
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Digits, Footer, Header, LoadingIndicator, Static

from listen_coach.drill import events as ev
from listen_coach.drill.machine import Phase
from listen_coach.drill.runner import DrillRunner
from listen_coach.scoring.report import DrillScore
from listen_coach.tui import messages as msg
from listen_coach.tui.widgets import TickList, clock, meter_bar

#: How long the "let them finish" cue stays up: long enough to notice, short enough
#: not to distract (live cues are kept sparse; DESIGN.md §3).
CUE_SECONDS = 2.5


class LeaveScreen(ModalScreen[bool]):
    BINDINGS = [Binding("escape", "dismiss(False)", "Stay"), Binding("y", "dismiss(True)", "Leave")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("[b]Leave this round?[/b]\nWhat was recorded so far stays saved; the "
                         "round is marked as not finished.")
            with Horizontal(classes="buttons"):
                yield Button("Leave (y)", id="leave", variant="error")
                yield Button("Stay (Esc)", id="stay", variant="primary")

    @on(Button.Pressed)
    def choose(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")


class PhaseScreen(Screen):
    """Speak or summarise: the prompt, a large countdown, the live transcript.

    Recording starts only when the one about to talk presses Enter: a phase that
    began the moment the screen appeared (after the setup, after Done, after a swap
    or a resume) recorded the partners settling in, and its clock ran before anyone
    spoke. The demo plays a recording, so it starts at once."""

    BINDINGS = [Binding("enter", "ready", "Start"), Binding("space", "done", "Done"),
                Binding("escape", "leave", "Leave round")]

    def __init__(self, runner: DrillRunner):
        super().__init__()
        self.runner = runner
        self.drill = runner.drill
        self.started = self.drill.kind == "demo"  # recording (Enter pressed, or the demo)
        self._stop = False
        self._encouragers = 0
        self._interruptions = 0

    def compose(self) -> ComposeResult:
        r, phase = self.drill.current, self.drill.phase
        if phase == Phase.SPEAK:
            heading = f"[b]{escape(r.speaker)}[/b] speaks · [b]{escape(r.listener)}[/b] listens"
            card = self.runner.card
            prompt = (f"[b]{escape(card.title)}[/b]\n{escape(card.prompt)}" if card else
                      "Talk about something "
                      "that matters to you.")
        else:
            heading = f"[b]{escape(r.listener)}[/b] summarises"
            prompt = ("Say back what you heard, in your own words: the points, and how they "
                      "felt. Then ask one question about it.")
        yield Header(show_clock=False)
        with Horizontal(id="phase-top"):
            with Vertical(id="phase-left"):
                yield Static(heading, id="phase-heading")
                yield Static(prompt, id="prompt")
            yield Digits(clock(self.drill.phase_seconds() or 0), id="countdown")
        yield Static(meter_bar(-100.0, 30), id="level")
        talker = r.speaker if phase == Phase.SPEAK else r.listener
        yield Static("" if self.started else
                     f"[b]Press Enter when {escape(talker or 'you')} is ready to start.[/b]",
                     id="cue")
        with VerticalScroll(id="transcript-box"):
            yield Static("[dim]Listening…[/dim]" if self.started else
                         "[dim]Nothing is recorded until then.[/dim]", id="transcript")
        yield Static("", id="counts")
        yield Footer()

    def on_mount(self) -> None:
        self._gone = False
        if self.started:
            self._begin()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer offers Start until recording, then Done."""
        if action == "ready":
            return not self.started
        if action == "done":
            return self.started
        return True

    def action_ready(self) -> None:
        if self.started:
            return
        self.started = True
        self.refresh_bindings()
        self.query_one("#cue", Static).update("")
        self.query_one("#transcript", Static).update("[dim]Listening…[/dim]")
        self._begin()

    def _begin(self) -> None:
        self.set_interval(0.25, self._tick)
        self.post_message(msg.Record(self.runner, lambda: self._stop))

    def on_unmount(self) -> None:
        # Quitting mid-phase: stop capturing; what was recorded is saved as the phase.
        self._stop = True
        self._gone = True

    def _tick(self) -> None:
        left = self.drill.remaining()
        if left is None:
            return
        self.query_one("#countdown", Digits).update(clock(left))
        if left <= 0:
            self._stop = True

    def show(self, event: ev.Captioned | ev.Level | ev.TurnCue) -> None:
        """What the recording says so far: the caption, the level, a cue."""
        if self._gone:  # left or popped: the capture may still be winding down
            return
        if isinstance(event, ev.Captioned):
            caption = event.caption
            text = escape(caption.committed) + (f" [dim]{escape(caption.tentative)}[/dim]"
                                                if caption.tentative else "")
            self.query_one("#transcript", Static).update(text or "[dim]Listening…[/dim]")
            self.query_one("#transcript-box", VerticalScroll).scroll_end(animate=False)
        elif isinstance(event, ev.Level):
            self.query_one("#level", Static).update(meter_bar(event.db, 30))
        else:
            self._cue(event.event.speaker, event.event.kind)

    def _cue(self, speaker: str, kind: str) -> None:
        if speaker != self.drill.current.listener:
            return
        if kind == "interruption":
            self._interruptions += 1
            cue = self.query_one("#cue", Static)
            cue.update(f"[b]{escape(self.drill.current.listener)}: let them finish[/b]")
            cue.add_class("flash")
            self.set_timer(CUE_SECONDS, lambda: self._clear_cue(cue))
        else:
            self._encouragers += 1
        self.query_one("#counts", Static).update(
            f"[dim]encouragers {self._encouragers} · interruptions {self._interruptions}[/dim]")

    @staticmethod
    def _clear_cue(cue: Static) -> None:
        cue.update("")
        cue.remove_class("flash")

    def action_done(self) -> None:
        if not self.started:  # nothing recorded yet: Enter starts, Space has nothing to end
            return
        self._stop = True
        self.query_one("#transcript-box").add_class("finishing")

    def action_leave(self) -> None:
        def leave(yes: bool | None) -> None:
            if yes:
                self._stop = True
                self._gone = True  # the capture worker must not move the drill on
                self.post_message(msg.Leave(self.runner))

        self.app.push_screen(LeaveScreen(), leave)


class ListenScreen(Screen):
    """Solo drill: the passage plays once (or, with no speaker, is shown to read)."""

    BINDINGS = [Binding("enter", "done", "Summarise now"), Binding("escape", "leave", "Leave")]

    def __init__(self, runner: DrillRunner):
        super().__init__()
        self.runner = runner
        self._stop = False

    def compose(self) -> ComposeResult:
        passage = self.runner.passage
        assert passage is not None
        yield Header(show_clock=False)
        yield Static(f"[b]{escape(passage.title)}[/b] · {escape(passage.speaker)} · "
                     f"{self.runner.rate} speed · {passage.difficulty(self.runner.rate)}",
                     id="phase-heading")
        yield Static("Listen once, as you would to a colleague. Then summarise.", id="prompt")
        yield Static("Playing…", id="playback")
        with VerticalScroll(id="transcript-box"):
            yield Static("", id="transcript")
        yield Footer()

    def on_mount(self) -> None:
        self.post_message(msg.Play(self.runner, lambda: self._stop))

    def show(self, event: ev.Played | ev.ReadInstead) -> None:
        if isinstance(event, ev.ReadInstead):
            self._read_instead(event.reason)
            return
        self.query_one("#playback", Static).update(
            f"Playing {clock(event.done)} / {clock(event.total)}   (Enter: summarise now)")

    def _read_instead(self, reason: str) -> None:
        assert self.runner.passage is not None
        self.query_one("#playback", Static).update(
            f"[b]{reason}[/b] Read the passage instead, then press Enter.")
        self.query_one("#transcript", Static).update(self.runner.passage.text)

    def action_done(self) -> None:
        if self._stop:
            return
        self._stop = True
        self.post_message(msg.Listened(self.runner))

    def action_leave(self) -> None:
        self._stop = True
        self.post_message(msg.Leave(self.runner))


class ConfirmScreen(Screen):
    """The speaker ticks which of their points came across (a human label, stored)."""

    BINDINGS = [Binding("enter", "submit", "Confirm", priority=True),
                Binding("escape", "leave", "Leave")]

    def __init__(self, runner: DrillRunner):
        super().__init__()
        self.runner = runner
        self.score: DrillScore | None = None
        self._submitted = False

    def compose(self) -> ComposeResult:
        r = self.runner.drill.current
        yield Header(show_clock=False)
        yield Static(f"[b]{escape(r.speaker)}[/b], which of your points came across in "
                     f"{escape(r.listener)}'s summary? Space ticks, Enter confirms.",
                     id="phase-heading")
        if self.runner.drill.kind == "demo":
            yield Static(f"[b]Demo:[/b] play {escape(r.speaker)}. Move with the arrows, press "
                         f"space on each point {escape(r.listener)} got across, then Enter: "
                         f"your ticks decide the points caught.", id="demo-hint")
        yield Static("Scoring the round…", id="scoring-note")
        yield LoadingIndicator(id="scoring")
        yield TickList(id="points")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#points").display = False
        score = self.runner.drill.current.score
        if score is not None:  # scored before the screen was up
            self.show_points(score)

    def show_points(self, score: DrillScore) -> None:
        """The session scored the round (its `Scored` event): the points to tick."""
        if self.score is not None:
            return
        self.score = score
        self.query_one("#scoring").display = False
        self.query_one("#scoring-note").display = False
        points = self.query_one("#points", TickList)
        points.display = True
        points.set_points([p.match.point for p in score.points])
        if score.points:
            points.highlighted = 0
        points.focus()
        if not score.points:
            self.action_submit()

    def action_submit(self) -> None:
        if self.score is None or self._submitted:
            return
        self._submitted = True  # a second Enter while the ticks are being saved
        ticked = self.query_one("#points", TickList).ticked
        self.post_message(msg.Confirmed(
            self.runner, [i in ticked for i in range(len(self.score.points))]))

    def action_leave(self) -> None:
        self.post_message(msg.Leave(self.runner))
