"""Privacy and housekeeping: forgetting a participant, pruning old recordings.

`forget` removes a person from everything listen-coach keeps: the database, the
recordings, and the lines of any judgment export (judgments.py) that hold rounds
they took part in.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update

from listen_coach.store import schema as s
from listen_coach.store.db import StoreError
from listen_coach.store.records import Forgotten
from listen_coach.store.repo import Store


def forget(store: Store, participant: str) -> Forgotten:
    """Remove a participant, every round they listened or spoke in, the recordings,
    and those rounds' lines in judgment exports.

    Rounds where they were the speaker go too: those recordings hold their voice."""
    from listen_coach.store.judgments import scrub

    store._ensure()
    with store.engine.connect().execution_options(write=True) as conn, conn.begin():
        pid = conn.execute(select(s.participants.c.id)
                           .where(s.participants.c.name == participant)).scalar()
        if pid is None:
            raise StoreError(f"No participant called {participant!r}; "
                             "`listen-coach export` lists everyone.")
        mine = or_(s.rounds.c.listener_id == pid, s.rounds.c.speaker_id == pid)
        found = list(conn.execute(select(s.rounds.c.id, s.rounds.c.uid).where(mine)))
        ids = [rid for rid, _ in found]
        files = list(conn.execute(select(s.phases.c.recording).where(
            and_(s.phases.c.round_id.in_(ids), s.phases.c.recording.is_not(None)))).scalars())
        conn.execute(delete(s.rounds).where(s.rounds.c.id.in_(ids)))
        conn.execute(delete(s.participants).where(s.participants.c.id == pid))
        empty = select(s.rounds.c.session_id).distinct()
        conn.execute(delete(s.sessions).where(s.sessions.c.id.not_in(empty)))
    removed = 0
    for rel in files:
        path = store.data_path / rel
        if path.exists():
            path.unlink()
            removed += 1
    rewritten, skipped = scrub(store, {uid for _, uid in found})
    return Forgotten(participant, len(ids), removed, rewritten, tuple(skipped))


def prune_recordings(store: Store, keep_days: int) -> int:
    """Delete recordings older than `keep_days` (0 keeps them for ever)."""
    if keep_days <= 0:
        return 0
    cutoff = (datetime.now(UTC) - timedelta(days=keep_days)).isoformat(timespec="seconds")
    store._ensure()
    with store.engine.connect().execution_options(write=True) as conn, conn.begin():
        old = list(conn.execute(select(s.phases.c.id, s.phases.c.recording).where(and_(
            s.phases.c.recording.is_not(None), s.phases.c.started_at < cutoff))))
        for pid, rel in old:
            (store.data_path / rel).unlink(missing_ok=True)
            conn.execute(update(s.phases).where(s.phases.c.id == pid).values(recording=None))
    return len(old)
