"""A round's results, and the summary of every round of a drill.

`results_text()` builds the whole report as Rich markup from the round alone, so
it is tested (and reused by the review's round detail) without a terminal.
"""

from __future__ import annotations

from typing import Literal

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from listen_coach.drill.runner import DrillRunner
from listen_coach.scoring.coverage import CONFLICT_WORDS
from listen_coach.scoring.report import LABELS, DrillScore
from listen_coach.tui import messages as msg
from listen_coach.tui.widgets import share_bar, timeline
from listen_coach.turns.overlaps import OverlapEvent


def results_text(score: DrillScore, listener: str, speaker: str,
                 turns: list[OverlapEvent] | None = None,
                 speak_seconds: float = 0.0, confirmed: list[bool] | None = None,
                 summary: str = "", rulings: dict[int, str] | None = None,
                 scorer_said: list[bool] | None = None) -> str:
    """The results as markup (a stored round's score: scoring/stored.py).

    `rulings` (point index -> "speaker was right (Dana)", may be empty) is the
    facilitator's view: each point then shows the scorer's own verdict
    (`scorer_said`, as stored beside the ticks) and confidence beside the
    speaker's tick, and the words the scorer weighed."""
    lines = [f"[b]{escape(listener)}[/b] scored [b]{score.overall}[/b]/100"
             + (f" listening to {escape(speaker)}" if speaker else "")]
    lines.append("")
    for key, value in score.components.items():
        lines.append(f"  {LABELS.get(key, key):<16} {share_bar(value, 16)} {value * 100:4.0f}%")
    points = score.points
    caught = sum(p.match.covered for p in points)
    ticked = any(p.scorer_covered is not None for p in points)
    lines += ["", f"[b]Points[/b] ({caught} of {len(points)} "
                  + (f"came across, as {escape(speaker)} ticked)" if ticked and speaker
                     else "caught)")]
    from listen_coach.scoring.person import third_person

    for i, p in enumerate(points):
        m = p.match
        # The speaker's "I" as their name: the listener reads about what Sam said.
        point = third_person(m.point, speaker) if speaker else m.point
        mark = "[green]✔[/]" if m.covered else "[red]✘[/]"
        said = ""
        scorer = p.scorer_covered
        if scorer_said is not None and i < len(scorer_said):
            scorer = scorer_said[i]
        if rulings is not None and scorer is not None:  # the facilitator's audit view
            confidence = m.score
            shown = f" {confidence:.2f}" if isinstance(confidence, int | float) else ""
            differs = scorer != bool(m.covered)
            said = (f"  [{'yellow' if differs else 'dim'}](scorer: "
                    f"{'heard it' if scorer else 'missed it'}{shown})[/]")
            if differs:
                said += f" [b]{escape(rulings.get(i, 'not ruled'))}[/b]"
            lines.append(f" {mark} {escape(point)}{said}")
            if m.evidence:
                lines.append(f"     [dim]“{escape(m.evidence)}”[/]")
            continue
        if scorer is not None:  # the speaker's tick decided; say where the scorer differs
            if scorer != bool(m.covered):
                said = "  [dim](the scorer missed it)[/]" if not scorer else \
                    "  [dim](the scorer heard it)[/]"
        elif confirmed is not None and i < len(confirmed):  # rounds stored before ticks decided
            said = "  [dim](speaker: came across)[/]" if confirmed[i] else \
                "  [dim](speaker: missed)[/]"
        lines.append(f" {mark} {escape(point)}{said}")
        if m.evidence and m.covered:
            lines.append(f"     [dim]“{escape(m.evidence)}”[/]")
        elif m.conflict:
            kind = m.conflict
            lines.append(f"     [red]said differently ({CONFLICT_WORDS.get(kind, kind)}): "
                         f"“{escape(m.evidence or '')}”[/]")
    issues = score.issues
    if issues:
        lines += ["", "[b]Made up or changed[/b]"]
        for issue in issues:
            kind = issue.kind
            what = "never said" if kind == "invented" else f"a different {kind}" \
                if kind in ("number", "name") else "the opposite"
            lines.append(f"  [red]•[/] “{escape(issue.summary_text)}” ({what})")
    q = score.question
    lines += ["", "[b]Question[/b]"]
    if q:
        kind = "an offer of help" if q.offer_of_help else f"{q.kind}"
        topic = "on what they said" if q.pertinent else "not about what they said"
        lines.append(f"  “{escape(q.text)}”: {kind}, {topic}")
    else:
        lines.append("  [red]No question was asked.[/]")
    if turns is not None and speak_seconds:
        lines += ["", "[b]While they spoke[/b]",
                  "  " + timeline(turns, speak_seconds, listener, 50)]
        mine = [e for e in turns if e.speaker == listener]
        n_int = sum(e.kind == "interruption" for e in mine)
        n_enc = sum(e.kind == "backchannel" for e in mine)
        lines.append(f"  [red]![/] interruptions {n_int}   [green]·[/] encouragers {n_enc}")
    tips = score.tips
    if tips:
        lines += ["", "[b]Tips[/b]"] + [f"  • {escape(t)}" for t in tips]
    notes = score.notes
    if notes:
        lines += [""] + [f"[dim]{escape(n)}[/]" for n in notes]
    if summary:
        lines += ["", "[b]What was said back[/b]", f"[dim]{escape(summary)}[/]"]
    return "\n".join(lines)


