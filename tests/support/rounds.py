"""Finished rounds for the review's tests and snapshots: three pair rounds with the
speaker's ticks beside the scorer's verdicts (round-2 disagrees on two points) and a
solo round."""

from __future__ import annotations

from listen_coach.store.repo import RoundStart, Store
from listen_coach.turns.overlaps import OverlapEvent

#: The seeded rounds' points, the words the scorer weighed, and per round the
#: speaker's ticks and the scorer's verdicts (round-2 has two disagreements).
POINTS = [("My mentor told me to write things down", "your mentor said to write things down"),
          ("I kept a notebook for ten years", "you kept notes"),
          ("I still read it before big meetings", None)]
TICKS = {0: ([1, 0, 0], [1, 0, 0]), 1: ([1, 1, 0], [1, 1, 0]), 2: ([1, 1, 0], [1, 0, 1])}


def seed(store: Store) -> None:
    for i, (listener, speaker, score) in enumerate(
            [("Alex", "Sam", 52), ("Sam", "Alex", 61), ("Alex", "Sam", 70), ("Kim", None, 66)]):
        start = RoundStart(listener=listener, speaker=speaker, exercise="mentor-advice",
                           exercise_title="Advice that stuck", workshop="Spring",
                           kind="pair" if speaker else "solo",
                           uid=f"round-{i}", started_at=f"2026-03-0{i + 1}T10:00:00+00:00")
        store.begin_round(start)
        store.save_phase(start.uid, "speak", text="My mentor told me to write things down.",
                         turns=[OverlapEvent("interruption", listener, 5.0, 7.0)], seconds=60)
        store.save_phase(start.uid, "summary", text="Your mentor said to write things down. "
                         "Why did that stick?", seconds=30)
        ticks, scorer = TICKS.get(i, ([], []))
        points = [{"match": {"point": p, "score": 0.8 if s else 0.3, "covered": bool(t),
                             "evidence": e}, "weight": 1.0, "scorer_covered": bool(s)}
                  for (p, e), t, s in zip(POINTS, ticks, scorer, strict=False)]
        store.save_score(start.uid, {"overall": score, "components": {"coverage": score / 100},
                                     "points": points, "tips": ["Ask one open question."]})
        if ticks:
            store.save_confirmations(start.uid, [
                (k, POINTS[k][0], bool(t), bool(s))
                for k, (t, s) in enumerate(zip(ticks, scorer, strict=True))])
        store.finish_round(start.uid)
    store.add_note("round-2", "Much better question this time.")
