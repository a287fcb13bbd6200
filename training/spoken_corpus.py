"""The spoken judgment corpus (training/data/): talks, points, listener summaries, labels.

Talks as a recogniser writes them down, 6-10 reference points each, and seven
listener summaries of six kinds (paraphrase twice, compressed, partial, distorted,
off-topic, parrot), every (point, summary) pair judged 1/0 by the guide in
training/data/README.md. Split by talk with a hash of its id, so the split never
depends on file order or on how many talks there are: 60 % *train* (the
cross-encoder), 20 % *dev* (the combiner and the threshold), 20 % *test* (reported
only, never trained or tuned on).

    python -m training.spoken_corpus stats       # talks, pairs and labels per split
    python -m training.spoken_corpus agreement   # first against second labelling
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
KINDS = ("paraphrase", "compressed", "partial", "distorted", "off_topic", "parrot")
#: Shares of talks per split (the rest is train).
DEV_SHARE, TEST_SHARE = 0.2, 0.2


@dataclass(frozen=True)
class Summary:
    kind: str
    text: str
    labels: tuple[int, ...]
    distorted: frozenset[int]


@dataclass(frozen=True)
class Talk:
    talk_id: str
    topic: str
    speaker: str
    talk: str
    points: tuple[str, ...]
    summaries: tuple[Summary, ...]


@dataclass(frozen=True)
class Pair:
    """One judged (point, summary) pair."""

    talk_id: str
    speaker: str
    summary_index: int
    point_index: int
    point: str
    kind: str  # the summary's kind
    summary: str
    label: int
    distorted: bool  # the summary states this point wrongly


def split_of(talk_id: str) -> str:
    """'train', 'dev' or 'test', from a hash of the talk id alone."""
    u = int(hashlib.sha1(f"listen-coach/spoken/{talk_id}".encode()).hexdigest()[:8], 16) / 2**32
    return "test" if u < TEST_SHARE else "dev" if u < TEST_SHARE + DEV_SHARE else "train"


def load_talks(split: str | None = None, directory: Path = DATA) -> list[Talk]:
    talks = []
    for path in sorted((directory / "spoken").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if split and split_of(row["talk_id"]) != split:
                continue
            talks.append(Talk(
                row["talk_id"], row.get("topic", ""), row.get("speaker", ""), row["talk"],
                tuple(row["points"]),
                tuple(Summary(s["kind"], s["text"], tuple(int(v) for v in s["labels"]),
                              frozenset(s.get("distorted", ()))) for s in row["summaries"])))
    return talks


def pairs_of(talks: list[Talk]) -> list[Pair]:
    return [Pair(t.talk_id, t.speaker, si, i, point, s.kind, s.text, s.labels[i],
                 i in s.distorted)
            for t in talks for si, s in enumerate(t.summaries) for i, point in enumerate(t.points)]


def load_pairs(split: str | None = None) -> list[Pair]:
    return pairs_of(load_talks(split))


def as_read(p: Pair) -> tuple[str, str]:
    """The pair as the app reads it in a pair round: the speaker's name as "you" on
    both sides (report.py does the same to annotated points and the summary)."""
    from listen_coach.scoring.person import as_you

    return as_you(p.point, p.speaker), as_you(p.summary, p.speaker)


def available() -> bool:
    return any((DATA / "spoken").glob("*.jsonl"))


# --- the second, independent labelling ---------------------------------------------

def second_labels(path: Path = DATA / "second-labels.jsonl") -> dict[tuple[str, int, int], int]:
    """(talk_id, summary index, point index) -> the second annotator's label."""
    out = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                for i, v in enumerate(r["labels"]):
                    out[(r["talk_id"], int(r["summary"]), i)] = int(v)
    return out


@dataclass(frozen=True)
class Agreement:
    pairs: int
    observed: float  # share of pairs both labelled alike
    kappa: float  # Cohen's kappa
    by_kind: dict[str, tuple[int, float]]  # kind -> (pairs, observed agreement)


def agreement() -> Agreement:
    second = second_labels()
    a, b, kinds = [], [], []
    for t in load_talks():
        for si, s in enumerate(t.summaries):
            for pi, label in enumerate(s.labels):
                if (t.talk_id, si, pi) in second:
                    a.append(label)
                    b.append(second[(t.talk_id, si, pi)])
                    kinds.append(s.kind)
    n = len(a)
    if not n:
        return Agreement(0, 0.0, 0.0, {})
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    pa, pb = sum(a) / n, sum(b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    kappa = (observed - chance) / (1 - chance) if chance < 1 else 1.0
    by_kind = {}
    for k in sorted(set(kinds)):
        idx = [i for i, kk in enumerate(kinds) if kk == k]
        by_kind[k] = (len(idx), sum(a[i] == b[i] for i in idx) / len(idx))
    return Agreement(n, observed, kappa, by_kind)


def main(argv: list[str]) -> int:
    what = argv[0] if argv else "stats"
    if what == "stats":
        for split in ("train", "dev", "test"):
            talks = load_talks(split)
            ps = pairs_of(talks)
            kinds = Counter(p.kind for p in ps)
            print(f"{split:5} {len(talks):3} talks {len(ps):5} pairs, "
                  f"{sum(p.label for p in ps) / max(1, len(ps)):.0%} present; "
                  + ", ".join(f"{k} {kinds[k]}" for k in KINDS))
        return 0
    if what == "agreement":
        ag = agreement()
        if not ag.pairs:
            print("no second labels yet (training/data/second-labels.jsonl)")
            return 1
        print(f"{ag.pairs} pairs labelled twice: agreement {ag.observed:.3f}, "
              f"Cohen's kappa {ag.kappa:.3f}")
        for k, (n, obs) in ag.by_kind.items():
            print(f"  {k:11} {n:4} pairs  {obs:.3f}")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
