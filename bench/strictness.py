"""How narrow the strict checks are: what the person and amount checks (scoring/
people.py, scoring/amounts.py) flag on the spoken corpus's train and dev splits,
where the checks were developed: the correct pairs they would refuse, against the
distorted points they catch. The test split's figures are in bench_spoken_corpus."""

from __future__ import annotations

from collections import defaultdict

import numpy as np


def bench_strictness(rows: list[dict]) -> None:
    from listen_coach.scoring import match_points
    from listen_coach.scoring.amounts import changed_number
    from listen_coach.scoring.people import other_person, stand_in
    from training import spoken_corpus

    if not spoken_corpus.available():
        rows.append({"name": "scoring.strictness.false_flags", "skipped": "no spoken corpus"})
        return
    pairs = [p for split in ("train", "dev") for p in spoken_corpus.load_pairs(split)]
    read = [spoken_corpus.as_read(p) for p in pairs]
    by_summary: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, (_, summary) in enumerate(read):
        by_summary[(pairs[i].talk_id, summary)].append(i)
    looks = np.zeros(len(pairs), bool)  # credited, or refused by a strict check
    amount = np.zeros(len(pairs), bool)
    person = np.zeros(len(pairs), bool)
    for (_, summary), idx in by_summary.items():
        for i, m in zip(idx, match_points([read[i][0] for i in idx], summary), strict=True):
            point = read[i][0]
            amount[i] = changed_number(point, summary) is not None
            person[i] = (other_person(point, summary) or stand_in(point, summary)) is not None
            looks[i] = m.covered or m.conflict is not None
    y = np.array([p.label for p in pairs])
    distorted = np.array([p.distorted for p in pairs])
    good = looks & (y == 1)
    bad = looks & distorted
    flagged = amount | person
    each = (f"amount check {(amount & good).sum()} / {(amount & bad).sum()}, "
            f"person check {(person & good).sum()} / {(person & bad).sum()}")
    rows.append({"name": "scoring.strictness.false_flags", "value": int((flagged & good).sum()),
                 "detail": f"correct pairs the person and amount checks refuse, of {good.sum()}"
                 f" the scorer credits (train and dev splits); refused / caught: {each}"})
    rows.append({"name": "scoring.strictness.caught", "value": int((flagged & bad).sum()),
                 "detail": f"distorted points they refuse, of {bad.sum()} the scorer would "
                 "otherwise credit"})
