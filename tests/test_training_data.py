"""The spoken pairs the point scorer learns from, and the part it is measured on."""

import re
from pathlib import Path

from training import spoken_pairs

ROOT = Path(__file__).resolve().parents[1]


def test_held_out_pairs_are_never_trained_on():
    trained = {(p, s) for p, s, _ in spoken_pairs.pairs()}
    trained_points = {p for p, _ in trained}
    held = spoken_pairs.held_out()
    assert len(held) >= 100  # enough pairs for the benchmark to mean something
    assert not {p for p, _, _ in held} & trained_points
    # Training also shows each summary beside another group's sentence: no held-out
    # sentence may appear there either.
    trained_text = " ".join(s for _, s in trained)
    assert not [s for _, s, _ in held if s in trained_text]


def test_every_point_has_both_labels():
    for point, good, bad in (spoken_pairs.GROUPS + spoken_pairs.TALK_GROUPS
                             + spoken_pairs.HELD_OUT_GROUPS):
        assert good and bad, point


#: Where the scorer's behaviour is pinned or measured (the speech-recognition tests
#: speak other sentences, which scoring never sees).
SCORED = ["exercises/solo-passages.toml", "exercises/workplace-cards.toml",
          "bench/scoring.py", "tests/data/passage_summaries.toml", "tests/test_scoring.py",
          "tests/test_report.py", "tests/test_exercises.py", "tests/test_drill_app.py"]


def test_spoken_pairs_are_not_the_tests_or_the_exercises():
    # Points written into a test or an exercise would make its figures lie.
    elsewhere = " ".join((ROOT / f).read_text(encoding="utf-8") for f in SCORED).lower()
    for point, _, _ in (spoken_pairs.GROUPS + spoken_pairs.TALK_GROUPS
                        + spoken_pairs.HELD_OUT_GROUPS):
        words = re.findall(r"[a-z']+", point.lower())
        # No run of six words of a point appears anywhere else.
        for i in range(len(words) - 5):
            assert " ".join(words[i:i + 6]) not in elsewhere, point


def test_the_spoken_corpus_is_whole_and_judged_by_its_guide():
    from training import spoken_corpus

    talks = spoken_corpus.load_talks()
    assert len(talks) >= 80
    assert len({t.talk_id for t in talks}) == len(talks)
    for t in talks:
        assert 6 <= len(t.points) <= 10, t.talk_id
        assert {s.kind for s in t.summaries} == set(spoken_corpus.KINDS), t.talk_id
        for s in t.summaries:
            assert len(s.labels) == len(t.points), (t.talk_id, s.kind)
            assert all(s.labels[i] == 0 for i in s.distorted), (t.talk_id, s.kind)
            if s.kind == "distorted":
                assert s.distorted, t.talk_id
    splits = {t.talk_id: spoken_corpus.split_of(t.talk_id) for t in talks}
    assert set(splits.values()) == {"train", "dev", "test"}
    assert sum(v == "test" for v in splits.values()) >= 10


def test_the_second_labelling_covers_a_sample_of_every_kind():
    from training import spoken_corpus

    agreement = spoken_corpus.agreement()
    assert agreement.pairs >= 400
    assert set(agreement.by_kind) == set(spoken_corpus.KINDS)


def test_spoken_corpus_points_are_not_the_tests_or_the_exercises():
    from training import spoken_corpus

    elsewhere = " ".join((ROOT / f).read_text(encoding="utf-8") for f in SCORED).lower()
    for t in spoken_corpus.load_talks():
        for point in t.points:
            words = re.findall(r"[a-z']+", point.lower())
            for i in range(len(words) - 5):
                assert " ".join(words[i:i + 6]) not in elsewhere, (t.talk_id, point)
