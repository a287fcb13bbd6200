"""The speakers audit the scorer: agreement figures against a hand count, rulings,
the disagreements, and the labelled export, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3

import pytest

from listen_coach.store import audit, judgments, open_store
from listen_coach.store.repo import RoundStart

TALK = ("so um my manager Priya asked me to lead the launch and Alex was meant to help "
        "but in the end it was just me and I worked every weekend in March")
SUMMARY = ("So Priya gave you the launch, you ended up alone and lost your weekends. "
           "How are you now?")

#: (workshop, listener, speaker, ticks, scorer verdicts, status); counted by hand below.
ROUNDS = [
    ("Spring", "Alex", "Sam", [1, 1, 0, 0], [1, 0, 0, 1], "done"),
    ("Spring", "Sam", "Alex", [1, 1, 1], [1, 1, 1], "done"),
    ("Spring", "Alex", "Sam", [0, 1, 1], [0, 1, 0], "done"),
    ("Autumn", "Kim", "Lee", [1, 0], [0, 0], "done"),
    ("Autumn", "Kim", "Lee", [0, 0], [1, 1], "discarded"),  # not a finished round
]


def _seed(store) -> list[str]:
    uids = []
    for i, (workshop, listener, speaker, ticks, scorer, status) in enumerate(ROUNDS):
        start = RoundStart(listener=listener, speaker=speaker, workshop=workshop,
                           exercise="launch", exercise_title="A launch that slipped",
                           uid=f"r{i}", started_at=f"2026-05-0{i + 1}T10:00:00+00:00")
        store.begin_round(start)
        store.save_phase(start.uid, "speak", text=TALK.replace("Alex", listener), seconds=60)
        store.save_phase(start.uid, "summary", text=SUMMARY, seconds=20)
        points = list(zip([f"point {k} of round {i}" for k in range(len(ticks))], ticks, scorer,
                          strict=True))
        store.save_score(start.uid, {"overall": 60, "components": {"coverage": 0.5}, "points": [
            {"match": {"point": p, "score": 0.9 if s else 0.2, "covered": bool(t),
                       "evidence": f"words for {p}"}} for p, t, s in points]})
        store.save_confirmations(start.uid, [(k, p, bool(t), bool(s))
                                             for k, (p, t, s) in enumerate(points)])
        store.finish_round(start.uid, status)
        uids.append(start.uid)
    return uids


def test_the_figures_match_a_hand_count(store):
    _seed(store)
    points = audit.verdicts(store)
    everyone = audit.agreement(points)
    # 4 + 3 + 3 + 2 ticked points in finished pair rounds; agreed 2 + 3 + 2 + 1.
    assert (everyone.points, everyone.agreed, everyone.rounds) == (12, 8, 4)
    assert (everyone.credited_unheard, everyone.missed_heard) == (1, 3)
    lo, hi = everyone.interval  # Wilson 95 % for 8 of 12: 0.391-0.862
    assert (round(lo, 3), round(hi, 3)) == (0.391, 0.862)
    people = audit.by_participant(points)
    assert list(people) == ["Alex", "Kim", "Sam"]
    assert (people["Alex"].points, people["Alex"].agreed) == (7, 4)
    assert (people["Alex"].credited_unheard, people["Alex"].missed_heard) == (1, 2)
    assert (people["Sam"].points, people["Sam"].agreed, people["Kim"].agreed) == (3, 3, 1)
    workshops = audit.by_workshop(points)
    assert (workshops["Spring"].points, workshops["Spring"].agreed) == (10, 7)
    assert (workshops["Autumn"].points, workshops["Autumn"].agreed) == (2, 1)
    assert audit.agreement(audit.verdicts(store, workshop="Autumn")) == workshops["Autumn"]
    assert "67% of 12 points (95% interval 39-86%" in everyone.sentence()


def test_rulings_are_stored_counted_and_travel_in_a_bundle(store, tmp_path):
    from listen_coach.store.export import read_bundle, write_bundle

    _seed(store)
    store.rule("r0", 1, "speaker", "Dana")
    store.rule("r0", 3, "scorer", "Dana")
    store.rule("r0", 3, "speaker", "Jo")  # a second thought replaces the first
    store.rule("r2", 2, "scorer", "Jo")
    store.rule("r2", 2, None, "Jo")  # and None clears it
    detail = store.round_detail("r0")
    assert {i: (r.verdict, r.by) for i, r in detail.rulings.items()} == {
        1: ("speaker", "Dana"), 3: ("speaker", "Jo")}
    assert detail.rulings[1].at.startswith("20")
    a = audit.agreement(audit.verdicts(store))
    assert (a.speaker_right, a.scorer_right, a.unruled) == (2, 0, 2)
    assert "ruled: speaker right 2, scorer right 0" in a.sentence()
    with pytest.raises(ValueError):
        store.rule("r0", 1, "nobody", "Dana")

    bundle = tmp_path / "b.zip"
    write_bundle(store, bundle)
    other = open_store(tmp_path / "other", database="")
    read_bundle(other, bundle)
    assert audit.agreement(audit.verdicts(other)) == a


def test_disagreements_carry_the_summary_words_newest_first(store):
    _seed(store)
    store.rule("r0", 3, "scorer", "Dana")
    found = audit.disagreements(store, audit.verdicts(store))
    assert [(d.verdict.round_uid, d.verdict.index) for d in found] == [
        ("r3", 0), ("r2", 2), ("r0", 3), ("r0", 1)]
    kim = found[0]
    assert (kim.verdict.came_across, kim.verdict.scorer_covered) == (True, False)
    assert kim.evidence == "words for point 0 of round 3" and kim.scorer_score == 0.2
    assert kim.summary == SUMMARY
    assert found[2].verdict.ruling == "scorer"


def test_no_ticks_gives_a_plain_sentence(tmp_path):
    store = open_store(tmp_path / "data", database="")
    a = audit.agreement(audit.verdicts(store))
    assert a.points == 0 and a.share is None
    assert a.sentence().startswith("No ticked points yet")
    assert audit.wilson(0, 0) == (0.0, 1.0)


def test_the_judgment_export_is_the_corpus_shape_without_names(store, tmp_path):
    _seed(store)
    store.rule("r0", 3, "scorer", "Dana")
    out = tmp_path / "judgments.jsonl"
    done = judgments.write(store, out)
    assert (done.rounds, done.points) == (4, 12)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    first = lines[0]
    assert set(first) == {"talk_id", "topic", "speaker", "talk", "points", "summaries"}
    text = json.dumps(lines)
    for name in ("Alex", "Sam", "Kim", "Lee", "Priya", "Spring", "2026", "r0"):
        assert name not in text, name
    assert first["speaker"] == "SPEAKER"
    assert "my manager NAME1 asked me" in first["talk"] and "and LISTENER was meant" in first[
        "talk"]
    assert first["summaries"][0]["text"].startswith("So NAME1 gave you the launch")
    s = first["summaries"][0]
    assert s["kind"] == "workshop"
    assert s["speaker_ticks"] == [1, 1, 0, 0] and s["scorer"] == [1, 0, 0, 1]
    assert s["labels"] == [1, 1, 0, 1]  # the facilitator ruled for the scorer on point 3
    assert s["rulings"] == [None, None, None, "scorer"]
    assert s["scorer_scores"] == [0.9, 0.2, 0.2, 0.9]
    assert (out.stat().st_mode & 0o777) == 0o600

    # The training code reads it as it reads the project's own corpus.
    from training.spoken_corpus import load_talks, pairs_of

    corpus = tmp_path / "corpus"
    (corpus / "spoken").mkdir(parents=True)
    (corpus / "spoken" / "workshop.jsonl").write_text(out.read_text())
    pairs = pairs_of(load_talks(directory=corpus))
    assert len(pairs) == 12 and sum(p.label for p in pairs) == 3 + 3 + 2 + 1


def test_forget_takes_a_participant_out_of_the_export(store, tmp_path, capsys):
    _seed(store)
    out = tmp_path / "judgments.jsonl"
    judgments.write(store, out)
    edited = tmp_path / "edited.jsonl"
    judgments.write(store, edited, workshop="Autumn")
    edited.write_text(edited.read_text() + "\n")  # changed by hand since
    gone = store.forget("Kim")
    assert (gone.rounds, gone.exports, gone.exports_changed) == (2, 1, (str(edited),))
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 3 and sum(len(r["points"]) for r in lines) == 10
    # ... and a second forget still finds the rewritten file.
    assert store.forget("Sam").exports == 1
    assert out.read_text() == ""


def test_an_export_to_a_folder_is_one_sentence(tmp_path):
    from listen_coach.store.db import StoreError

    store = open_store(tmp_path / "data", database="")
    with pytest.raises(StoreError, match="is a folder"):
        judgments.write(store, tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        judgments.write(store, tmp_path / "nowhere" / "j.jsonl")


def test_a_version_1_database_gains_the_rulings_table(tmp_path):
    store = open_store(tmp_path / "data", database="")
    _seed(store)
    db = tmp_path / "data" / "listen-coach.db"
    with sqlite3.connect(db) as conn:  # as schema 1 left it
        conn.execute("DROP TABLE rulings")
        conn.execute("UPDATE meta SET value = '1'")
    again = open_store(tmp_path / "data", database="")
    again.rule("r0", 1, "speaker", "Dana")
    assert audit.agreement(audit.verdicts(again)).speaker_right == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM meta").fetchone()[0] == "2"
