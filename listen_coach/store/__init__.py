"""Sessions, rounds and scores on disk: SQLite by default, PostgreSQL when
`LISTEN_COACH_DB=postgresql://...` is set, through one SQLAlchemy Core layer.

The names below load on first use: SQLAlchemy takes half a second to import, and
the app's home screen must not wait for it (`records` is plain dataclasses)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from listen_coach.store.repo import RoundRow, Store, open_store

__all__ = ["RoundRow", "Store", "open_store"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from listen_coach.store import repo

        return getattr(repo, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
