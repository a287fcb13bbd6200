"""Small pieces of text the screens share: the level meter, the clock, score bars,
the interruption timeline. Pure functions of their inputs, so they are tested
without a terminal."""

from __future__ import annotations


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


def timeline(events: list[dict], seconds: float, listener: str, width: int = 60) -> str:
    """The speak phase as a line: `!` where the listener interrupted, `·` where
    they encouraged, `─` elsewhere. Markup: interruptions red, encouragers green."""
    if seconds <= 0:
        return ""
    cells = ["─"] * width
    for e in events:
        if e.get("speaker") != listener:
            continue
        i = min(width - 1, int(e["start"] / seconds * width))
        if e["kind"] == "interruption":
            cells[i] = "[b red]![/]"
        elif cells[i] == "─":
            cells[i] = "[green]·[/]"
    return "0:00 " + "".join(cells) + f" {clock(seconds)}"
