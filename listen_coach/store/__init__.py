"""Sessions, rounds and scores on disk: SQLite by default, PostgreSQL when
`LISTEN_COACH_DB=postgresql://...` is set, through one SQLAlchemy Core layer."""

from listen_coach.store.repo import RoundRow, Store, open_store

__all__ = ["RoundRow", "Store", "open_store"]
