"""The facilitator's review: every round in a filterable, sortable table, a
participant's trend, how far the scorer agreed with the speakers, a round's
detail, notes, rulings and score overrides."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Sparkline, Static

from listen_coach.scoring.stored import score_from_dict
from listen_coach.store.audit import PointVerdict, agreement, verdicts
from listen_coach.store.records import RoundDetail, RoundRow
from listen_coach.tui.base import coach, later
from listen_coach.tui.screens.results import results_text

if TYPE_CHECKING:
    from listen_coach.store.repo import Store

#: Seconds between re-reads of the rounds while the review is open, so rounds that
#: other stations finish (a shared database) and their ticks come in by themselves.
REFRESH_S = 15.0
COLUMNS = ("Date", "Participant", "Partner", "Exercise", "Score", "Interruptions")


def _sort_key(row: RoundRow, column: int):
    values = (row.started_at, row.listener.casefold(), (row.speaker or "").casefold(),
              (row.exercise_title or row.exercise).casefold(),
              -1 if row.score is None else row.score,
              -1 if row.interruptions is None else row.interruptions)
    return values[column]


def _score_cell(row: RoundRow) -> str:
    if row.score is None:
        return ""
    return f"{row.score}*" if row.override_score is not None else str(row.score)


def matches(row: RoundRow, text: str) -> bool:
    """Every word of the filter starts a word of the participant, partner, exercise or
    workshop ("Tom" finds Tom and Tomasz, not "customer")."""
    hay = re.findall(r"\w+", " ".join([row.listener, row.speaker or "", row.exercise,
                                        row.exercise_title, row.workshop or ""]).casefold())
    return all(any(w.startswith(word) for w in hay)
               for word in re.findall(r"\w+", text.casefold()))


class ReviewScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                Binding("slash", "filter", "Filter"),
                Binding("a", "agreement", "Scorer vs speakers"),
                Binding("1", "sort(0)", "Sort: date", show=False),
                Binding("2", "sort(1)", "participant", show=False),
                Binding("3", "sort(2)", "partner", show=False),
                Binding("4", "sort(3)", "exercise", show=False),
                Binding("5", "sort(4)", "score", show=False),
                Binding("6", "sort(5)", "interruptions", show=False),
                Binding("enter", "open", "Open round", show=False)]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[RoundRow] = []
        self.shown: list[RoundRow] = []
        self.verdicts: list[PointVerdict] = []
        self.sort_column, self.descending = 0, True

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(placeholder="Filter: participant, partner, exercise or workshop (/)",
                    id="filter")
        yield DataTable(id="rounds", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="trend-row"):
            yield Static("", id="trend-label")
            yield Sparkline([], id="trend")
        yield Static("", id="agreement")
        yield Static("[dim]Enter: open · 1-6: sort (again: reverse) · /: filter · "
                     "a: scorer vs speakers[/dim]", id="review-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.query_one(DataTable).focus()
        self.load()
        self.set_interval(REFRESH_S, self.load)

    def load(self) -> None:
        """Read the rounds on the session's store lane (a shared database may be slow
        or gone); an error is told by the session, and the table stays as it was."""
        coach(self).session.with_store(
            "Reading the rounds", lambda store: (store.rounds(), verdicts(store)),
            later(self, lambda found: self._loaded(*found)))

    def _loaded(self, rows: list[RoundRow], points: list[PointVerdict]) -> None:
        if self.rows and rows == self.rows and points == self.verdicts:
            return  # a periodic re-read that found nothing new: leave the cursor be
        self.rows, self.verdicts = rows, points
        self.refresh_table()
        if not rows:
            self.query_one("#trend-label", Static).update(
                "No finished rounds yet: run a pair or solo drill first.")

    def refresh_table(self) -> None:
        text = self.query_one("#filter", Input).value
        shown = [r for r in self.rows if matches(r, text)]
        shown.sort(key=lambda r: _sort_key(r, self.sort_column), reverse=self.descending)
        self.shown = shown
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        # Text, not str: a DataTable reads a str cell as markup, and a name is not markup.
        table.add_rows([tuple(Text(c) for c in (
            r.started_at[:16].replace("T", " "), r.listener, r.speaker or "-",
            r.exercise_title or r.exercise, _score_cell(r),
            "-" if r.interruptions is None else str(r.interruptions))) for r in shown])
        if shown:
            table.move_cursor(row=min(cursor, len(shown) - 1))
        self.sub_title = f"{len(shown)} of {len(self.rows)} rounds"
        uids = {r.uid for r in shown}
        agreed = agreement(v for v in self.verdicts if v.round_uid in uids)
        self.query_one("#agreement", Static).update(
            escape(agreed.sentence()) if agreed.points else
            "[dim]Agreement with the speakers shows once pair rounds are ticked.[/dim]")

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.refresh_table()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_sort(self, column: int) -> None:
        if self.sort_column == column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, column in (0, 4)
        self.refresh_table()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.action_sort(event.column_index)

    @on(DataTable.RowHighlighted)
    def _trend(self, event: DataTable.RowHighlighted) -> None:
        if not 0 <= event.cursor_row < len(self.shown):
            return
        person = self.shown[event.cursor_row].listener
        scores = [r.score for r in sorted(self.rows, key=lambda r: r.started_at)
                  if r.listener == person and r.score is not None]
        label = f"[b]{escape(person)}[/b]: {len(scores)} round(s)"
        if len(scores) > 1:
            label += f", {scores[0]} → {scores[-1]}"
        theirs = agreement(v for v in self.verdicts if v.listener == person)
        if theirs.points:
            label += f"; scorer agreed {100 * (theirs.share or 0):.0f}% of {theirs.points} points"
        self.query_one("#trend-label", Static).update(label)
        self.query_one("#trend", Sparkline).data = scores or [0]

    @on(DataTable.RowSelected)
    def _open(self, event: DataTable.RowSelected) -> None:
        self._open_row(event.cursor_row)

    def action_open(self) -> None:
        self._open_row(self.query_one(DataTable).cursor_row)

    def _open_row(self, index: int) -> None:
        if 0 <= index < len(self.shown):
            self.app.push_screen(RoundDetailScreen(self.shown[index].uid), self._reload)

    def _reload(self, _changed: bool | None) -> None:
        self.load()

    def action_agreement(self) -> None:
        from listen_coach.tui.screens.audit import AgreementScreen

        text = self.query_one("#filter", Input).value
        self.app.push_screen(AgreementScreen(text), self._reload)


RULED = {"speaker": "speaker was right", "scorer": "scorer was right"}


class RoundDetailScreen(Screen[bool]):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("n", "note", "Add note"),
                Binding("o", "override", "Override score"),
                Binding("j", "rule", "Rule on a disagreement")]

    def __init__(self, uid: str):
        super().__init__()
        self.uid = uid
        self.detail: RoundDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="results"):
            yield Static("Loading…", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        """Read the round on the session's store lane (a shared database may be slow
        or gone)."""
        coach(self).session.with_store("Reading the round",
                                       lambda store: store.round_detail(self.uid),
                                       later(self, self._shown))

    def _show_text(self, text: str) -> None:
        self.query_one("#detail", Static).update(text)

    def _shown(self, d: RoundDetail | None) -> None:
        self.detail = d
        if d is None:
            self._show_text("This round no longer exists.")
            return
        r = d.row
        parts = [f"[b]{escape(r.exercise_title or r.exercise)}[/b] · "
                 f"{r.started_at[:16].replace('T', ' ')}"
                 + (f" · workshop {escape(r.workshop)}" if r.workshop else "")]
        if r.override_score is not None:
            parts.append(f"[b]Facilitator's score {r.override_score}[/b] (scorer said "
                         f"{r.scorer_score}): {escape(d.override_reason or '')}")
        ticked = [(i, c, m) for i, _, c, m in d.confirmations]
        if ticked:
            agreed = sum(c == m for _, c, m in ticked)
            parts.append(f"The scorer agreed with {escape(r.speaker or 'the speaker')}'s ticks "
                         f"on {agreed} of {len(ticked)} points (its confidence, 0-1, beside "
                         "each)" + (" · j: rule on a disagreement" if agreed < len(ticked)
                                    else "") + ".")
        speak = d.phases.get("speak")
        summary = d.phases.get("summary")
        if d.score:
            confirmed = [c for _, _, c, _ in d.confirmations] or None
            rulings = {i: f"{RULED[x.verdict]} ({x.by})" for i, x in d.rulings.items()}
            parts.append(results_text(
                score_from_dict(d.score), r.listener, r.speaker or "",
                speak.turns if speak and speak.turns else None,
                speak.seconds if speak else 0.0, confirmed,
                rulings=rulings if ticked else None,
                scorer_said=[m for _, m in sorted((i, m) for i, _, m in ticked)] or None))
        else:
            parts.append("[dim]Not scored.[/dim]")
        if speak and speak.text and r.speaker:
            parts += ["", f"[b]What {escape(r.speaker)} said[/b]", escape(speak.text)]
        if summary and summary.text:
            parts += ["", f"[b]What {escape(r.listener)} said back[/b]", escape(summary.text)]
        if d.notes:
            parts += ["", "[b]Notes[/b]"] + [f"  • {escape(n.text)} [dim]{n.created_at[:16]}[/dim]"
                                             for n in d.notes]
        parts += ["", "[dim]n: add a note · o: override the score · j: rule on a disagreement"
                      " · Esc: back[/dim]"]
        self._show_text("\n".join(parts))

    def action_rule(self) -> None:
        from listen_coach.tui.screens.audit import RulingScreen, disagreements_of

        d = self.detail
        items = disagreements_of(d) if d is not None else []
        if not items:
            self.notify("The speaker and the scorer agreed on every point of this round "
                        "(or it was not ticked): nothing to rule on.")
            return
        self.app.push_screen(RulingScreen(self.uid, items), self._ruled)

    def _ruled(self, _changed: bool | None) -> None:
        self.show()

    def action_back(self) -> None:
        self.dismiss(True)

    def _store_write(self, what: str, *args: object) -> None:
        """A note or an override, written on the session's store lane; then the
        round again."""
        def write(store: Store) -> str | None:
            getattr(store, what)(self.uid, *args)
            return store.problem

        coach(self).session.with_store("Saving to the round", write,
                                       later(self, self._written))

    def _written(self, problem: str | None) -> None:
        if problem:
            self.notify(problem, severity="warning")
        self.show()

    def action_note(self) -> None:
        def save(text: str | None) -> None:
            if text:
                self._store_write("add_note", text)

        self.app.push_screen(NoteScreen(), save)

    def action_override(self) -> None:
        def save(value: tuple[int | None, str] | None) -> None:
            if value is not None:
                self._store_write("override_score", *value)

        self.app.push_screen(OverrideScreen(), save)


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("A note on this round (Enter saves):")
            yield Input(id="note")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class OverrideScreen(ModalScreen[tuple[int | None, str] | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Your score, 0-100 (empty clears the override):")
            yield Input(id="score", type="integer")
            yield Label("Why (required):")
            yield Input(id="reason")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "score":
            self.query_one("#reason", Input).focus()
        else:
            self._save()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        raw = self.query_one("#score", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip()
        score = int(raw) if raw else None
        if score is not None and not 0 <= score <= 100:
            self.query_one("#error", Static).update("The score must be between 0 and 100.")
            return
        if score is not None and not reason:
            self.query_one("#error", Static).update("Say why, so others know.")
            return
        self.dismiss((score, reason))
