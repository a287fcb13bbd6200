"""Which of the speaker's points the summary captured (`match_points`, DESIGN.md §2).

The score of a point is the presence model's probability (a cross-encoder trained
on human judgments, combined with lexical evidence; presence.py). On top of it,
three checks are strict about what changes meaning, because a listener who says
"two nights" for "three nights" or "she didn't" for "she did" has not heard it:
a flipped negation, a different number, a different name. Each caps the score
below the threshold and says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from listen_coach.scoring import lexical, presence

#: A point whose meaning the summary contradicts scores at most this.
CONTRADICTED_SCORE = 0.2


@dataclass(frozen=True)
class PointMatch:
    point: str
    score: float  # in [0, 1]: how likely the summary carries the point
    covered: bool
    evidence: str | None  # the summary words that carry (or contradict) the point
    #: Why a point that looks present is not counted: "negation", "number" or "name".
    conflict: str | None = None
    lexical_recall: float = 0.0


def _conflict(ov: lexical.Overlap) -> str | None:
    if ov.negation_conflict:
        return "negation"
    if ov.numbers_conflict:
        return "number"
    return None


def match_points(points: Sequence[str], summary: str) -> list[PointMatch]:
    """One PointMatch per point, in order."""
    points = list(points)
    if not points:
        return []
    if not summary.strip():
        return [PointMatch(p, 0.0, False, None) for p in points]
    model = presence.load()
    combiner = model.combiner
    assert combiner is not None
    lexical.prime([*points, summary])
    overlaps = [lexical.overlap(p, summary) for p in points]
    x = np.column_stack([model.logits(points, summary),
                         np.array([lexical.features(ov) for ov in overlaps])])
    probs = combiner.probability(x)
    out = []
    for point, ov, prob in zip(points, overlaps, probs, strict=True):
        conflict = _conflict(ov) if prob >= combiner.threshold or ov.recall >= 0.5 else None
        score = float(prob)
        if conflict:
            score = min(score, CONTRADICTED_SCORE)
        out.append(PointMatch(
            point=point, score=round(score, 4), covered=score >= combiner.threshold,
            evidence=lexical.evidence_span(summary, ov) if (score >= combiner.threshold or
                                                             conflict) else None,
            conflict=conflict, lexical_recall=round(ov.recall, 4),
        ))
    return out

