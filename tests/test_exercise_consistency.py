"""Each solo passage is self-consistent: its own recording, through the real
transcriber, covers its annotated points, and the scorer tells a good hand-written
summary from a poor one."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from listen_coach.drill.packs import load_library
from listen_coach.drill.solo import score_passage
from listen_coach.scoring.person import second_person

SUMMARIES = tomllib.loads((Path(__file__).parent / "data" / "passage_summaries.toml")
                          .read_text(encoding="utf-8"))
PASSAGES = {p.id: p for p in load_library().passages}


def test_every_passage_has_hand_written_summaries():
    assert set(SUMMARIES) == set(PASSAGES)


@pytest.mark.slow
@pytest.mark.parametrize("passage_id", sorted(PASSAGES))
def test_own_transcript_covers_the_points(passage_id, transcriber):
    passage = PASSAGES[passage_id]
    transcript = transcriber.transcribe(passage.audio["normal"]).text
    # Said back as a listener would: "I stayed late" -> "you stayed late".
    result = score_passage(passage, second_person(transcript))
    missed = [p.match.point for p in result.points if not p.match.covered]
    # A passage whose points are not in its own recording is broken, and misses
    # several. One miss is the recogniser's slip ("for years ago" for "four years
    # ago") meeting a scorer that is strict about numbers and names; `make bench`
    # (exercises.own_transcript_coverage) reports how many passages reach 90 %.
    assert len(missed) <= 1, (missed, transcript)


@pytest.mark.parametrize("passage_id", sorted(PASSAGES))
def test_good_summary_beats_poor_summary(passage_id):
    passage = PASSAGES[passage_id]
    good = score_passage(passage, SUMMARIES[passage_id]["good"])
    poor = score_passage(passage, SUMMARIES[passage_id]["poor"])
    n = len(passage.points)
    assert good.covered / n >= 0.7, [p.match.point for p in good.points if not p.match.covered]
    assert poor.covered / n <= 0.3, [p.match.point for p in poor.points if p.match.covered]
    assert good.overall >= poor.overall + 30
    # Asked, open or closed: "When did you last need it?" asks for one fact, which the
    # coding manuals call closed (scoring/questions.py).
    assert good.question is not None
