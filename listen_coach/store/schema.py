"""The database schema, its version, and the migrations between versions.

One SQLAlchemy Core `MetaData` serves SQLite and PostgreSQL alike. Rows that travel
between stations (sessions, rounds) carry a `uid` so that `import` can merge
bundles without clashing integer keys. Times are ISO-8601 UTC text: sortable,
readable in a CSV export, identical on both backends.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    select,
)

SCHEMA_VERSION = 2

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

participants = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
)

workshops = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
)

sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(36), nullable=False, unique=True),
    Column("workshop_id", ForeignKey("workshops.id", ondelete="SET NULL")),
    Column("kind", String(16), nullable=False),  # pair, solo, demo
    Column("station", String(200), nullable=False, default=""),
    Column("started_at", String(32), nullable=False),
)

rounds = Table(
    "rounds", metadata,
    Column("id", Integer, primary_key=True),
    Column("uid", String(36), nullable=False, unique=True),
    Column("session_id", ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("speaker_id", ForeignKey("participants.id", ondelete="SET NULL")),
    Column("listener_id", ForeignKey("participants.id", ondelete="CASCADE"), nullable=False),
    Column("exercise", String(200), nullable=False, default=""),
    Column("exercise_title", String(300), nullable=False, default=""),
    Column("status", String(16), nullable=False),  # in_progress, done, discarded
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("score", Integer),  # the scorer's overall 0-100
    Column("override_score", Integer),
    Column("override_reason", Text),
    Column("interruptions", Integer),
    Column("encouragers", Integer),
)

phases = Table(
    "phases", metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(16), nullable=False),  # speak, summary
    Column("started_at", String(32), nullable=False),
    Column("seconds", Float, nullable=False, default=0.0),
    Column("recording", Text),  # path relative to the data folder
    Column("text", Text, nullable=False, default=""),
    Column("words", Text, nullable=False, default="[]"),  # JSON [[word, start, end], ...]
    Column("turns", Text, nullable=False, default="[]"),  # JSON events of the turns analysis
    UniqueConstraint("round_id", "name"),
)

scores = Table(
    "scores", metadata,
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True),
    Column("overall", Integer, nullable=False),
    Column("components", Text, nullable=False),  # JSON {name: 0..1}
    Column("detail", Text, nullable=False),  # JSON DrillScore.to_dict()
    Column("created_at", String(32), nullable=False),
)

confirmations = Table(
    "confirmations", metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("point_index", Integer, nullable=False),
    Column("point", Text, nullable=False),
    Column("came_across", Boolean, nullable=False),  # the speaker's own judgment
    Column("scorer_covered", Boolean, nullable=False),
    UniqueConstraint("round_id", "point_index"),
)

#: A facilitator's ruling on a point where the speaker's tick and the scorer's verdict
#: differ: who was right, by whom, when (schema 2).
rulings = Table(
    "rulings", metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("point_index", Integer, nullable=False),
    Column("verdict", String(16), nullable=False),  # speaker, scorer
    Column("ruled_by", String(200), nullable=False),
    Column("ruled_at", String(32), nullable=False),
    UniqueConstraint("round_id", "point_index"),
)

notes = Table(
    "notes", metadata,
    Column("id", Integer, primary_key=True),
    Column("round_id", ForeignKey("rounds.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
)

#: Migrations from version N to N+1, run in order inside one transaction each.
#: Add a function here (and bump SCHEMA_VERSION) for every schema change.
def _add_rulings(conn: Connection) -> None:
    rulings.create(conn)


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _add_rulings}


def current_version(conn: Connection) -> int:
    row = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).first()
    return int(row[0]) if row else 0
