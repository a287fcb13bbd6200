"""What a drill session does as the app opens, and while it sits idle: the models
warmed up so the first captions and results come quickly; the store opened, old
recordings pruned and the last unfinished round offered; and writes the outbox
kept sent once the database is back. The session runs each on one of its lanes
(drill/session.py); what happened comes back as events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from listen_coach.drill.events import Listener, Notice, Resumable, StatusChanged
from listen_coach.errors import UserError

if TYPE_CHECKING:
    from listen_coach.asr.transcriber import Transcriber
    from listen_coach.store.repo import Store


def warm_up(transcriber: Transcriber, emit: Listener) -> None:
    """Load the speech model (its state goes to the home screen) and run every part
    of the scorer once."""
    try:
        transcriber.load()
        state = "ready"
    except UserError as exc:
        state = str(exc)
    emit(StatusChanged("models", state))
    try:
        from listen_coach.scoring.report import score_round

        score_round("I stayed late three nights.", "You stayed late three nights?")
    except UserError:
        pass


def check_store(open_store: Callable[[], Store], keep_days: int, emit: Listener) -> None:
    """Open the store, write what the outbox kept, prune recordings older than
    `keep_days`, and offer the last unfinished round."""
    try:
        store = open_store()
        store.try_flush()
        store.prune_recordings(keep_days)
        left = store.unfinished()
        emit(StatusChanged("store", store.status_line()))
    except UserError as exc:
        emit(StatusChanged("store", f"✘ Sessions: {exc}"))
        return
    if left:
        detail = store.round_detail(left[-1].uid)
        emit(Resumable(left[-1], tuple(sorted(detail.phases)) if detail else ()))


def flush(store: Store | None, emit: Listener) -> None:
    """Write what the outbox kept, if the database is back; say so when it was."""
    if store is None or not store.pending():
        return
    before, state = store.pending(), store.status_line()
    store.try_flush()
    if store.status_line() != state:
        emit(StatusChanged("store", store.status_line()))
    if not store.pending():
        emit(Notice(f"The database is back: {before} kept change(s) were written."))
