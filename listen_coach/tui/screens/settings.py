"""Settings: which microphone(s), your own exercise folder, how long recordings
are kept, the shared database. Saved to the settings file, used at once."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from listen_coach.errors import UserError
from listen_coach.tui import messages as msg
from listen_coach.tui.base import coach


def device_options(app) -> tuple[list[tuple[str, str]], str]:
    """(label, setting) for every input device, "System default" first; and a
    sentence when none can be listed."""
    options = [("System default", "")]
    try:
        devices = app.list_devices()
    except UserError as exc:
        return options, str(exc)
    options += [(f"{d.name}{' (default)' if d.is_default else ''}", d.name) for d in devices]
    return options, "" if devices else "No microphone was found."


def with_value(options: list[tuple[str, str]], value: str) -> list[tuple[str, str]]:
    """A configured device not plugged in now stays choosable (and chosen)."""
    if value and value not in {v for _, v in options}:
        return [*options, (f"{value} (not connected)", value)]
    return options


class SettingsScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"),
                Binding("ctrl+s", "save", "Save")]

    def compose(self) -> ComposeResult:
        settings = coach(self).settings
        options, problem = device_options(self.app)
        yield Header(show_clock=False)
        with VerticalScroll(id="form"):
            yield Static("[b]Settings[/b]: saved to the settings file and used at once.",
                         classes="intro")
            with Horizontal(classes="row"):
                yield Label("Microphone", classes="label")
                yield Select(with_value(options, settings.audio.input_device),
                             value=settings.audio.input_device, id="input-device",
                             allow_blank=False)
            with Horizontal(classes="row"):
                yield Label("Second mic", classes="label")
                yield Select([("None (one device)", ""), *with_value(options[1:],
                              settings.audio.second_device)],
                             value=settings.audio.second_device, id="second-device",
                             allow_blank=False)
            with Horizontal(classes="row"):
                yield Label("My exercises", classes="label")
                yield Input(settings.exercise_dir, placeholder="a folder of .toml packs",
                            id="exercise-dir")
            with Horizontal(classes="row"):
                yield Label("Keep audio", classes="label")
                yield Input(str(settings.store.keep_recordings_days), id="keep-days",
                            type="integer", placeholder="days; 0 keeps recordings for ever")
            with Horizontal(classes="row"):
                yield Label("Shared database", classes="label")
                yield Input(settings.store.database, id="database",
                            placeholder="postgresql://user:password@host/db (empty: this "
                            "computer)")
            yield Static(problem, id="devices-note", classes="note")
            yield Static("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Back", id="back")
            yield Static(f"Settings file: {coach(self).settings_file()}",
                         id="settings-file", classes="note")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#input-device", Select).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "back":
            self.app.pop_screen()

    def action_save(self) -> None:
        app = self.app
        settings = coach(self).settings
        first = str(self.query_one("#input-device", Select).value or "")
        second = str(self.query_one("#second-device", Select).value or "")
        folder = self.query_one("#exercise-dir", Input).value.strip()
        days = self.query_one("#keep-days", Input).value.strip() or "0"
        database = self.query_one("#database", Input).value.strip()
        error = ("The second microphone must be another device than the first."
                 if second and second == first else
                 f"There is no folder {folder}." if folder and not
                 Path(folder).expanduser().is_dir() else
                 "Keep audio is a number of days (0 keeps recordings for ever)."
                 if not days.isdigit() else
                 "A shared database is a postgresql://… address." if database and
                 not database.startswith(("postgresql://", "postgres://")) else "")
        self.query_one("#error", Static).update(error)
        if error:
            return
        restart = database != settings.store.database
        settings.audio.input_device, settings.audio.second_device = first, second
        settings.exercise_dir = folder
        settings.store.keep_recordings_days = int(days)
        settings.store.database = database
        try:
            path = coach(self).save_settings()
        except OSError as exc:
            self.query_one("#error", Static).update(f"The settings could not be saved ({exc}).")
            return
        self.post_message(msg.SettingsChanged())
        note = " The database is used from the next start." if restart and not \
            os.environ.get("LISTEN_COACH_DB") else ""
        app.notify(f"Saved to {path}.{note}")
        app.pop_screen()
