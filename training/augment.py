"""Hard negatives made from the spoken corpus's *train* split, for the cross-encoder.

A listener who says "five nights" for "three nights", "Owen sent the flowers" for
"you sent the flowers", "you didn't" for "you did" or "you lost the vote" for "you
won it" has not heard the point, though nearly every word matches. The corpus has
about one such distortion per summary; these rules make more from its correct
pairs: the sentence that carries a point (its best lexical match) is changed in one
way (a number, the person, a negation, an antonym) and the pair is labelled 0.
Deterministic for a seed. Only ever applied to the train split.
"""

from __future__ import annotations

import random
import re

from training import spoken_corpus

#: Kinds whose pairs are changed (a parrot's sentences are the talk's own).
KINDS = ("paraphrase", "compressed", "partial", "parrot")
ANTONYMS = {"won": "lost", "lost": "won", "more": "less", "less": "more", "before": "after",
            "after": "before", "early": "late", "late": "early", "always": "never",
            "never": "always", "best": "worst", "worst": "best", "started": "stopped",
            "stopped": "started", "agreed": "refused", "refused": "agreed", "passed": "failed",
            "failed": "passed", "better": "worse", "worse": "better", "higher": "lower",
            "lower": "higher", "first": "last", "last": "first", "loves": "hates",
            "love": "hate", "hates": "loves", "hate": "love", "easier": "harder",
            "harder": "easier", "happy": "unhappy", "unhappy": "happy", "yes": "no",
            "accepted": "rejected", "rejected": "accepted", "gained": "lost", "rose": "fell",
            "fell": "rose", "increased": "decreased", "decreased": "increased"}
_AUX = re.compile(r"\b(was|were|is|are|did|does|do|has|have|had|could|would|will|can|"
                  r"should)\b( not|n't)?", re.I)
_NUMBER = re.compile(r"\b\d[\d,]*\b")
_YOU_VERB = {"were": "was", "are": "is", "have": "has", "'re": "'s", "do": "does"}


def _number(sentence: str, rng: random.Random) -> str | None:
    from listen_coach.scoring.nlp import digits

    text = digits(sentence)
    found = list(_NUMBER.finditer(text))
    if not found:
        return None
    m = rng.choice(found)
    n = int(m.group(0).replace(",", ""))
    new = n + rng.choice([1, 2, 3]) if n < 10 else int(n * rng.choice([0.5, 1.5, 2]))
    if new == n:
        new = n + 1
    return text[:m.start()] + str(new) + text[m.end():]


def _negation(sentence: str, rng: random.Random) -> str | None:
    m = _AUX.search(sentence)
    if not m:
        return None
    if m.group(2):  # "was not" -> "was"
        return sentence[:m.start()] + m.group(1) + sentence[m.end():]
    return sentence[:m.end()] + " not" + sentence[m.end():]


def _antonym(sentence: str, rng: random.Random) -> str | None:
    words = [m for m in re.finditer(r"[A-Za-z']+", sentence) if m.group(0).lower() in ANTONYMS]
    if not words:
        return None
    m = rng.choice(words)
    return sentence[:m.start()] + ANTONYMS[m.group(0).lower()] + sentence[m.end():]


def _person(sentence: str, names: list[str], rng: random.Random) -> str | None:
    present = [n for n in names if re.search(rf"\b{re.escape(n)}\b", sentence)]
    if present:
        old = rng.choice(present)
        others = [n for n in names if n != old]
        new = rng.choice(others) if others else "you"
        return re.sub(rf"\b{re.escape(old)}\b", new, sentence, count=1)
    m = re.search(r"\byou\b( were| are| have|'re| do)?", sentence)
    if not m or not names:
        return None
    verb = m.group(1) or ""
    new = rng.choice(names) + (" " + _YOU_VERB[verb.strip()] if verb.strip() in _YOU_VERB
                               and not verb.startswith("'") else
                               _YOU_VERB.get(verb, "") if verb else "")
    return sentence[:m.start()] + new + sentence[m.end():]


def _names(talk: spoken_corpus.Talk) -> list[str]:
    """People named in a talk's points, the speaker aside."""
    found: list[str] = []
    for point in talk.points:
        for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+\b", point):
            word = m.group(0)
            if word != talk.speaker and word not in found and word not in {"I", "The", "A"}:
                found.append(word)
    return found


def hard_negatives(seed: int = 13, share: float = 0.5) -> list[tuple[str, str, int]]:
    """(point, changed summary, 0) for about `share` of the train split's correct pairs."""
    from listen_coach.scoring import lexical

    rng = random.Random(seed)
    out: list[tuple[str, str, int]] = []
    for talk in spoken_corpus.load_talks("train"):
        names = _names(talk)
        for pair in spoken_corpus.pairs_of([talk]):
            if pair.label != 1 or pair.kind not in KINDS or rng.random() >= share:
                continue
            point, summary = spoken_corpus.as_read(pair)
            ov = lexical.overlap(point, summary)
            a = lexical.analyse(summary)
            if ov.best_sentence < 0:
                continue
            start, end = a.sentences[ov.best_sentence]
            sentence = a.text[start:end]
            rules = ["number", "person", "negation", "antonym"]
            rng.shuffle(rules)
            for rule in rules:
                changed = (_person(sentence, names, rng) if rule == "person" else
                           {"number": _number, "negation": _negation,
                            "antonym": _antonym}[rule](sentence, rng))
                if changed and changed != sentence:
                    out.append((point, a.text[:start] + changed + a.text[end:], 0))
                    break
    return out
