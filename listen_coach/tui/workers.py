"""Background work that never takes the app down.

Textual's thread workers end the app on an exception by default (`exit_on_error`).
A damaged model, a database that vanished or a bug in one scoring step must not
lose a workshop's session: `background` runs the method in a thread worker and
turns any exception into one sentence on screen (`ListenCoachApp.worker_failed`);
what was recorded and saved before stays saved, and an unfinished round is offered
for resume at the next start.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from textual import work

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])


def background(what: str, group: str, exclusive: bool = True) -> Callable[[F], F]:
    """Run the decorated method in a thread worker; `what` names the work in the
    sentence shown if it fails ("Scoring the round")."""
    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return fn(self, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - shown as a sentence, never raised
                log.exception("%s failed", what)
                app = self.app
                handler = getattr(app, "worker_failed", None)
                if handler is not None:
                    app.call_from_thread(handler, what, exc)
                return None

        return work(thread=True, exclusive=exclusive, group=group,  # type: ignore[return-value]
                    exit_on_error=False)(run)

    return decorate
