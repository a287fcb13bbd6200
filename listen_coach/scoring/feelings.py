"""Feelings the speaker named or showed, and whether the summary reflected them.

A listener who says "that sounds frustrating" shows they heard more than the
facts. Feelings are found by a lexicon grouped into families, so reflecting
"annoyed" with "frustrated" counts. Counselling supervisors weigh these
reflections (DESIGN.md §3: 40-50 % complex reflections is fair to good).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from listen_coach.scoring.nlp import expand_contractions, parse

FAMILIES: dict[str, tuple[str, ...]] = {
    "frustrated": ("frustrated", "frustrating", "annoyed", "annoying", "irritated", "angry",
                   "furious", "mad", "fed up", "upset", "resentful", "livid"),
    "worried": ("worried", "worry", "worrying", "worrisome", "anxious", "anxiety", "nervous",
                "scared", "scary", "afraid", "frightened", "frightening", "fear", "uneasy",
                "panicked", "panic", "dread", "terrified", "nerve-racking", "tense"),
    "sad": ("sad", "down", "disappointed", "disappointing", "let down", "hurt", "hurtful",
            "gutted", "heartbroken", "miserable", "unhappy", "depressed", "depressing",
            "grief", "devastated", "upsetting"),
    "embarrassed": ("embarrassed", "embarrassing", "ashamed", "humiliated", "awkward",
                    "mortified", "guilty", "guilt", "shame"),
    "stressed": ("stressed", "stress", "stressful", "overwhelmed", "overwhelming",
                 "exhausted", "exhausting", "tired", "tiring", "drained", "draining",
                 "burned out", "burnt out", "swamped", "pressure", "pressured", "rough",
                 "hard going"),
    "lonely": ("lonely", "alone", "isolated", "left out", "ignored", "invisible", "excluded"),
    "confused": ("confused", "confusing", "lost", "unsure", "uncertain", "torn", "stuck"),
    "happy": ("happy", "glad", "pleased", "delighted", "excited", "exciting", "thrilled",
              "proud", "relieved", "relief", "grateful", "thankful", "hopeful", "optimistic",
              "confident", "energised", "energized"),
}
_WORD_TO_FAMILY = {w: fam for fam, words in FAMILIES.items() for w in words}
#: Feelings shown rather than named: what people say when they do not use the word.
SHOWN: dict[str, str] = {
    "couldn't sleep": "worried", "could not sleep": "worried", "lying awake": "worried",
    "lost sleep": "worried", "my heart sank": "sad", "i cried": "sad", "in tears": "sad",
    "i was shaking": "worried", "at my wits' end": "stressed", "at the end of my tether":
    "stressed", "banging my head": "frustrated", "over the moon": "happy",
    "on cloud nine": "happy", "couldn't believe it": "happy", "wanted the ground to swallow":
    "embarrassed", "no one to talk to": "lonely", "nobody to talk to": "lonely",
    "didn't know what to do": "confused", "did not know what to do": "confused",
}


@lru_cache(maxsize=1)
def feeling_words() -> frozenset[str]:
    return frozenset(w for w in _WORD_TO_FAMILY if " " not in w)


def feelings_in(text: str) -> dict[str, str]:
    """Feeling family -> the words that expressed it, in `text`."""
    found: dict[str, str] = {}
    lowered = " " + " ".join(text.lower().replace("’", "'").split()) + " "
    for phrase, family in [*_WORD_TO_FAMILY.items(), *SHOWN.items()]:
        if " " in phrase and re.search(rf"\b{re.escape(phrase)}\b", lowered):
            found.setdefault(family, phrase)
    for tok in parse(expand_contractions(text)):
        for key in (tok.lower_, tok.lemma_.lower()):
            fam = _WORD_TO_FAMILY.get(key)
            if fam and not _negated(tok):
                found.setdefault(fam, tok.text)
    return found


def _negated(tok) -> bool:
    head = tok.head
    return any(c.dep_ == "neg" for c in (*tok.children, *head.children))


@dataclass(frozen=True)
class Feelings:
    named: dict[str, str]  # family -> the speaker's word
    reflected: dict[str, str]  # family -> the listener's word
    missed: tuple[str, ...]  # the speaker's words for feelings the summary left out

    @property
    def share_reflected(self) -> float | None:
        return len(self.reflected) / len(self.named) if self.named else None


def compare_feelings(speaker: str, summary: str) -> Feelings:
    named = feelings_in(speaker)
    said = feelings_in(summary)
    reflected = {fam: said[fam] for fam in named if fam in said}
    missed = tuple(named[fam] for fam in named if fam not in said)
    return Feelings(named, reflected, missed)
