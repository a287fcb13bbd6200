"""Typed access to the app from a screen (its settings, library and session), and
results from the session's lanes handed safely to a screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.dom import DOMNode
from textual.screen import Screen

if TYPE_CHECKING:
    from listen_coach.tui.app import ListenCoachApp


def coach(node: DOMNode) -> ListenCoachApp:
    """The listen-coach app `node` belongs to (screens read its settings, library
    and session; they ask it for things by message, tui/messages.py)."""
    from listen_coach.tui.app import ListenCoachApp

    app = node.app
    assert isinstance(app, ListenCoachApp), type(app)
    return app


def later(screen: Screen, fn: Callable[..., None]) -> Callable[..., None]:
    """`fn` made safe for a session lane to call with a result: it runs on the UI
    thread, and only while `screen` is still up (a screen closed while its read
    was queued is not drawn on; an app that has quit is not asked)."""
    app = screen.app

    def run(*args: Any) -> None:
        if screen.is_attached:
            fn(*args)

    def call(*args: Any) -> None:
        try:
            app.call_from_thread(run, *args)
        except RuntimeError:  # the app is no longer running
            pass

    return call
