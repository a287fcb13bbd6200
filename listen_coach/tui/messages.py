"""What screens ask the app for, as Textual messages.

A screen posts one of these (they bubble up to the app); the app hands it to
the drill session (drill/session.py), which does the work on its lanes and
answers with events (drill/events.py) that come back as `SessionMessage`. So a
screen never calls into the app, and never waits on a database or a model.
Each is in the "coach" namespace, so none is taken for a Textual event of the
same name (a mouse `Leave`) on its way up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from textual.message import Message

from listen_coach.drill.events import SessionEvent
from listen_coach.drill.machine import Timing

if TYPE_CHECKING:
    from listen_coach.drill.runner import DrillRunner
    from listen_coach.turns.one_mic import Enrolment


class SessionMessage(Message, namespace="coach"):
    """An event of the drill session, delivered on the UI thread."""

    def __init__(self, event: SessionEvent):
        super().__init__()
        self.event = event


class StartPair(Message, namespace="coach"):
    def __init__(self, partners: tuple[str, str], card_id: str, timing: Timing,
                 two_channel: bool = False, workshop: str | None = None,
                 voices: tuple[Enrolment, Enrolment] | None = None):
        super().__init__()
        self.partners, self.card_id, self.timing = partners, card_id, timing
        self.two_channel, self.workshop, self.voices = two_channel, workshop, voices


class StartSolo(Message, namespace="coach"):
    def __init__(self, name: str, passage_id: str, rate: str, timing: Timing):
        super().__init__()
        self.name, self.passage_id, self.rate, self.timing = name, passage_id, rate, timing


class StartDemo(Message, namespace="coach"):
    """Play the bundled demo round."""


class _OfRunner(Message, namespace="coach"):
    def __init__(self, runner: DrillRunner):
        super().__init__()
        self.runner = runner


class Record(_OfRunner, namespace="coach"):
    """Record the drill's current phase until `should_stop()`."""

    def __init__(self, runner: DrillRunner, should_stop: Callable[[], bool]):
        super().__init__(runner)
        self.should_stop = should_stop


class Play(_OfRunner, namespace="coach"):
    """Solo drill: play the passage until `should_stop()`."""

    def __init__(self, runner: DrillRunner, should_stop: Callable[[], bool]):
        super().__init__(runner)
        self.should_stop = should_stop


class Listened(_OfRunner, namespace="coach"):
    """Solo drill: the passage was heard; the summary starts."""


class Confirmed(_OfRunner, namespace="coach"):
    def __init__(self, runner: DrillRunner, came_across: list[bool]):
        super().__init__(runner)
        self.came_across = came_across


class Finished(_OfRunner, namespace="coach"):
    def __init__(self, runner: DrillRunner, then: Literal["next", "retry", "home"]):
        super().__init__(runner)
        self.then = then


class Leave(_OfRunner, namespace="coach"):
    """Leave the round mid-way (it is kept, marked as not finished)."""


class GoHome(Message, namespace="coach"):
    pass


class StatusWanted(Message, namespace="coach"):
    """The home screen is showing: fill in its status lines."""


class SettingsChanged(Message, namespace="coach"):
    """Settings were saved: reread the packs, show the new microphone."""
