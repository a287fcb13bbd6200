"""Who spoke when, and how the listener came in: interruptions versus encouragers."""

from __future__ import annotations

from listen_coach.turns.overlaps import OverlapEvent, Turn, classify_overlaps

__all__ = ["OverlapEvent", "Turn", "classify_overlaps"]
