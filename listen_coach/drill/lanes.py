"""Worker lanes: named background threads that run jobs one after another.

A drill session (drill/session.py) never does slow work on the caller's thread,
which in the app is the UI thread: a database that takes several connection
timeouts to answer, a model load or a scoring pass would freeze the keys. Each
kind of work gets its own lane, so a slow database write never waits behind
scoring, and work of one kind stays in order (a round's start is written before
its phases). A job that raises does not end the lane or the app: `failed` is
told what was being done and why, in words a person can act on.

A lane's thread ends when its queue is empty and starts again with the next job,
so an idle session holds no threads and leaving the app waits for nothing but
work in progress (listen_coach/shutdown.py looks for the busy lanes by name).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: The prefix of every lane's thread name (shutdown.py waits for busy ones).
THREAD_PREFIX = "session-"


class Lane:
    """Run submitted jobs in order on one background thread."""

    def __init__(self, name: str, failed: Callable[[str, Exception], None]):
        self.name = name
        self._failed = failed
        self._jobs: queue.Queue[tuple[str, Callable[..., Any], tuple[Any, ...]]] = queue.Queue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        self._pending = 0

    @property
    def busy(self) -> bool:
        """Whether a job is queued or running."""
        with self._lock:
            return self._pending > 0

    def submit(self, what: str, job: Callable[..., Any], *args: Any) -> None:
        """Queue `job(*args)`; `what` names it in the sentence shown if it fails
        ("Scoring the round")."""
        with self._lock:
            self._pending += 1
            self._jobs.put((what, job, args))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name=THREAD_PREFIX + self.name)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every queued job has run (tests, the CLI, leaving); False if
        `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if self._jobs.empty():
                    self._thread = None
                    return
                what, job, args = self._jobs.get_nowait()
            try:
                job(*args)
            except Exception as exc:  # noqa: BLE001 - told as a sentence, never raised
                log.exception("%s failed", what)
                try:
                    self._failed(what, exc)
                except Exception:  # noqa: BLE001 - the lane must outlive its listener
                    log.exception("reporting that %s failed, failed", what)
            finally:
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()
