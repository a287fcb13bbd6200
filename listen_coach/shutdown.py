"""Leaving the process while native model code may still be running.

The speech model (CTranslate2) and the point scorer (onnxruntime) run in threads of
their own: the live captions, the final passes, the scoring pool. If the app closes
while one of them is inside a model call, the interpreter tears the model's native
objects down under it and the C++ runtime aborts the process ("terminate called
without an active exception", exit 134): the user sees a crash on quit. So the app
waits a moment for those threads, and if one is still busy, leaves at once without
the native teardown. Everything the app saves is written before its workers
return, and SQLite commits are atomic, so nothing saved is lost by leaving early.
"""

from __future__ import annotations

import os
import sys
import threading
import time

#: Threads that run the speech model (asr/live.py, asr/incremental.py,
#: drill/runner.py) or load and score (the drill session's `models` and `score`
#: lanes, drill/lanes.py; a lane's thread ends when it is idle), by name.
MODEL_THREADS = ("live-captions", "summary-final-pass", "final-transcript",
                 "session-models", "session-score")
#: How long quitting waits for them: a live-caption decode takes under a second on
#: 2 cores, a final pass window about as long.
WAIT_S = 3.0


def _busy() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.is_alive() and t.name in MODEL_THREADS]


def settle(code: int, wait_s: float = WAIT_S) -> int:
    """Wait up to `wait_s` for model work to end; if some has not, exit with `code`
    now (no interpreter teardown). Returns `code` when it is safe to exit normally.
    The point scorer's pool threads idle between jobs and never end by themselves,
    so its work is counted by the model (presence.PresenceModel.busy)."""
    deadline = time.monotonic() + wait_s
    for thread in _busy():
        thread.join(max(0.0, deadline - time.monotonic()))
    while _scoring_in_flight() and time.monotonic() < deadline:
        time.sleep(0.05)
    if _busy() or _scoring_in_flight():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _scoring_in_flight() -> bool:
    """A scoring job still running in the point scorer's pool."""
    presence = sys.modules.get("listen_coach.scoring.presence")  # never loaded: not busy
    return presence is not None and presence.in_use()
