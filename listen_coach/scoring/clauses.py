"""The one clause of a summary that says a point.

Spoken summaries run their clauses together ("so the club's split, you'd started
it with Carmel, and she's sent you a card, right?"), and a check that compares a
point with the whole summary finds its words scattered over several of them. The
strict checks that look for what the summary says *instead* (someone else did it,
the opposite happened) read only the clause that shares most of the point's words.
"""

from __future__ import annotations

from listen_coach.scoring import lexical

#: The clause must share this many of the point's words ...
MIN_SHARED = 2
#: ... and at least this share of them (the words the caller compares, without the
#: ones it is checking).
MIN_SHARE = 0.5

Clause = tuple[lexical.Token, ...]


def clauses(a: lexical.Analysed) -> list[Clause]:
    """The text's content tokens cut at sentence ends, commas and semicolons."""
    cuts = sorted({e for _, e in a.sentences} | {i for i, c in enumerate(a.text) if c in ",;"})
    out: list[list[lexical.Token]] = [[]]
    k = 0
    for t in a.tokens:
        while k < len(cuts) and cuts[k] <= t.start:
            k += 1
            out.append([])
        out[-1].append(t)
    return [tuple(c) for c in out if c]


def saying(words: set[str], summary: lexical.Analysed) -> Clause | None:
    """The clause sharing most of `words` (lemmas), if one clause clearly does:
    None on a tie, or when it shares too little to be saying the point."""
    best, shared = None, 0
    for clause in clauses(summary):
        n = len(words & {t.key for t in clause})
        if n > shared:
            best, shared = clause, n
        elif n == shared:
            best = None  # two clauses say it equally: no one clause to read
    if best is None or shared < max(MIN_SHARED, MIN_SHARE * len(words)):
        return None
    return best