class ResultsScreen(Screen):
    BINDINGS = [Binding("enter", "next", "Next"), Binding("r", "retry", "Retry", show=False),
                Binding("escape", "home", "Home")]

    def __init__(self, runner: DrillRunner):
        super().__init__()
        self.runner = runner
        self._leaving = False

    def compose(self) -> ComposeResult:
        drill, r = self.runner.drill, self.runner.drill.current
        assert r.score is not None  # the session shows results only once scored
        yield Header(show_clock=False)
        with VerticalScroll(id="results"):
            yield Static(results_text(
                r.score, r.listener, r.speaker, r.turns if self.runner.counts_turns else None,
                drill.timing.speak_seconds, r.confirmed, r.summary_text), id="report")
            if not r.saved and drill.store is not None and drill.store.problem:
                yield Static(f"[b]{escape(drill.store.problem)}[/b]", classes="error")
            for note in self.runner.notes:
                yield Static(f"[dim]{escape(note)}[/dim]")
            more = len(drill.rounds) < drill.total_rounds
            hint = ("Enter: swap roles for the next round" if more and not drill.solo else
                    "Enter: finish · r: listen again and retry" if drill.solo else
                    "Enter: the round summary")
            yield Static(f"[b]{hint}[/b] · Esc: home", id="next-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#results").focus()

    def action_next(self) -> None:
        self._leave("next")

    def action_retry(self) -> None:
        if self.runner.drill.solo:
            self._leave("retry")

    def action_home(self) -> None:
        self._leave("home")

    def _leave(self, then: Literal["next", "retry", "home"]) -> None:
        if self._leaving:  # a second key while the first is being saved
            return
        self._leaving = True
        self.post_message(msg.Finished(self.runner, then))


class RoundSummaryScreen(Screen):
    """Both partners' rounds side by side, at the end of a drill."""

    BINDINGS = [Binding("enter", "home", "Home", priority=True),
                Binding("escape", "home", "Home")]

    def __init__(self, runner: DrillRunner):
        super().__init__()
        self.runner = runner

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("[b]Round summary[/b]", id="phase-heading")
        yield DataTable(id="summary-table", cursor_type="row")
        yield Static("", id="summary-tips")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Round", "Listener", "Speaker", "Score", "Points", "Question",
                          "Interruptions")
        tips = []
        for r in self.runner.drill.rounds:
            s = r.score
            if s is None:
                continue
            q = s.question.kind if s.question else "none"
            table.add_row(*(Text(c) for c in (  # Text: a name is not markup
                str(r.number), r.listener, r.speaker or "(passage)", str(s.overall),
                f"{s.covered}/{len(s.points)}", q,
                "-" if s.interruptions is None else str(s.interruptions))))
            if s.tips:
                tips.append(f"[b]{escape(r.listener)}[/b]: {escape(s.tips[0])}")
        self.query_one("#summary-tips", Static).update("\n".join(tips))
        table.focus()

    def action_home(self) -> None:
        self.post_message(msg.GoHome())
