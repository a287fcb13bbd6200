"""The speakers audit the scorer: agreement per workshop and participant, the list
of disagreements, and the facilitator's rulings on them (store/audit.py counts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from listen_coach.store.audit import (
    Agreement,
    Disagreement,
    PointVerdict,
    agreement,
    by_participant,
    by_workshop,
    disagreements,
    verdicts,
)
from listen_coach.store.records import RoundDetail
from listen_coach.tui.base import coach, later

if TYPE_CHECKING:
    from listen_coach.store.repo import Store

GROUP_COLUMNS = ("Who", "Points", "Agreed", "95% CI", "Credited", "Missed", "Ruled S/C")
LEGEND = ("[dim]Credited: the scorer gave it, the speaker did not tick it · Missed: "
          "ticked, not given · Ruled: for the speaker / the scorer[/dim]")
RULED = {"speaker": "speaker was right", "scorer": "scorer was right"}


def group_row(name: str, a: Agreement) -> tuple[str, ...]:
    lo, hi = a.interval
    return (name, str(a.points), f"{100 * (a.share or 0):.0f}%",
            f"{100 * lo:.0f}-{100 * hi:.0f}%", str(a.credited_unheard), str(a.missed_heard),
            f"{a.speaker_right}/{a.scorer_right}")


def _scorer(d: Disagreement) -> str:
    said = "heard it" if d.verdict.scorer_covered else "missed it"
    return said + ("" if d.scorer_score is None else f" {d.scorer_score:.2f}")


def _point(v: PointVerdict) -> str:
    """The point as the results screen shows it: the speaker's "I" as their name."""
    from listen_coach.scoring.person import third_person

    return third_person(v.point, v.speaker) if v.speaker else v.point


def disagreement_text(d: Disagreement, ruling: str | None, header: bool = False) -> str:
    """One disagreement as wrapped markup: the point, both verdicts, the summary's words."""
    v = d.verdict
    top = (f"[dim]{v.started_at[:10]} · {escape(v.listener)} listening to "
           f"{escape(v.speaker or '-')}[/dim]\n") if header else ""
    said = f"\n   [dim]“{escape(d.evidence)}”[/dim]" if d.evidence else ""
    return (f"{top}{escape(_point(v))}\n   {escape(v.speaker or 'speaker')}: "
            f"{'came across' if v.came_across else 'not heard'} · scorer: {_scorer(d)} · "
            f"[b]{RULED.get(ruling or '', 'not ruled')}[/b]{said}")


