"""Small pieces the screens share: the level meter, the clock, score bars and the
interruption timeline (pure functions of their inputs, tested without a terminal),
and the list of points a speaker ticks."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList

from listen_coach.turns.overlaps import OverlapEvent


def meter_bar(db: float, width: int = 40) -> str:
    """A text level meter from -60 dBFS (empty) to 0 dBFS (full)."""
    filled = int(round(max(0.0, min(1.0, (db + 60) / 60)) * width))
    return "█" * filled + "░" * (width - filled) + f" {db:6.1f} dBFS"


def clock(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def share_bar(value: float, width: int = 20) -> str:
    filled = int(round(max(0.0, min(1.0, value)) * width))
    return "█" * filled + "░" * (width - filled)


def timeline(events: list[OverlapEvent], seconds: float, listener: str,
             width: int = 60) -> str:
    """The speak phase as a line: `!` where the listener interrupted, `·` where
    they encouraged, `─` elsewhere. Markup: interruptions red, encouragers green."""
    if seconds <= 0:
        return ""
    cells = ["─"] * width
    for e in events:
        if e.speaker != listener:
            continue
        i = min(width - 1, int(e.start / seconds * width))
        if e.kind == "interruption":
            cells[i] = "[b red]![/]"
        elif cells[i] == "─":
            cells[i] = "[green]·[/]"
    return "0:00 " + "".join(cells) + f" {clock(seconds)}"


class TickList(OptionList):
    """Points to tick, each shown whole (wrapped), unlike SelectionList, which cuts
    an option at the width of one line. Space ticks or unticks the highlighted one."""

    DEFAULT_CSS = """
    TickList { text-wrap: wrap; }
    """
    BINDINGS = [Binding("space", "tick", "Tick", show=True)]

    def __init__(self, *, id: str | None = None):  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.texts: list[str] = []
        self.ticked: set[int] = set()

    def set_points(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.clear_options()
        self.add_options([self._prompt(i) for i in range(len(self.texts))])

    def _prompt(self, i: int) -> Text:
        box = "[x]" if i in self.ticked else "[ ]"
        text = Text(f"{box} ", style="bold green" if i in self.ticked else "dim")
        text.append(self.texts[i])
        return text

    def action_tick(self) -> None:
        i = self.highlighted
        if i is None:
            return
        self.ticked ^= {i}
        self.replace_option_prompt_at_index(i, self._prompt(i))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """A click (or Enter, which the screen takes first) on a point ticks it."""
        event.stop()
        self.highlighted = event.option_index
        self.action_tick()
