"""The facilitator's review: every round in a filterable, sortable table, a
participant's trend, a round's detail, notes and score overrides."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Sparkline, Static

from listen_coach.errors import UserError
from listen_coach.store.records import RoundRow
from listen_coach.tui.screens.results import results_text

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
    """Every word of the filter appears in the participant, partner, exercise or workshop."""
    hay = " ".join([row.listener, row.speaker or "", row.exercise, row.exercise_title,
                    row.workshop or ""]).casefold()
    return all(word in hay for word in text.casefold().split())


class ReviewScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                Binding("slash", "filter", "Filter"),
                Binding("1", "sort(0)", "Sort: date", show=False),
                Binding("2", "sort(1)", "participant", show=False),
                Binding("3", "sort(2)", "partner", show=False),
                Binding("4", "sort(3)", "exercise", show=False),
                Binding("5", "sort(4)", "score", show=False),
                Binding("6", "sort(5)", "interruptions", show=False),
                Binding("enter", "open", "Open round", show=False)]

    def __init__(self):
        super().__init__()
        self.rows: list[RoundRow] = []
        self.shown: list[RoundRow] = []
        self.sort_column, self.descending = 0, True

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Input(placeholder="Filter: participant, partner, exercise or workshop (/)",
                    id="filter")
        yield DataTable(id="rounds", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="trend-row"):
            yield Static("", id="trend-label")
            yield Sparkline([], id="trend")
        yield Static("[dim]Enter: open a round · 1-6: sort by column (again: reverse) · "
                     "/: filter[/dim]", id="review-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        self.query_one(DataTable).focus()
        self.load()

    @work(thread=True, exclusive=True, group="review")
    def load(self) -> None:
        try:
            rows = self.app.store.rounds()  # type: ignore[attr-defined]
        except UserError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            rows = []
        self.app.call_from_thread(self._loaded, rows)

    def _loaded(self, rows: list[RoundRow]) -> None:
        self.rows = rows
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
        table.clear()
        table.add_rows([(r.started_at[:16].replace("T", " "), r.listener, r.speaker or "-",
                         r.exercise_title or r.exercise, _score_cell(r),
                         "-" if r.interruptions is None else str(r.interruptions))
                        for r in shown])
        self.sub_title = f"{len(shown)} of {len(self.rows)} rounds"

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


class RoundDetailScreen(Screen[bool]):
    BINDINGS = [Binding("escape", "back", "Back"), Binding("n", "note", "Add note"),
                Binding("o", "override", "Override score")]

    def __init__(self, uid: str):
        super().__init__()
        self.uid = uid

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="results"):
            yield Static("Loading…", id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        try:
            d = self.app.store.round_detail(self.uid)  # type: ignore[attr-defined]
        except UserError as exc:
            self.query_one("#detail", Static).update(escape(str(exc)))
            return
        if d is None:
            self.query_one("#detail", Static).update("This round no longer exists.")
            return
        r = d.row
        parts = [f"[b]{escape(r.exercise_title or r.exercise)}[/b] · "
                 f"{r.started_at[:16].replace('T', ' ')}"
                 + (f" · workshop {escape(r.workshop)}" if r.workshop else "")]
        if r.override_score is not None:
            parts.append(f"[b]Facilitator's score {r.override_score}[/b] (scorer said "
                         f"{r.scorer_score}): {escape(d.override_reason or '')}")
        speak = d.phases.get("speak")
        summary = d.phases.get("summary")
        if d.score:
            confirmed = [c for _, _, c, _ in d.confirmations] or None
            parts.append(results_text(
                d.score, r.listener, r.speaker or "",
                speak.turns if speak and speak.turns else None,
                speak.seconds if speak else 0.0, confirmed))
        else:
            parts.append("[dim]Not scored.[/dim]")
        if speak and speak.text and r.speaker:
            parts += ["", f"[b]What {escape(r.speaker)} said[/b]", escape(speak.text)]
        if summary and summary.text:
            parts += ["", f"[b]What {escape(r.listener)} said back[/b]", escape(summary.text)]
        if d.notes:
            parts += ["", "[b]Notes[/b]"] + [f"  • {escape(n.text)} [dim]{n.created_at[:16]}[/dim]"
                                             for n in d.notes]
        parts += ["", "[dim]n: add a note · o: override the score · Esc: back[/dim]"]
        self.query_one("#detail", Static).update("\n".join(parts))

    def action_back(self) -> None:
        self.dismiss(True)

    def action_note(self) -> None:
        def save(text: str | None) -> None:
            if text:
                self.app.store.add_note(self.uid, text)  # type: ignore[attr-defined]
                self.show()

        self.app.push_screen(NoteScreen(), save)

    def action_override(self) -> None:
        def save(value: tuple[int | None, str] | None) -> None:
            if value is None:
                return
            try:
                self.app.store.override_score(self.uid, *value)  # type: ignore[attr-defined]
            except UserError as exc:
                self.notify(str(exc), severity="error")
                return
            self.show()

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
