"""Scoring a solo drill: the learner's summary against a passage's annotated points."""

from __future__ import annotations

from listen_coach.drill.packs import Passage
from listen_coach.scoring.report import DrillScore, score_round


def score_passage(passage: Passage, summary: str) -> DrillScore:
    """Annotated points with their weights and accepted paraphrases; the speaker's
    name is read as "you", so "Priya stayed late" matches "you stayed late"."""
    return score_round(
        passage.text, summary,
        points=[p.text for p in passage.points],
        point_weights=[p.weight for p in passage.points],
        paraphrases=[p.paraphrases for p in passage.points],
        speaker_name=passage.speaker)
