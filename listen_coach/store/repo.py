"""The one data layer: every read and write of sessions, rounds, scores and notes.

Writes are small named operations keyed by uid (`begin_round`, `save_phase`, ...),
each idempotent. When the database cannot be reached (a PostgreSQL server gone,
a network cable out), the operation is retried a few times and then appended to a
local outbox file; later writes flush the outbox first, in order. So a round is
never lost to a lost connection, and the app can say exactly what is pending.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from listen_coach.store import schema as s
from listen_coach.store.db import (
    StoreError,
    database_url,
    make_engine,
    migrate,
    private_dir,
    reason,
    unreachable,
)
from listen_coach.store.outbox import Outbox
from listen_coach.store.reads import StoreReads
from listen_coach.store.records import (
    RULINGS,
    Forgotten,
    Note,
    PhaseRecord,
    RoundDetail,
    RoundRow,
    RoundStart,
    Ruling,
    new_uid,
    now,
)
from listen_coach.turns.overlaps import OverlapEvent

__all__ = ["Forgotten", "Note", "PhaseRecord", "RoundDetail", "RoundRow", "RoundStart",
           "Ruling", "Store", "new_uid", "now", "open_store"]

log = logging.getLogger(__name__)

#: Waits between attempts at a write before it goes to the outbox: long enough to
#: ride out a server restart or a Wi-Fi hiccup, short enough not to stall a drill.
RETRY_DELAYS_S = (0.2, 0.5, 1.0)



class Store(StoreReads):
    """Sessions on SQLite or PostgreSQL, with a local outbox for writes that fail.
    The reads are in reads.py."""

    def __init__(self, engine: Engine, data_path: Path):
        self.engine = engine
        self.data_path = Path(data_path)
        self.outbox = Outbox(self.data_path)
        self._migrated = False
        self.problem: str | None = None  # the last write problem, for the status line

    # ----- plumbing ---------------------------------------------------------------

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        url = self.engine.url
        if self.backend == "sqlite":
            return str(url.database)
        return f"{url.host or 'localhost'}/{url.database}"

    def _ensure(self) -> None:
        if not self._migrated:
            try:
                migrate(self.engine)
            except DBAPIError as exc:
                # Unreachable, locked or busy (OperationalError) is for the caller to
                # retry; anything else on SQLite is a file that is not a database, or
                # a damaged one.
                if unreachable(exc) or self.backend != "sqlite":
                    raise
                raise StoreError(
                    f"The sessions file {self.describe()} cannot be opened ({reason(exc)}); "
                    "it is damaged or not a listen-coach database. Move it aside (the "
                    "recordings beside it are not affected) and listen-coach starts a new "
                    "one.") from None
            except OSError as exc:
                raise StoreError(f"The data folder {self.data_path} cannot be used "
                                 f"({exc.strerror or exc}).") from None
            self._migrated = True

    @contextmanager
    def reached(self, doing: str = "read") -> Iterator[None]:
        """Work that must reach the database now (reads, `forget`, pruning): an
        unreachable one is a StoreError saying so, not a driver traceback."""
        try:
            yield
        except DBAPIError as exc:
            if not unreachable(exc):
                raise
            raise StoreError(f"The database at {self.describe()} cannot be {doing} "
                             f"({reason(exc)}).") from None

    def read(self, fn: Callable[[Connection], Any]) -> Any:
        with self.reached():
            self._ensure()
            with self.engine.connect() as conn:
                return fn(conn)

    def _run(self, op: str, args: dict) -> None:
        self._ensure()
        with self.engine.connect().execution_options(write=True) as conn, conn.begin():
            getattr(self, f"_op_{op}")(conn, **args)

    def status_line(self) -> str:
        """Where rounds are saved, and whether kept writes wait, for the home screen."""
        where = ("saved on this computer" if self.backend == "sqlite" else
                 f"shared database {self.describe()}")
        if self.pending():
            return (f"✘ Sessions: {where} cannot be reached; {self.pending()} change(s) "
                    "kept on this computer, written when it is back"
                    if self.problem else
                    f"✔ Sessions: {where} ({self.pending()} change(s) waiting to be written)")
        return f"✔ Sessions: {where}"

    def pending(self) -> int:
        """Writes waiting in the outbox for the database to come back."""
        return len(self.outbox)

    def flush(self) -> int:
        """Write what the outbox holds, in order; returns how many were written. The
        outbox stays locked throughout, so a write kept meanwhile waits its turn."""
        with self.outbox.locked():
            items = self.outbox.items()
            if not items:
                return 0
            done = 0
            try:
                for item in items:
                    self._run(item["op"], item["args"])
                    done += 1
            finally:
                self.outbox.keep(items[done:])
        return done

    def try_flush(self) -> bool:
        """Flush if the database can be reached; False (and `problem` set) if not."""
        try:
            self.flush()
        except DBAPIError as exc:
            if not unreachable(exc):
                raise
            self.problem = (f"The database at {self.describe()} cannot be reached "
                            f"({reason(exc)}); {self.pending()} change(s) are kept on this "
                            "computer and will be written when it is back.")
            return False
        self.problem = None
        return True

    def _write(self, op: str, **args: Any) -> bool:
        """Run one write, retrying; on failure keep it in the outbox. True if written."""
        error: Exception | None = None
        for delay in (0.0, *RETRY_DELAYS_S):
            time.sleep(delay)
            try:
                self.flush()
                self._run(op, args)
                self.problem = None
                return True
            except DBAPIError as exc:
                if not unreachable(exc):
                    raise
                error = exc
                log.info("write %s failed (%s); retrying", op, reason(exc))
        self.outbox.append(op, args)
        self.problem = (f"The database at {self.describe()} cannot be reached "
                        f"({reason(error)}); {self.pending()} change(s) are kept on this "
                        "computer and will be written when it is back.")
        return False

    # ----- writes (public) ----------------------------------------------------------

    def begin_round(self, start: RoundStart) -> bool:
        return self._write("begin_round", **start.__dict__)

    def save_phase(self, round_uid: str, name: str, *, text: str = "", words: list | None = None,
                   turns: list[OverlapEvent] | None = None, seconds: float = 0.0,
                   recording: Path | None = None, started_at: str | None = None) -> bool:
        """Write one phase (again, if it was written before: the final transcript
        replaces the live one). `turns` are stored as JSON records."""
        rel = None
        if recording is not None:
            recording = Path(recording)
            rel = (str(recording.relative_to(self.data_path))
                   if recording.is_relative_to(self.data_path) else str(recording))
        return self._write("save_phase", round_uid=round_uid, name=name, text=text,
                           words=words or [], turns=[asdict(e) for e in turns or ()],
                           seconds=seconds,
                           recording=rel, started_at=started_at or now())

    def save_score(self, round_uid: str, score: dict) -> bool:
        """`score` is `DrillScore.to_dict()`."""
        return self._write("save_score", round_uid=round_uid, score=score)

    def save_confirmations(self, round_uid: str,
                           items: Iterable[tuple[int, str, bool, bool]]) -> bool:
        return self._write("save_confirmations", round_uid=round_uid,
                           items=[list(i) for i in items])

    def finish_round(self, round_uid: str, status: str = "done") -> bool:
        if status not in ("done", "discarded"):
            raise ValueError(status)
        return self._write("finish_round", round_uid=round_uid, status=status,
                           finished_at=now())

    def add_note(self, round_uid: str, text: str) -> bool:
        return self._write("add_note", round_uid=round_uid, text=text, created_at=now())

    def override_score(self, round_uid: str, score: int | None, reason: str) -> bool:
        """Set (or with None, clear) the facilitator's score; a reason is required."""
        if score is not None and not 0 <= score <= 100:
            raise StoreError("An override score must be between 0 and 100.")
        if score is not None and not reason.strip():
            raise StoreError("Give a reason for the override, so others know why.")
        return self._write("override", round_uid=round_uid, score=score, reason=reason.strip())

    def rule(self, round_uid: str, point_index: int, verdict: str | None, by: str) -> bool:
        """A facilitator's ruling on one point ("speaker" or "scorer"); None clears it."""
        if verdict is not None and verdict not in RULINGS:
            raise ValueError(verdict)
        return self._write("rule", round_uid=round_uid, point_index=point_index,
                           verdict=verdict, by=by, at=now())

    def recording_path(self, round_uid: str, phase: str) -> Path:
        """Where a phase's FLAC goes (the folder is private to the user)."""
        return private_dir(self.data_path / "recordings") / f"{round_uid}-{phase}.flac"

    # ----- operations (run inside a write transaction) ------------------------------

    def _id_of_name(self, conn: Connection, table, name: str) -> int:
        row = conn.execute(select(table.c.id).where(table.c.name == name)).first()
        if row:
            return row[0]
        return conn.execute(insert(table).values(name=name, created_at=now())
                            .returning(table.c.id)).scalar_one()

    def _round_id(self, conn: Connection, round_uid: str) -> int:
        rid = conn.execute(select(s.rounds.c.id).where(s.rounds.c.uid == round_uid)).scalar()
        if rid is None:
            raise StoreError(f"No round {round_uid} in the database.")
        return rid

    def _op_begin_round(self, conn: Connection, *, listener: str, speaker: str | None, kind: str,
                        exercise: str, exercise_title: str, workshop: str | None,
                        session_uid: str, uid: str, number: int, started_at: str,
                        station: str) -> None:
        if conn.execute(select(s.rounds.c.id).where(s.rounds.c.uid == uid)).first():
            return  # already written (an outbox replay)
        session_id = conn.execute(select(s.sessions.c.id)
                                  .where(s.sessions.c.uid == session_uid)).scalar()
        if session_id is None:
            workshop_id = self._id_of_name(conn, s.workshops, workshop) if workshop else None
            session_id = conn.execute(insert(s.sessions).values(
                uid=session_uid, workshop_id=workshop_id, kind=kind, station=station,
                started_at=started_at).returning(s.sessions.c.id)).scalar_one()
        conn.execute(insert(s.rounds).values(
            uid=uid, session_id=session_id, number=number,
            listener_id=self._id_of_name(conn, s.participants, listener),
            speaker_id=self._id_of_name(conn, s.participants, speaker) if speaker else None,
            exercise=exercise, exercise_title=exercise_title, status="in_progress",
            started_at=started_at))

    def _op_save_phase(self, conn: Connection, *, round_uid: str, name: str, text: str,
                       words: list, turns: list, seconds: float, recording: str | None,
                       started_at: str) -> None:
        rid = self._round_id(conn, round_uid)
        conn.execute(delete(s.phases).where(and_(s.phases.c.round_id == rid,
                                                 s.phases.c.name == name)))
        conn.execute(insert(s.phases).values(
            round_id=rid, name=name, text=text, words=json.dumps(words), turns=json.dumps(turns),
            seconds=seconds, recording=recording, started_at=started_at))
        if name == "speak":
            counts = {k: sum(1 for e in turns if e.get("kind") == k)
                      for k in ("interruption", "backchannel")}
            if turns:
                conn.execute(update(s.rounds).where(s.rounds.c.id == rid).values(
                    interruptions=counts["interruption"], encouragers=counts["backchannel"]))

    def _op_save_score(self, conn: Connection, *, round_uid: str, score: dict) -> None:
        rid = self._round_id(conn, round_uid)
        conn.execute(delete(s.scores).where(s.scores.c.round_id == rid))
        conn.execute(insert(s.scores).values(
            round_id=rid, overall=int(score["overall"]),
            components=json.dumps(score.get("components", {})),
            detail=json.dumps(score, default=str), created_at=now()))
        values: dict[str, Any] = {"score": int(score["overall"])}
        for key in ("interruptions", "encouragers"):
            if score.get(key) is not None:
                values[key] = score[key]
        conn.execute(update(s.rounds).where(s.rounds.c.id == rid).values(**values))

    def _op_save_confirmations(self, conn: Connection, *, round_uid: str, items: list) -> None:
        rid = self._round_id(conn, round_uid)
        conn.execute(delete(s.confirmations).where(s.confirmations.c.round_id == rid))
        if items:
            conn.execute(insert(s.confirmations), [
                {"round_id": rid, "point_index": i, "point": p, "came_across": bool(c),
                 "scorer_covered": bool(m)} for i, p, c, m in items])

    def _op_finish_round(self, conn: Connection, *, round_uid: str, status: str,
                         finished_at: str) -> None:
        conn.execute(update(s.rounds).where(s.rounds.c.uid == round_uid)
                     .values(status=status, finished_at=finished_at))

    def _op_add_note(self, conn: Connection, *, round_uid: str, text: str,
                     created_at: str) -> None:
        conn.execute(insert(s.notes).values(round_id=self._round_id(conn, round_uid),
                                            text=text, created_at=created_at))

    def _op_rule(self, conn: Connection, *, round_uid: str, point_index: int,
                 verdict: str | None, by: str, at: str) -> None:
        rid = self._round_id(conn, round_uid)
        conn.execute(delete(s.rulings).where(and_(s.rulings.c.round_id == rid,
                                                  s.rulings.c.point_index == point_index)))
        if verdict is not None:
            conn.execute(insert(s.rulings).values(round_id=rid, point_index=point_index,
                                                  verdict=verdict, ruled_by=by, ruled_at=at))

    def _op_override(self, conn: Connection, *, round_uid: str, score: int | None,
                     reason: str) -> None:
        conn.execute(update(s.rounds).where(s.rounds.c.uid == round_uid).values(
            override_score=score, override_reason=reason if score is not None else None))

    # ----- privacy and housekeeping (privacy.py) ---------------------------------------

    def forget(self, participant: str) -> Forgotten:
        """Remove a participant, their rounds, recordings and exported judgments."""
        from listen_coach.store.privacy import forget

        with self.reached("reached"):
            return forget(self, participant)

    def prune_recordings(self, keep_days: int) -> int:
        """Delete recordings older than `keep_days` (0 keeps them for ever)."""
        from listen_coach.store.privacy import prune_recordings

        with self.reached("reached"):
            return prune_recordings(self, keep_days)


def open_store(data_path: Path | None = None, database: str | None = None) -> Store:
    """The store the settings and `$LISTEN_COACH_DB` point at. Connects lazily."""
    if data_path is None or database is None:
        from listen_coach.config import load_settings

        settings = load_settings()
        data_path = settings.data_path if data_path is None else data_path
        database = settings.store.database if database is None else database
    return Store(make_engine(database_url(Path(data_path), database)), Path(data_path))
