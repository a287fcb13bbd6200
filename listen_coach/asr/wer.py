"""Word error rate with the normalisation the benchmarks and tests share.

References often spell numbers as words while Whisper writes digits, so both
sides are lower-cased, stripped of punctuation, hyphens split, and number words
turned into digits before words are compared.
"""

from __future__ import annotations

import re

_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate(
    "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if w != "_"}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_SPELLING = {"mister": "mr", "missus": "mrs", "doctor": "dr", "okay": "ok", "percent": "%"}


def _numbers_to_digits(words: list[str]) -> list[str]:
    out: list[str] = []
    total = current = 0
    in_number = False
    for w in words + [""]:
        if w in _UNITS or w in _TENS or (w in _SCALES and in_number):
            in_number = True
            if w in _UNITS:
                current += _UNITS[w]
            elif w in _TENS:
                current += _TENS[w]
            elif w == "hundred":
                current *= 100
            else:
                total += current * _SCALES[w]
                current = 0
            continue
        if in_number:
            out.append(str(total + current))
            total = current = 0
            in_number = False
        if w:
            out.append(w)
    return out


def normalise_words(text: str) -> list[str]:
    text = text.lower().replace("-", " ").replace("’", "'")
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)  # 10,000 -> 10000
    text = re.sub(r"[^a-z0-9%' ]+", " ", text)
    words = [_SPELLING.get(w, w) for w in text.replace("'", "").split()]
    return _numbers_to_digits(words)


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    previous = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        current = [i]
        for j, h in enumerate(hyp, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (r != h)))
        previous = current
    return previous[-1]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` against `reference`, after normalisation."""
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(ref, hyp) / len(ref)


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    """Errors over all reference words (long clips weigh more than short ones)."""
    errors = sum(edit_distance(normalise_words(r), normalise_words(h)) for r, h in pairs)
    words = sum(len(normalise_words(r)) for r, _ in pairs)
    return errors / words if words else 0.0
