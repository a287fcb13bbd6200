"""The windows of a summary the presence model reads a point against.

A point is usually said in one place, so the model (presence.py) reads it against
each window of the summary and the best window counts; training reads pairs the
same way (training/train_scorer.py). Windows are whole sentences where they can
be: speech often comes out as one long sentence, which is cut into pieces.
"""

from __future__ import annotations

import re

from listen_coach.scoring.lexical import _prefix, analyse, weight

#: Words of summary the presence model reads with a point at once. A window is whole
#: sentences (a sentence longer than this is cut into pieces of this size), so that
#: a 45 s summary (100-120 words) is one or two windows and a REALSumm summary
#: (median 71 words) mostly one: with a point of up to POINT_WORDS it fits the
#: model's 144 tokens (about 1.3 tokens a word), and a longer text is never cut off
#: unseen, as it was when the model read the first 96 tokens of two sentences.
WINDOW_WORDS = 80
#: Words of a point read at once; a longer point is read in pieces (presence.py).
POINT_WORDS = 24
#: Windows scored per point when a summary has more (the most overlapping ones):
#: keeps a 10,000-word summary to a bounded cost.
MAX_WINDOWS = 3


def _pieces(text: str, sentences: tuple[tuple[int, int], ...], size: int) -> list[str]:
    """Sentences, with any sentence over `size` words cut into pieces of `size` words
    overlapping by a quarter (speech often comes out as one long sentence)."""
    out = []
    for a, b in sentences:
        words = text[a:b].split()
        if len(words) <= size:
            out.append(" ".join(words))
            continue
        step = max(1, size * 3 // 4)
        for i in range(0, len(words), step):
            out.append(" ".join(words[i:i + size]))
            if i + size >= len(words):
                break
    return [p for p in out if p]


def chunks(text: str, size: int) -> list[str]:
    """`text` in pieces of at most `size` words, cut at sentence ends where it can be:
    consecutive sentences are packed into as few pieces as fit, of even length."""
    a = analyse(text)
    pieces = _pieces(a.text, a.sentences, size)
    total = sum(len(p.split()) for p in pieces)
    if total <= size:
        return [" ".join(pieces)] if pieces else []
    target = total / -(-total // size)  # ceil: as many windows as needed, even sizes
    out: list[str] = []
    current: list[str] = []
    length = 0
    for p in pieces:
        n = len(p.split())
        if current and (length + n > size or length >= target):
            out.append(" ".join(current))
            current, length = [], 0
        current.append(p)
        length += n
    if current:
        out.append(" ".join(current))
    return out


def windows(point: str, summary: str, most: int = MAX_WINDOWS,
            size: int = WINDOW_WORDS) -> list[str]:
    """The windows of `summary` the model reads `point` against: all of them when
    there are at most `most`, else the `most` that share the most weighted words
    with the point, in their order in the summary."""
    parts = chunks(summary, size)
    if len(parts) <= most:
        return parts
    p = analyse(point)
    keys = {t.key for t in p.tokens if t.key != "SPEAKER"}
    prefixes = {_prefix(k) for k in keys}

    def score(window: str) -> float:  # by word prefix: no parse of each window
        return sum(weight(w) for w in re.findall(r"[a-z0-9']+", window.lower())
                   if w in keys or _prefix(w) in prefixes)

    ranked = sorted(range(len(parts)), key=lambda i: -score(parts[i]))[:most]
    return [parts[i] for i in sorted(ranked)]
