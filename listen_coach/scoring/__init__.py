"""Did the listener hear the speaker? Points, coverage, faithfulness, questions, the report.

Contracts (DESIGN.md §2): `match_points(points, summary) -> list[PointMatch]` and
`classify_question(text) -> "open" | "closed" | None`. spaCy and the presence
model load lazily, once per process.
"""

from __future__ import annotations

from listen_coach.scoring.coverage import PointMatch, match_points
from listen_coach.scoring.questions import classify_question

__all__ = ["PointMatch", "match_points", "classify_question", "score_round", "DrillScore",
           "extract_points"]


def __getattr__(name: str):
    if name in ("score_round", "DrillScore"):
        from listen_coach.scoring import report

        return getattr(report, name)
    if name == "extract_points":
        from listen_coach.scoring.points import extract_points

        return extract_points
    raise AttributeError(name)