class AgreementScreen(Screen[bool]):
    """How often the scorer agreed with the speakers' ticks, in the rounds the review's
    filter shows; Enter on a disagreement opens its round."""

    BINDINGS = [Binding("escape", "back", "Back")]

    def __init__(self, filter_text: str = ""):
        super().__init__()
        self.filter_text = filter_text
        self.found: list[Disagreement] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("Reading the ticks…", id="agree-summary")
        yield DataTable(id="agree-groups", cursor_type="none", zebra_stripes=True)
        yield Static(LEGEND, id="agree-legend")
        yield Static("", id="diff-title")
        yield OptionList(id="disagreements")
        yield Static("[dim]Enter: open the round to rule on it · Esc: back[/dim]",
                     id="agree-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = (f"rounds matching “{escape(self.filter_text)}”" if self.filter_text
                          else "every finished pair round")
        self.query_one("#agree-groups", DataTable).add_columns(*GROUP_COLUMNS)
        self.query_one("#disagreements", OptionList).focus()
        self.load()

    def load(self) -> None:
        """Read the ticks on the session's store lane."""
        from listen_coach.tui.screens.review import matches

        def read(store: Store) -> tuple[list[PointVerdict], list[Disagreement]]:
            uids = {r.uid for r in store.rounds() if matches(r, self.filter_text)}
            points = [v for v in verdicts(store) if v.round_uid in uids]
            return points, disagreements(store, points)

        coach(self).session.with_store("Reading the ticks", read,
                                       later(self, lambda found: self._loaded(*found)))

    def _loaded(self, points: list[PointVerdict], found: list[Disagreement]) -> None:
        total = agreement(points)
        self.query_one("#agree-summary", Static).update(escape(total.sentence()))
        groups = self.query_one("#agree-groups", DataTable)
        groups.clear()
        if points:
            rows = [group_row("All", total)]
            workshops = by_workshop(points)
            if len(workshops) > 1:
                rows += [group_row(f"Workshop {name}", a) for name, a in workshops.items()]
            rows += [group_row(name, a) for name, a in by_participant(points).items()]
            groups.add_rows([tuple(Text(c) for c in row) for row in rows])  # names, not markup
        self.found = found
        self.query_one("#diff-title", Static).update(
            f"[b]Where they disagreed[/b] ({len(found)}, newest first)" if found else
            "[b]No disagreements[/b]" if points else "")
        options = self.query_one("#disagreements", OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_options([Option(disagreement_text(d, d.verdict.ruling, header=True))
                             for d in found])
        if found:
            options.highlighted = min(keep or 0, len(found) - 1)

    @on(OptionList.OptionSelected, "#disagreements")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option_index)

    def _open(self, index: int) -> None:
        from listen_coach.tui.screens.review import RoundDetailScreen

        if 0 <= index < len(self.found):
            self.app.push_screen(RoundDetailScreen(self.found[index].verdict.round_uid),
                                 self._reload)

    def _reload(self, _changed: bool | None) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(True)


def disagreements_of(d: RoundDetail) -> list[Disagreement]:
    """The points of one stored round where the speaker's tick and the scorer differ."""
    r = d.row
    scored = (d.score or {}).get("points", [])
    summary = d.phases["summary"].text if "summary" in d.phases else ""
    out = []
    for i, point, tick, scorer in d.confirmations:
        if bool(tick) == bool(scorer):
            continue
        ruling = d.rulings.get(i)
        match = scored[i].get("match", {}) if i < len(scored) else {}
        confidence = match.get("score")
        out.append(Disagreement(
            PointVerdict(r.uid, r.started_at, r.workshop, r.listener, r.speaker,
                         r.exercise_title or r.exercise, i, point, bool(tick), bool(scorer),
                         ruling.verdict if ruling else None, ruling.by if ruling else None,
                         ruling.at if ruling else None),
            match.get("evidence"),
            float(confidence) if isinstance(confidence, int | float) else None, summary))
    return out


class RulingScreen(ModalScreen[bool]):
    """Rule on each disagreement of a round: the speaker was right, or the scorer."""

    BINDINGS = [Binding("s", "rule('speaker')", "Speaker was right"),
                Binding("c", "rule('scorer')", "Scorer was right"),
                Binding("x", "rule('')", "Clear"),
                Binding("escape", "done", "Done")]

    def __init__(self, uid: str, items: list[Disagreement]):
        super().__init__()
        self.uid = uid
        self.items = items
        self.rulings = {d.verdict.index: d.verdict.ruling for d in items}
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Label("[b]Where the speaker's tick and the scorer differ[/b]")
            yield OptionList(*[Option(disagreement_text(d, d.verdict.ruling), id=str(k))
                               for k, d in enumerate(self.items)], id="rulings")
            yield Static("[dim]s: the speaker was right · c: the scorer was right · "
                         "x: clear · Esc: done[/dim]")

    def action_rule(self, verdict: str) -> None:
        options = self.query_one("#rulings", OptionList)
        k = options.highlighted
        if k is None:
            return
        d = self.items[k]
        self.rulings[d.verdict.index] = verdict or None
        options.replace_option_prompt_at_index(k, disagreement_text(d, verdict or None))
        self._save(d.verdict.index, verdict or None)
        self.changed = True

    def _save(self, index: int, verdict: str | None) -> None:
        coach(self).session.rule(self.uid, index, verdict)

    def action_done(self) -> None:
        self.dismiss(self.changed)
